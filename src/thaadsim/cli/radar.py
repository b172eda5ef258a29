"""``thaadsim radar``: detection ranges of a radar, and detections along one missile trajectory.

Examples::

    thaadsim radar --radar tpy2-tm --at 35.95,128.18,680 --face-az-deg 315 --rcs-m2 0.01 --altitude-km 300 --json
    thaadsim radar --radar-file my_radar.toml --at 35.95,128.18 --face-az-deg 315
    thaadsim radar --radar tpy2-tm --at 35.95,128.18,680 --face-az-deg 315 --swerling 1 --json
    thaadsim radar --radar tpy2-fbm --at 35.95,128.18,680 --face-az-deg 315 \\
        --missile hwasong-15 --from 39.0,125.7 --to 38.9,-77.0 --json

Argument parsing and printing only; the work is in :mod:`thaadsim.sensors`.
"""

from __future__ import annotations

import json
import math

import click
import numpy as np

from thaadsim.cli._args import (APOGEE_KM, AZIMUTH_DEG, Bounded, RCS_M2, SITE_HEIGHT_HELP, as_options, parse_latlon,
                                site_height_note)
from thaadsim.errors import ThaadsimError, require_positive, require_range


def _parse_point(field: str, text: str, allow_height: bool):
    vals = parse_latlon(field, text, allow_height=allow_height)
    return (vals + (0.0,))[:3] if allow_height else vals


def _num(x):
    """JSON-safe float (NaN/inf -> None), rounded for reading."""
    x = float(x)
    return round(x, 3) if math.isfinite(x) else None


@click.command("radar")
@click.option("--radar", "radar_id", metavar="ID", help="Catalog radar id: tpy2-tm, tpy2-fbm, sbx.")
@click.option("--radar-file", metavar="FILE", help="A user-defined radar TOML file (instead of --radar).")
@click.option("--at", "at", required=True, metavar="LAT,LON[,HEIGHT_M]",
              help=f"Radar site, degrees; {SITE_HEIGHT_HELP}.")
@click.option("--face-az-deg", type=AZIMUTH_DEG, default=None,
              help="Face boresight azimuth, deg clockwise from north (default: toward --from if given).")
# [0, 90] deg: a face tilted back from vertical to looking straight up
@click.option("--tilt-deg", type=Bounded(0.0, 90.0, " deg"), default=None, help="Face tilt, deg (recorded in the output; the az/el scan box sets coverage).")
@click.option("--rcs-m2", type=RCS_M2, default=None,
              help="Target RCS in m² (default: the RV's, 0.05 m², an assumption). With --missile, the RV's RCS.")
@click.option("--booster-rcs-m2", type=RCS_M2, default=None, help="With --missile: the booster's RCS in m².")
@click.option("--stage-rcs-m2", type=RCS_M2, default=None,
              help="With --missile: the spent final stage's RCS in m² (default: its estimate in "
                   "catalog/spent_stages.toml, a few m²).")
# [0, 40,000] km: the bound this command checked, beyond geostationary orbit
@click.option("--altitude-km", type=Bounded(0.0, 40_000.0, " km"), default=300.0, show_default=True,
              help="Target altitude for the detection-range figures.")
@click.option("--swerling", type=Bounded(0, 4, integer=True), default=None,
              help="Target fluctuation model, 0 (steady) to 4, for the SNR threshold (default: the radar file's, "
                   "0 in the catalog; 1 is the textbook model for an RV: +8 dB at Pd 0.9, Pfa 1e-6).")
# [0.1, 1): below 0.1 no design point is meaningful; 1 needs infinite SNR
@click.option("--pd", type=Bounded(0.1, 1.0, hi_open=True), default=None,
              help="Detection probability per dwell for the threshold (default: the radar file's, 0.9 in the catalog).")
# (0, 0.1): above 0.1 a detection is mostly noise; 0 needs an infinite threshold
@click.option("--pfa", type=Bounded(0.0, 0.1, lo_open=True, hi_open=True), default=None,
              help="False-alarm probability per cell for the threshold (default: the radar file's, 1e-6 in the catalog).")
