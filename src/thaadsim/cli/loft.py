"""``thaadsim loft``: what a lofted test's apogee and range imply about the missile's range."""

from __future__ import annotations

import click
import numpy as np

from thaadsim.cli._args import APOGEE_KM, Bounded, as_options, dumps, parse_latlon
from thaadsim.errors import require_finite

CAVEAT = ("caveat: a Keplerian inversion gives a LOWER bound. A steeply lofted boost loses more speed to gravity "
          "than a range-maximising one, so flown for range the same missile burns out faster than this; only a "
          "boost model (thrust, burn time, pitch programme) closes the gap (as the published analyses do "
          "[ref:ucs-hwasong15-2017, ucs-hwasong14-2017]). "
          "The test payload is unknown: a heavier real warhead would fly less far.")


def _km(x) -> str:
    if not np.isfinite(x):
        return "global (orbital)"
    # an engine range is a geodesic distance, which tops out at the antipode: past it, anywhere is in reach
    if x >= 0.99 * np.pi * 6371.0:
        return f"{x:,.0f} km (the antipode: global)"
    return f"{x:,.0f} km"


@click.command("loft")
# (0, 10,000] km: above every lofted test reported (Hwasong-15: 4,475 km [ref:ucs-hwasong15-2017]);
# 1e9 km printed a coast of 1.85 billion minutes
@click.option("--apogee-km", type=APOGEE_KM, required=True, help="Observed maximum altitude of the test, km.")
# (0, 20,000] km: half the Earth's circumference, the longest ground range there is
@click.option("--range-km", type=Bounded(0.0, 20_000.0, " km", lo_open=True), required=True, help="Observed ground range of the test, km.")
# (0, 300] min: lofted tests last about an hour; five hours is beyond any ballistic flight
@click.option("--flight-time-min", type=Bounded(0.0, 300.0, " min", lo_open=True), help="Observed total flight time, minutes (boost included).")
# [0, 1,000] km: burnout is ~200-400 km up for ICBMs
@click.option("--burnout-altitude-km", type=Bounded(0.0, 1000.0, " km"), default=300.0, show_default=True,
              help="Assumed burnout altitude (an estimate; 0 = the textbook burnout at the surface).")
# [0, 3,000] km: a boost covers a few hundred km downrange
@click.option("--boost-downrange-km", type=Bounded(0.0, 3000.0, " km"), default=0.0, show_default=True,
              help="Estimated ground distance covered during the boost, subtracted from the range.")
