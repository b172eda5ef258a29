"""``thaadsim engage``: the engagement window of one battery against one missile."""

from __future__ import annotations

import json

import click

from thaadsim.cli._args import (APOGEE_KM, AZIMUTH_DEG, Bounded, PROBABILITY, SITE_HEIGHT_HELP, SITE_HEIGHT_M,
                                parse_latlon, site_height_note)


@click.command("engage")
@click.option("--battery", "interceptor", required=True, help="Interceptor type of the battery (thaad, pac3-mse, sm3-iia, gbi).")
@click.option("--at", "at", required=True, metavar="LAT,LON[,HEIGHT_M]",
              help=f"Battery and radar site, degrees; {SITE_HEIGHT_HELP}.")
@click.option("--missile", required=True, help="Threat missile catalog id (e.g. nodong).")
@click.option("--from", "src", required=True, help="Threat launch point LAT,LON (deg).")
@click.option("--to", "dst", required=True, help="Threat aimpoint LAT,LON (deg).")
@click.option("--shape", default="min-energy", show_default=True, type=click.Choice(["min-energy", "lofted", "depressed"]))
@click.option("--apogee-km", type=APOGEE_KM, default=None, help="Requested apogee for lofted/depressed shapes.")
@click.option("--face-az-deg", type=AZIMUTH_DEG, default=None, help="Radar face azimuth (default: toward the launch point).")
@click.option("--pk", type=PROBABILITY, default=None, help="Single-shot kill probability (default: catalog value).")
@click.option("--radar", default="tpy2-tm", show_default=True, help="Battery radar catalog id, or 'none' to fire on an external cue.")
@click.option("--site-height-m", type=SITE_HEIGHT_M, default=None,
              help="Battery/radar ground height in m above sea level (the same as --at's third number; "
                   "default 0 m, sea level).")
# [0.01, 60] s: the bound engage has always checked, now before any work
@click.option("--sample-dt-s", type=Bounded(0.01, 60.0, " s"), default=1.0, show_default=True, help="Threat sample spacing (window resolution).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def engage(interceptor, at, missile, src, dst, shape, apogee_km, face_az_deg, pk, radar, site_height_m, sample_dt_s,
           as_json):
    """Engagement window of one battery against one missile (times in s since the missile's launch)."""
    from thaadsim.defense.battery import make_battery
    from thaadsim.defense.engagement import engagement_windows, not_engageable_reasons
    from thaadsim.errors import ThaadsimError, require_positive, require_range
    from thaadsim.flight import fly_targeted

    lat_b, lon_b, *h_at = parse_latlon("--at", at, allow_height=True)
    if h_at and site_height_m is not None and h_at[0] != site_height_m:
        raise ThaadsimError("--site-height-m", f"{site_height_m:g} m disagrees with --at's height {h_at[0]:g} m",
                            "give the height once, as --at LAT,LON,HEIGHT_M")
    height_given = bool(h_at) or site_height_m is not None
    site_height_m = h_at[0] if h_at else (0.0 if site_height_m is None else site_height_m)
    lat0, lon0 = parse_latlon("--from", src)
    lat1, lon1 = parse_latlon("--to", dst)
    if pk is not None:
        require_range("--pk", pk, 0.0, 1.0)
    # below 0.01 s a long flight needs gigabytes of samples; above 60 s the window is meaningless
    require_range("--sample-dt-s", sample_dt_s, 0.01, 60.0, " s")
    if apogee_km is not None:
        require_positive("--apogee-km", apogee_km, " km")   # NaN would silently mean "no apogee"
    placed = None
    if radar.strip().lower() != "none":
        from thaadsim.sensors.radar import load_radar
        placed = load_radar(radar).place(lat_b, lon_b, site_height_m, face_az_deg or 0.0)
    bat = make_battery(interceptor, lat_b, lon_b, alt_m=site_height_m, pk=pk, radar=placed, face_az_deg=face_az_deg)
    kw = {} if apogee_km is None else {"apogee_km": apogee_km}
    batch = fly_targeted(missile, lat0, lon0, lat1, lon1, shape=shape, sample_dt_s=sample_dt_s, **kw)
    signature = None
    if placed is not None:
        from thaadsim.flight import load_missile
        from thaadsim.sensors import signature_for
        signature = signature_for(load_missile(missile))
    w = engagement_windows(batch, [bat], signature=signature)
    res = w.pair(0, 0)
    face_used = None
    if placed is not None:   # the face the detections used: given, else toward the launch point
        from thaadsim.defense.detection import face_azimuths_deg
        face_used = float(face_azimuths_deg(batch, bat)[0])
    out = {"missile": missile, "interceptor": bat.interceptor.id, "battery_lat_deg": lat_b, "battery_lon_deg": lon_b,
           "site_height_m": site_height_m, "site_height": site_height_note(height_given),
           "radar": radar if placed is not None else None, "face_az_deg": face_used, "pk": bat.single_shot_pk,
           "threat_range_km": round(float(batch.range_km[0]), 1),
           "threat_apogee_km": round(float(batch.apogee_km[0]), 1),
           "threat_flight_time_s": round(float(batch.flight_time_s[0]), 1)}
    out.update({k: v for k, v in res.items() if k != "battery"})
    out["p_kill_all_shots"] = (None if not res["engageable"]
                               else round(1.0 - (1.0 - bat.single_shot_pk) ** res["shots_possible"], 4))
    out["not_engageable_reason"] = (None if res["engageable"]
                                    else not_engageable_reasons(batch, bat, w, 0)[0])
    if as_json:
        click.echo(json.dumps(out, indent=2, allow_nan=False))
        return
    radar_txt = (f"radar {out['radar']} facing {out['face_az_deg']:g}°" if placed is not None
                 else "no own radar (external cue)")
    height_txt = f"{site_height_m:g} m" if height_given else "0 m (sea level, the default)"
    if not out["engageable"]:
        click.echo(f"{missile} ({out['threat_range_km']} km, apogee {out['threat_apogee_km']} km): "
                   f"NOT engageable by {bat.interceptor.id} at {lat_b:g},{lon_b:g}, {height_txt}, {radar_txt}: "
                   f"{out['not_engageable_reason']}")
        return
    click.echo(f"{missile} ({out['threat_range_km']} km, apogee {out['threat_apogee_km']} km, "
               f"{out['threat_flight_time_s']} s) vs {bat.interceptor.id} at {lat_b:g},{lon_b:g}, {height_txt}, {radar_txt}")
    click.echo(f"  detected at {out['detect_s']} s; earliest launch {out['earliest_launch_s']} s")
    click.echo(f"  intercepts from {out['earliest_intercept_s']} s ({out['earliest_intercept_alt_km']} km alt, "
               f"{out['earliest_intercept_range_km']} km out) to {out['latest_intercept_s']} s "
               f"({out['latest_intercept_alt_km']} km alt)")
    click.echo(f"  fly-out {out['fly_out_time_s']} s, closing speed {out['closing_speed_kms']} km/s, "
               f"shots (shoot-look-shoot) {out['shots_possible']}, P(kill) {out['p_kill_all_shots']}")