@click.option("--search", is_flag=True, help="Search-mode radar equation (the radar's search budget), not track.")
@click.option("--no-refraction", is_flag=True, help="Straight rays (no 4/3-Earth refraction).")
@click.option("--missile", metavar="ID", help="Also fly this catalog missile and report its detections.")
@click.option("--from", "from_", metavar="LAT,LON", help="With --missile: launch point.")
@click.option("--to", "to", metavar="LAT,LON", help="With --missile: aimpoint.")
@click.option("--shape", type=click.Choice(["min-energy", "lofted", "depressed"]), default="min-energy",
              show_default=True, help="With --missile: trajectory shape.")
@click.option("--apogee-km", type=APOGEE_KM, default=None, help="With --shape lofted/depressed: requested apogee.")
@click.option("--geojson", metavar="FILE", help="Also write the coverage region (GeoJSON Feature) to FILE.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def radar(radar_id, radar_file, at, face_az_deg, tilt_deg, rcs_m2, booster_rcs_m2, stage_rcs_m2, altitude_km, swerling,
          pd, pfa,
          search,
          no_refraction, missile, from_, to, shape, apogee_km, geojson, as_json):
    """Detection range of a radar against a target (and, with --missile, detections along its flight).

    Prints the radar-equation range (detection_range_km), the refracted horizon (horizon_range_km),
    the range limited by the minimum elevation (elevation_limited_range_km), the instrumented
    range, the smallest of these (effective_range_km) and which one binds (limited_by).
    All ranges are slant ranges to a target at --altitude-km.
    """
    from thaadsim.sensors.coverage import coverage_geojson, range_limits
    from thaadsim.sensors.radar import load_radar
    from thaadsim.sensors.signatures import DEFAULT_RV_RCS_M2

    if bool(radar_id) == bool(radar_file):
        raise ThaadsimError("--radar", "give exactly one of --radar ID or --radar-file FILE",
                            "e.g. --radar tpy2-tm")
    try:
        r = load_radar(radar_file if radar_file else radar_id)
    except ThaadsimError as exc:   # the option the user typed, not the library's field name
        raise as_options(exc, {"radar file": "--radar-file", "radar": "--radar"}) from None
    try:
        r = r.with_detection(swerling=swerling, pd=pd, pfa=pfa)
    except ThaadsimError as exc:
        raise as_options(exc, {"pd": "--pd", "pfa": "--pfa", "swerling": "--swerling"}) from None
    lat, lon, h = _parse_point("--at", at, allow_height=True)
    height_given = len(str(at).split(",")) == 3
    launch = target = None
    if missile or from_ or to:
        if not (missile and from_ and to):
            raise ThaadsimError("--missile", "needs --missile ID, --from LAT,LON and --to LAT,LON together",
                                "give all three, or none")
        launch = _parse_point("--from", from_, allow_height=False)
        if apogee_km is not None:
            require_positive("--apogee-km", apogee_km, " km")   # NaN would silently mean "no apogee"
        target = _parse_point("--to", to, allow_height=False)
    if face_az_deg is None:
        if launch is None:
            raise ThaadsimError("--face-az-deg", "is missing", "give the face boresight azimuth, e.g. --face-az-deg 315")
        from thaadsim.earth.geodesy import geodesic_inverse
        face_az_deg = float(geodesic_inverse(lat, lon, launch[0], launch[1])[1])
    alt_km = require_range("--altitude-km", altitude_km, 0.0, 40000.0, " km")
    rcs = DEFAULT_RV_RCS_M2 if rcs_m2 is None else rcs_m2
    if not (math.isfinite(rcs) and rcs > 0):
        raise ThaadsimError("--rcs-m2", f"{rcs_m2:g} m² must be a positive number", "e.g. --rcs-m2 0.01")
    placed = r.place(lat, lon, h, face_az_deg, tilt_deg)
    refraction = not no_refraction
    lim = range_limits(placed, rcs, alt_km, search=search, refraction=refraction)
    out = {
        "radar_id": r.id, "radar_name": r.name, "mode": "search" if search else "track",
        "site_lat_deg": lat, "site_lon_deg": lon, "site_height_m": h,
        "site_height": site_height_note(height_given), "antenna_alt_m": placed.antenna_alt_m,
        "face_az_deg": _num(placed.face_az_deg), "tilt_deg": _num(placed.tilt_deg), "refraction": refraction,
        "rcs_m2": rcs, "altitude_km": alt_km, "snr_threshold_db": _num(r.snr_threshold_db),
        "swerling": r.swerling, "pd": r.pd, "pfa": r.pfa, "detection_model": r.detection_model,
        "detection_range_km": _num(lim["detection_range_km"]),
        "horizon_range_km": _num(lim["horizon_range_km"]),
        "elevation_limited_range_km": _num(lim["elevation_limited_range_km"]),
        "instrumented_range_km": _num(lim["instrumented_range_km"]),
        "effective_range_km": _num(lim["effective_range_km"]),
        "limited_by": str(lim["limited_by"].item()),
        "min_range_km": _num(lim["min_range_km"]),
        "detectable_at_altitude": bool(lim["detectable"]),
    }
    if missile:
        out.update(_trajectory_detections(placed, missile, launch, target, shape, apogee_km, rcs_m2,
                                           booster_rcs_m2, stage_rcs_m2, search, refraction))
    if geojson:
        from thaadsim.io.atomic import write_json

        feature = coverage_geojson(placed, rcs, alt_km, search=search, refraction=refraction)
        try:
            write_json(geojson, feature)
        except OSError as exc:
            raise ThaadsimError("--geojson", f"cannot write {geojson!r} ({exc.strerror or exc})",
                                "give a file path in a folder you can write to") from None
        out["geojson"] = str(geojson)
    if as_json:
        click.echo(json.dumps(out, indent=2, allow_nan=False))
    else:
        click.echo(_text(out))


