"""``thaadsim infer``: what a lofted test implies, with the boost modelled (a fitted staged rocket)."""

from __future__ import annotations

import click
import numpy as np

from thaadsim.cli._args import APOGEE_KM, Bounded, as_options, dumps, parse_latlon

WHICH = ("estimate: BOOST-MODELLED FIT. A staged liquid rocket (stated assumptions, fitted mass and burn time) is "
         "flown by the engine to the observed apogee, range and flight time; its range is the minimum-energy range "
         "on a NON-rotating Earth, the convention the published estimates use. `thaadsim loft` gives the "
         "closed-form lower bound.")


def _km(x) -> str:
    if not np.isfinite(x):
        return "global (orbital)"
    if x >= 0.99 * np.pi * 6371.0:     # a geodesic range tops out at the antipode
        return f"{x:,.0f} km (the antipode: global)"
    return f"{x:,.0f} km"


@click.command("infer")
# (0, 10,000] km: above every lofted test reported (Hwasong-18: 6,648 km)
@click.option("--apogee-km", type=APOGEE_KM, required=True, help="Observed maximum altitude of the test, km.")
# (0, 5,000] km: lofted tests land ~400-1,100 km away; 5,000 km is past any of them
@click.option("--range-km", type=Bounded(0.0, 5_000.0, " km", lo_open=True), required=True,
              help="Observed ground range of the test, km.")
# (0, 300] min: lofted tests last about an hour
@click.option("--flight-time-min", type=Bounded(0.0, 300.0, " min", lo_open=True), required=True,
              help="Observed total flight time, minutes (boost included).")
@click.option("--stages", type=click.IntRange(1, 2), default=2, show_default=True,
              help="Liquid stages of the fitted rocket (1: Hwasong-12 class; 2: Hwasong-14/15/17).")
# [100, 5,000] kg: a light dummy to a heavy warhead
@click.option("--payload-kg", type=Bounded(100.0, 5000.0, " kg"), default=1000.0, show_default=True,
              help="Assumed payload, test and warhead alike (IISS: ~1,000 kg); the band moves it by +-50 %.")
@click.option("--from", "from_", help="Launch point LAT,LON: with --to, fly the fitted missile to the target.")
@click.option("--to", help="Target LAT,LON: does the fitted missile reach it along the real line (rotating Earth)?")
@click.option("--json", "as_json", is_flag=True, help="One JSON object with every figure instead of the text.")
def infer(apogee_km, range_km, flight_time_min, stages, payload_kg, from_, to, as_json):
    """Fit a staged liquid rocket to a lofted test and give its range (boost modelled).

    Example: the Hwasong-15 test of 28 Nov 2017,
    thaadsim infer --apogee-km 4475 --range-km 950 --flight-time-min 53 --from 39.0,125.7 --to 38.9,-77.0
    """
    from thaadsim.analysis.inference import infer_lofted_test
    from thaadsim.errors import ThaadsimError

    if (to is None) != (from_ is None):
        raise ThaadsimError("--to" if from_ is None else "--from", "needs the other end",
                            "give both --from LAT,LON and --to LAT,LON")
    launch = parse_latlon("--from", from_) if from_ else None
    target = parse_latlon("--to", to) if to else None
    try:
        inf = infer_lofted_test(apogee_km, range_km, flight_time_min * 60.0, stages=stages, payload_kg=payload_kg,
                                launch=launch, target=target)
    except ThaadsimError as exc:
        raise as_options(exc, {"apogee_km": "--apogee-km", "range_km": "--range-km",
                               "flight_time_s": "--flight-time-min", "payload_kg": "--payload-kg",
                               "stages": "--stages", "target": "--to"}) from None
    rec = inf.to_dict()
    if as_json:
        click.echo(dumps(rec))
        return
    nom = rec["variants"][0]
    lines = [
        WHICH,
        f"lofted test: apogee {apogee_km:,.1f} km, ground range {range_km:,.1f} km, {flight_time_min:g} min",
        f"fitted {stages}-stage liquid rocket (payload {payload_kg:,.0f} kg): launch mass {nom['launch_mass_kg']:,.0f} kg, "
        f"stage burns {', '.join(f'{t:.0f} s' for t in nom['stage_burn_time_s'])}, ideal delta-v "
        f"{nom['ideal_delta_v_ms'] / 1e3:.2f} km/s, lift-off T/W {nom['liftoff_thrust_to_weight']:.2f}",
        f"  flown lofted: apogee {nom['flown_apogee_km']:,.0f} km, range {nom['flown_range_km']:,.0f} km, "
        f"{nom['flown_flight_time_s'] / 60:.1f} min",
        f"minimum-energy range, non-rotating Earth: {_km(rec['met_range_km'])} "
        f"(band {_km(rec['met_range_km_low'])} - {_km(rec['met_range_km_high'])} over test payload, Isp, "
        "propellant fraction, stage split and flight time +-1 min)",
        f"  its range-maximising ascent: kick {rec['met_ascent']['kick_deg']:.1f} deg, peak dynamic pressure "
        f"{rec['met_ascent']['max_q_kpa']:.0f} kPa, burnout {rec['met_ascent']['burnout_speed_kms']:.2f} km/s at "
        f"{rec['met_ascent']['burnout_angle_deg']:.1f} deg, {rec['met_ascent']['burnout_altitude_km']:.0f} km up",
        f"  closed-form lower bound (`thaadsim loft`): {_km(rec['closed_form_lower_bound_km'])}",
    ]
    if rec["variants_that_cannot_fly_the_test"]:
        lines.append("  no rocket fits the test with: " + "; ".join(rec["variants_that_cannot_fly_the_test"])
                     + " (left out of the band)")
    if inf.target is not None:
        t = inf.target
        verdict = "REACHES it" if t["reaches"] else "falls short"
        lines.append(f"rotating WGS84 Earth, flown by the engine along the real line to {target[0]:g},{target[1]:g} "
                     f"({t['target_distance_km']:,.0f} km, bearing {t['target_azimuth_deg']:.1f} deg; launch azimuth "
                     f"{t['launch_azimuth_deg']:.1f} deg): reach {_km(t['reach_km'])} -> {verdict}, margin "
                     f"{t['margin_km']:+,.0f} km (band {t['margin_km_low']:+,.0f} to {t['margin_km_high']:+,.0f} km)")
    lines.append("caveat: the payload of the test is unknown; the fit assumes the test payload is the warhead. "
                 "A lighter test payload with a heavier warhead flies less far.")
    click.echo("\n".join(lines))
