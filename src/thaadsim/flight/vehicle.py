"""Rockets as data: stages, a reentry vehicle and a pitch programme.

A :class:`Missile` is a stack of :class:`Stage` objects burnt one after the other (no coast
between stages), carrying a :class:`ReentryVehicle` that separates at the last burnout. Thrust is
constant within a stage: ``mdot = m_prop / t_burn`` and ``F = mdot * Isp * g0`` (the rocket
equation's assumptions, e.g. Sutton & Biblarz, *Rocket Propulsion Elements*, 9th ed., ch. 2-4).

The pitch programme is the classic one for ballistic missiles (e.g. Wheelon 1959; Zarchan,
*Tactical and Strategic Missile Guidance*, ch. 12): a vertical rise, a short "kick" that tilts the
thrust by ``kick_deg`` toward the target azimuth, then a gravity turn in which thrust follows the
Earth-relative velocity. The kick angle is the one free shape parameter: small kicks loft, large
kicks depress. Targeting (``targeting.py``) picks it, together with the cut-off time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from thaadsim.earth.constants import G0_MS2
from thaadsim.errors import ThaadsimError, require_positive

# A generic slender-body drag curve C_D(Mach), used where a catalog entry gives none. It is an
# ASSUMPTION: the usual shape (flat subsonic, a transonic peak near Mach 1.2, a slow supersonic
# decline), not a sourced figure for any missile. Drag costs a ballistic missile only a few percent
# of its range, and the catalog calibration absorbs the rest.
GENERIC_CD_MACH = np.array([0.0, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0])
GENERIC_CD = np.array([0.20, 0.20, 0.25, 0.45, 0.50, 0.44, 0.37, 0.29, 0.23, 0.20, 0.20])


@dataclass(frozen=True)
class Stage:
    """One rocket stage: propellant, structure, specific impulse, burn time, and its body's diameter."""

    propellant_mass_kg: float
    dry_mass_kg: float
    isp_s: float
    burn_time_s: float
    diameter_m: float

    def __post_init__(self):
        for name in ("propellant_mass_kg", "isp_s", "burn_time_s", "diameter_m"):
            require_positive(f"stage.{name}", getattr(self, name))
        if not (self.dry_mass_kg >= 0):
            raise ThaadsimError("stage.dry_mass_kg", f"{self.dry_mass_kg!r} must be >= 0", "give a mass in kg")

    @property
    def mass_flow_kgs(self) -> float:
        return self.propellant_mass_kg / self.burn_time_s

    @property
    def thrust_n(self) -> float:
        return self.mass_flow_kgs * self.isp_s * G0_MS2

    @property
    def area_m2(self) -> float:
        return np.pi * self.diameter_m ** 2 / 4.0


@dataclass(frozen=True)
class ReentryVehicle:
    """The payload that flies on after the last burnout: its mass and ballistic coefficient beta = m/(C_D A)."""

    mass_kg: float
    beta_kgm2: float

    def __post_init__(self):
        require_positive("rv.mass_kg", self.mass_kg)
        require_positive("rv.beta_kgm2", self.beta_kgm2)


@dataclass(frozen=True)
class PitchProgram:
    """Vertical rise for ``vertical_rise_s``, then a linear kick of the thrust over ``kick_duration_s``."""

    vertical_rise_s: float = 10.0
    kick_duration_s: float = 10.0

    def __post_init__(self):
        require_positive("pitch.vertical_rise_s", self.vertical_rise_s)
        require_positive("pitch.kick_duration_s", self.kick_duration_s)


@dataclass(frozen=True, eq=False)   # identity equality: shape tables are cached per object
class Missile:
    """A multi-stage ballistic missile as the flight engine needs it, plus its catalog metadata."""

    id: str
    name: str
    stages: tuple[Stage, ...]
    rv: ReentryVehicle
    pitch: PitchProgram = PitchProgram()
    cd_mach: np.ndarray = field(default_factory=lambda: GENERIC_CD_MACH.copy())
    cd: np.ndarray = field(default_factory=lambda: GENERIC_CD.copy())
    meta: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if not self.stages:
            raise ThaadsimError(f"missile {self.id}: stages", "no stages", "give at least one [[stages]] table")
        if len(self.cd_mach) != len(self.cd) or len(self.cd) < 2:
            raise ThaadsimError(f"missile {self.id}: drag", "cd_mach and cd must have the same length >= 2")
        if np.any(np.diff(self.cd_mach) <= 0):
            raise ThaadsimError(f"missile {self.id}: drag.cd_mach", "must increase strictly")
        tw = self.stages[0].thrust_n / (self.launch_mass_kg * G0_MS2)
        if tw <= 1.05:
            raise ThaadsimError(f"missile {self.id}: stages.0", f"thrust/weight at lift-off is {tw:.2f}",
                                "the first stage must lift the missile: raise Isp or propellant flow")

    @property
    def launch_mass_kg(self) -> float:
        return self.rv.mass_kg + sum(s.propellant_mass_kg + s.dry_mass_kg for s in self.stages)

    @property
    def total_burn_time_s(self) -> float:
        return float(sum(s.burn_time_s for s in self.stages))

    def stage_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per-stage (start time s, thrust N, mass flow kg/s, ignition mass kg, area m^2)."""
        starts, thrust, mdot, mass0, area = [], [], [], [], []
        t = 0.0
        above = self.launch_mass_kg
        for s in self.stages:
            starts.append(t)
            thrust.append(s.thrust_n)
            mdot.append(s.mass_flow_kgs)
            mass0.append(above)
            area.append(max(x.area_m2 for x in self.stages[len(starts) - 1:]))
            t += s.burn_time_s
            above -= s.propellant_mass_kg + s.dry_mass_kg
        return (np.array(starts), np.array(thrust), np.array(mdot), np.array(mass0), np.array(area))

    def ideal_delta_v_ms(self) -> float:
        """Tsiolkovsky delta-v of the stack in vacuum with no gravity (an upper bound on burnout speed)."""
        dv = 0.0
        above = self.launch_mass_kg
        for s in self.stages:
            dv += s.isp_s * G0_MS2 * np.log(above / (above - s.propellant_mass_kg))
            above -= s.propellant_mass_kg + s.dry_mass_kg
        return float(dv)
