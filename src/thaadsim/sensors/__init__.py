"""Sensors: radars, the radar equation, line of sight with refraction, RCS by phase, detections, coverage.

Public API::

    from thaadsim.sensors import load_radar, detect, signature_for, range_limits, range_table, coverage_geojson

    placed = load_radar("tpy2-fbm").place(35.95, 128.18, 675.0, face_az_deg=315.0)
    det = detect(batch, placed)              # batch: thaadsim.flight.TrajectoryBatch
    det.summary()                            # first detection, track time, tracked phases per trajectory
    range_table(placed, rcs_m2=[0.01, 0.1, 1], altitude_km=[100, 300])   # what limits detection range

Modules: :mod:`~thaadsim.sensors.radar_equation` (track/search SNR, inverse, Albersheim),
:mod:`~thaadsim.sensors.radar` (typed radars, TOML catalog), :mod:`~thaadsim.sensors.geometry`
(4/3-Earth line of sight, scan box), :mod:`~thaadsim.sensors.signatures` (RCS by phase),
:mod:`~thaadsim.sensors.detection` (batch detections), :mod:`~thaadsim.sensors.coverage`
(range limits, detectable region).
"""

from thaadsim.sensors.coverage import coverage_geojson, coverage_polygon, range_limits, range_table
from thaadsim.sensors.detection import DetectionResult, detect
from thaadsim.sensors.radar import PlacedRadar, Radar, load_radar, radar_from_mapping, radar_ids
from thaadsim.sensors.radar_equation import albersheim_snr_db
from thaadsim.sensors.signatures import Signature, signature_for

__all__ = ["DetectionResult", "PlacedRadar", "Radar", "Signature", "albersheim_snr_db", "coverage_geojson",
           "coverage_polygon", "detect", "load_radar", "radar_from_mapping", "radar_ids", "range_limits",
           "range_table", "signature_for"]
