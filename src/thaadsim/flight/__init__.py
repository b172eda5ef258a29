"""Flight: rockets, the batch integrator, targeting, and the `TrajectoryBatch` they produce.

Public API::

    from thaadsim.flight import fly_targeted, fly_kinematic, load_missile, TrajectoryBatch
"""

from thaadsim.flight.catalog import load_missile, missile_ids
from thaadsim.flight.engine import FlightOptions, fly_kinematic, fly_powered
from thaadsim.flight.targeting import fly_targeted, max_range_km
from thaadsim.flight.trajectory import TrajectoryBatch
from thaadsim.flight.vehicle import Missile, PitchProgram, ReentryVehicle, Stage

__all__ = ["FlightOptions", "Missile", "PitchProgram", "ReentryVehicle", "Stage", "TrajectoryBatch",
           "fly_kinematic", "fly_powered", "fly_targeted", "load_missile", "max_range_km", "missile_ids"]