@click.option("--from", "from_", help="Launch point LAT,LON for the rotating-Earth reach (degrees).")
@click.option("--to", help="Target LAT,LON: is it in reach at the inferred burnout speed?")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the text.")
def loft(apogee_km, range_km, flight_time_min, burnout_altitude_km, boost_downrange_km, from_, to, as_json):
    """Closed-form LOWER BOUND: burnout speed from a lofted test's apogee and range, and its range.

    A drag-free Keplerian inversion; `thaadsim infer` fits a rocket with its boost instead. With
    --from/--to the reach is flown by the engine along the real target line on the rotating Earth.

    Example: the Hwasong-15 test of 28 Nov 2017,
    thaadsim loft --apogee-km 4475 --range-km 950 --flight-time-min 53 --from 39.0,125.7 --to 38.9,-77.0
    """
    from thaadsim.analysis import lofted as L
    from thaadsim.errors import ThaadsimError

    if to is not None and from_ is None:
        raise ThaadsimError("--to", "needs a launch point", "add --from LAT,LON")
    if flight_time_min is not None:
        require_finite("--flight-time-min", flight_time_min)
        if flight_time_min <= 0:
            raise ThaadsimError("--flight-time-min", f"{flight_time_min:g} must be positive", "give minutes, e.g. 53")
    launch = parse_latlon("--from", from_) if from_ else None
    target = parse_latlon("--to", to) if to else None
    try:
        b = L.burnout_state_from_lofted_test(apogee_km, range_km, burnout_altitude_km, boost_downrange_km)
    except ThaadsimError as exc:    # the CLI's names for the fields
        raise as_options(exc, {"apogee_km": "--apogee-km", "range_km": "--range-km",
                               "burnout_altitude_km": "--burnout-altitude-km",
                               "boost_downrange_km": "--boost-downrange-km"}) from None
    v, h = float(b.burnout_speed_kms), float(burnout_altitude_km)
    rec = {
        "apogee_km": apogee_km, "range_km": range_km, "burnout_altitude_km": h,
        "boost_downrange_km": boost_downrange_km,
        "burnout_speed_kms": v, "burnout_angle_deg": float(b.burnout_angle_deg),
        "coast_time_s": float(b.coast_time_s), "reentry_range_km": float(b.reentry_range_km),
        "min_energy_angle_deg": float(L.min_energy_angle_deg(v, h)),
        "min_energy_range_km": float(L.min_energy_range_km(v, h)),
        "earth": "non-rotating sphere, no drag",
        "estimate": "closed-form lower bound: a drag-free Keplerian inversion of apogee and range, no boost model "
                    "(thaadsim infer fits a rocket with its boost and gives the estimate analysts publish)",
    }
    if flight_time_min is not None:
        rec["flight_time_s"] = flight_time_min * 60.0
        rec["implied_boost_s"] = flight_time_min * 60.0 - rec["coast_time_s"]
        if rec["implied_boost_s"] < 0:
            raise ThaadsimError("--flight-time-min", f"{flight_time_min:g} min is shorter than the "
                                f"{rec['coast_time_s'] / 60:.1f} min coast this apogee and range imply",
                                "check the time (boost included), or lower --burnout-altitude-km")
    if launch is not None:
        rot = L.min_energy_reach_rotating(v, h, launch[0], launch[1], [90.0, 270.0])
        rec["rotating"] = {"launch_lat": launch[0], "launch_lon": launch[1],
                           "eastward_range_km": float(rot.range_km[0]), "westward_range_km": float(rot.range_km[1])}
        if target is not None:
            t = L.reach_toward_target(v, h, launch[0], launch[1], target[0], target[1])
            rec["rotating"].update(target_lat=target[0], target_lon=target[1], target_distance_km=float(t.distance_km),
                                   target_azimuth_deg=float(t.azimuth_deg), reach_toward_target_km=float(t.reach_km),
                                   margin_km=float(t.margin_km), reaches_target=bool(t.reaches),
                                   launch_azimuth_deg=float(t.launch_azimuth_deg),
                                   reach_estimate="min-energy, flown by the engine along the real target line")
    if as_json:
        rec["caveat"] = CAVEAT
        click.echo(dumps(rec))
        return
    lines = [
        "estimate: CLOSED-FORM LOWER BOUND (Keplerian inversion, no boost model; `thaadsim infer` models the boost)",
        f"lofted test: apogee {apogee_km:,.1f} km, ground range {range_km:,.1f} km"
        + (f", {flight_time_min:g} min" if flight_time_min is not None else ""),
        f"Keplerian inversion (non-rotating sphere, no drag, burnout at {h:g} km"
        + (f", {boost_downrange_km:g} km boost downrange removed" if boost_downrange_km else "") + "):",
        f"  burnout speed {v:.2f} km/s at {rec['burnout_angle_deg']:.1f} deg above the horizontal",
        f"  coast (burnout to {h:g} km on the way down) {rec['coast_time_s'] / 60:.1f} min; "
        f"the fall below {h:g} km adds {rec['reentry_range_km']:.0f} km of range",
    ]
    if flight_time_min is not None:
        lines.append(f"  observed {flight_time_min:g} min - coast {rec['coast_time_s'] / 60:.1f} min = "
                     f"{rec['implied_boost_s'] / 60:.1f} min of boost (and fall below {h:g} km)")
    lines.append(f"  min-energy range at {v:.2f} km/s: {_km(rec['min_energy_range_km'])} "
                 f"(at {rec['min_energy_angle_deg']:.1f} deg, burnout to ground)")
    if launch is not None:
        r = rec["rotating"]
        lines.append(f"rotating WGS84 Earth, J2, min-energy from {launch[0]:g},{launch[1]:g} at {v:.2f} km/s: "
                     f"eastward {_km(r['eastward_range_km'])}, westward {_km(r['westward_range_km'])}")
        if target is not None:
            # the lower bound falling short says nothing about the missile: `infer` models the boost
            verdict = ("reaches it" if r["reaches_target"]
                       else "this lower bound falls short (see `thaadsim infer` for the boost-modelled reach)")
            lines.append(f"  target {target[0]:g},{target[1]:g}: {r['target_distance_km']:,.0f} km away "
                         f"(bearing {r['target_azimuth_deg']:.1f} deg); reach along the real target line "
                         f"{_km(r['reach_toward_target_km'])} "
                         f"-> {verdict}" + (f", margin {r['margin_km']:+,.0f} km"
                                             if np.isfinite(r["margin_km"]) else ""))
    lines.append(CAVEAT)
    click.echo("\n".join(lines))