def _trajectory_detections(placed, missile, launch, target, shape, apogee_km, rcs_m2, booster_rcs_m2,
                           stage_rcs_m2, search, refraction) -> dict:
    from thaadsim.flight import fly_targeted, load_missile
    from thaadsim.sensors.detection import detect
    from thaadsim.sensors.signatures import signature_for

    m = load_missile(missile)
    sig = signature_for(m, booster_rcs_m2=booster_rcs_m2, rv_rcs_m2=rcs_m2)
    batch = fly_targeted(m, launch[0], launch[1], target[0], target[1], shape=shape, apogee_km=apogee_km)
    det = detect(batch, placed, signature=sig, search=search, refraction=refraction)
    row = det.summary().iloc[0]
    phases = [p for p in str(row["tracked_phases"]).split(",") if p]
    stage = _stage_detections(batch, placed, m, stage_rcs_m2, search, refraction)
    from thaadsim.analysis.detections import union_intervals

    both = union_intervals(det.intervals_s[0], *([stage["track_intervals_s"]] if stage else []))
    return {
        "missile_id": str(getattr(m, "id", missile)), "shape": shape,
        "launch_lat_deg": launch[0], "launch_lon_deg": launch[1],
        "target_lat_deg": target[0], "target_lon_deg": target[1],
        "flight_time_s": _num(batch.flight_time_s[0]), "apogee_km": _num(batch.apogee_km[0]),
        "booster_rcs_m2": sig.booster_rcs_m2, "rv_rcs_m2": sig.rv_rcs_m2,
        "detected": bool(row["detected"]),
        "first_detection_s": _num(row["first_detection_s"]),
        "first_detection_alt_km": _num(row["first_detection_alt_km"]),
        "first_detection_range_km": _num(row["first_detection_range_km"]),
        "last_detection_s": _num(row["last_detection_s"]),
        "last_detection_alt_km": _num(row["last_detection_alt_km"]),
        "track_time_s": _num(row["track_time_s"]),
        "tracked_phases": phases,
        "track_intervals_s": [[_num(a), _num(b)] for a, b in det.intervals_s[0]],
        # the threat's second object after separation (None: the warhead stays on the body)
        "spent_stage": stage,
        # booster/RV and spent stage together: when at least one object of the threat is in track
        "threat_track_intervals_s": [[_num(a), _num(b)] for a, b in both],
        "threat_last_detection_s": _num(both[-1, 1]) if len(both) else None,
        "threat_track_time_s": _num(float(np.sum(both[:, 1] - both[:, 0]))) if len(both) else 0.0,
    }


def _stage_detections(batch, placed, missile, stage_rcs_m2, search, refraction) -> dict | None:
    """Detections of the missile's spent final stage (:mod:`thaadsim.flight.spent_stage`), or None."""
    from thaadsim.analysis.detections import run_stage_detections
    from thaadsim.flight.spent_stage import fly_spent_stages, spent_stage_for

    info = spent_stage_for(getattr(missile, "id", ""))
    if info is None or not info.separates:
        return None
    stages, rows = fly_spent_stages(batch)
    if stages is None:
        return None
    rcs = info.rcs_m2 if stage_rcs_m2 is None else stage_rcs_m2
    det = run_stage_detections(stages, {"r": placed}, rcs)["r"]
    row = det.summary().iloc[0]
    return {
        "rcs_m2": rcs, "rcs_source": "user override" if stage_rcs_m2 is not None else f"estimate: {info.estimate}",
        "beta_kgm2": info.beta_kgm2, "separation_s": _num(stages.burnout_s[0]), "impact_s": _num(stages.impact_s[0]),
        "detected": bool(row["detected"]),
        "first_detection_s": _num(row["first_detection_s"]),
        "last_detection_s": _num(row["last_detection_s"]),
        "last_detection_alt_km": _num(row["last_detection_alt_km"]),
        "track_time_s": _num(row["track_time_s"]),
        "track_intervals_s": [[_num(a), _num(b)] for a, b in det.intervals_s[0]],
    }


def _text(o: dict) -> str:
    def km(v):
        return "n/a" if v is None else f"{v:,.0f} km"

    lines = [
        f"{o['radar_name']} ({o['radar_id']}, {o['mode']} mode) at {o['site_lat_deg']:.3f}, {o['site_lon_deg']:.3f}, "
        f"ground {o['site_height_m']:g} m{'' if o['site_height'] == 'given' else ' (sea level, the default)'}, "
        f"antenna {o['antenna_alt_m']:.0f} m, face {o['face_az_deg']:.0f}°",
        f"target: RCS {o['rcs_m2']:g} m² at {o['altitude_km']:g} km altitude "
        f"({'no refraction; ' if not o['refraction'] else ''}{o['detection_model']})",
        f"  radar equation        {km(o['detection_range_km'])}",
        f"  refracted horizon     {km(o['horizon_range_km'])}",
        f"  min-elevation limit   {km(o['elevation_limited_range_km'])}",
        f"  instrumented range    {km(o['instrumented_range_km'])}",
        f"  effective range       {km(o['effective_range_km'])}  (limited by {o['limited_by']})",
    ]
    if o["swerling"] == 0 and o["pd"] is not None:
        lines.append("  (steady target: optimistic for an RV; --swerling 1, the textbook RV model, needs ~8 dB more)")
    if not o["detectable_at_altitude"]:
        lines.append("  not detectable anywhere at this altitude (effective range shorter than the altitude "
                     "or inside the maximum-elevation hole)")
    if "missile_id" in o:
        if o["detected"]:
            lines.append(
                f"{o['missile_id']} ({o['shape']}, {o['flight_time_s']:.0f} s flight): first detected at "
                f"t = {o['first_detection_s']:.0f} s, {o['first_detection_alt_km']:.0f} km altitude, "
                f"{o['first_detection_range_km']:.0f} km slant range; tracked {o['track_time_s']:.0f} s "
                f"in {len(o['track_intervals_s'])} interval(s), phases: {', '.join(o['tracked_phases'])}")
        else:
            lines.append(f"{o['missile_id']} ({o['shape']}): never detected by this radar")
        st = o["spent_stage"]
        if st is None:
            lines.append("  no spent stage: the warhead stays on the body (or it never separated in this flight)")
        elif st["detected"]:
            lines.append(f"  spent final stage (RCS {st['rcs_m2']:g} m², beta {st['beta_kgm2']:g} kg/m², estimates), "
                         f"separated at t = {st['separation_s']:.0f} s: tracked from {st['first_detection_s']:.0f} "
                         f"to {st['last_detection_s']:.0f} s ({st['track_time_s']:.0f} s)")
        else:
            lines.append(f"  spent final stage (RCS {st['rcs_m2']:g} m², estimate): never detected by this radar")
        if o["threat_last_detection_s"] is not None:
            lines.append(f"  some object of the threat is in track until t = {o['threat_last_detection_s']:.0f} s "
                         f"({o['threat_track_time_s']:.0f} s in all)")
    if "geojson" in o:
        lines.append(f"coverage region written to {o['geojson']}")
    return "\n".join(lines)
