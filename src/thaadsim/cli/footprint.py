"""``thaadsim footprint``: the aimpoints a battery (or a scenario's defence) can defend, with P(kill)."""

from __future__ import annotations

import sys
import time

import click

from thaadsim.cli._args import (AZIMUTH_DEG, Bounded, PROBABILITY, SITE_HEIGHT_HELP, WORKERS, as_options, dumps,
                                parse_latlon)

# library field -> the option the user typed
_OPTIONS = {"missile": "--missile", "interceptor": "--battery", "radar": "--radar", "grid_n": "--grid",
            "span_km": "--span-km", "shape": "--shape", "apogee_km": "--apogee-km", "sample_dt_s": "--sample-dt-s",
            "workers": "--workers", "scheduler": "--scheduler", "launch_lat_deg": "--from",
            "launch_lon_deg": "--from", "center_lat_deg": "--center", "center_lon_deg": "--center"}


@click.command("footprint")
@click.option("--battery", "interceptor", default=None, help="Interceptor type of the battery (thaad, pac3-mse, sm3-iia, gbi).")
@click.option("--at", "at", default=None, metavar="LAT,LON[,HEIGHT_M]",
              help=f"Battery and radar site, degrees; {SITE_HEIGHT_HELP}.")
@click.option("--face-az-deg", type=AZIMUTH_DEG, default=None, help="Radar face azimuth (default: toward the launch point).")
@click.option("--radar", default="tpy2-tm", show_default=True, help="Battery radar catalog id, or 'none' to fire on an external cue.")
@click.option("--pk", type=PROBABILITY, default=None, help="Single-shot kill probability (default: the catalog's estimate).")
@click.option("--scenario", "scenario", default=None, type=click.Path(),
              help="Use this scenario file's batteries and radars (all layers) instead of --battery/--at.")
@click.option("--missile", required=True, help="Threat missile catalog id (e.g. nodong).")
@click.option("--from", "src", required=True, help="Threat launch point LAT,LON (deg).")
@click.option("--shape", default="min-energy", show_default=True, type=click.Choice(["min-energy", "lofted", "depressed"]))
# the bounds this command states in its help (its own checks, now at parse time)
@click.option("--apogee-km", type=Bounded(1.0, 10_000.0, " km"), default=None, help="Requested apogee for lofted/depressed shapes.")
@click.option("--grid", "grid_n", type=Bounded(2, 200, integer=True), default=41, show_default=True, help="N: an N x N grid of aimpoints, 2 to 200.")
@click.option("--span-km", type=Bounded(10.0, 5000.0, " km"), default=600.0, show_default=True, help="Side of the square grid (km), 10 to 5000.")
@click.option("--center", default=None, help="Grid centre LAT,LON (default: the battery, or the batteries' mean position).")
@click.option("--sample-dt-s", type=Bounded(0.1, 30.0, " s"), default=2.0, show_default=True, help="Threat sample spacing (window resolution), 0.1 to 30 s.")
@click.option("--workers", type=WORKERS, default=None, help="Local worker processes (default: one per core).")
@click.option("--scheduler", default=None, help="A dask.distributed scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Write footprint.json, footprint.geojson, footprint.png and footprint.nc here (atomically).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def footprint(interceptor, at, face_az_deg, radar, pk, scenario, missile, src, shape, apogee_km, grid_n, span_km,
              center, sample_dt_s, workers, scheduler, out_dir, as_json):
    """Defended footprint: P(kill) on every aimpoint of an N x N grid around the defence, and the
    defended area (km²). Every input is checked before anything is flown."""
    from thaadsim.analysis.footprint_map import check_grid, footprint_map
    from thaadsim.errors import ThaadsimError, require_range
    from thaadsim.flight import load_missile
    from thaadsim.executors import check_workers

    t0 = time.perf_counter()
    try:
        check_grid(grid_n, span_km)
        require_range("sample_dt_s", sample_dt_s, 0.1, 30.0, " s")
        check_workers(workers)
        m = load_missile(missile)
    except ThaadsimError as exc:
        raise as_options(exc, _OPTIONS) from None
    lat0, lon0 = parse_latlon("--from", src)
    if apogee_km is not None:
        require_range("--apogee-km", apogee_km, 1.0, 10000.0, " km")
        if shape == "min-energy":
            raise ThaadsimError("--apogee-km", "applies to lofted or depressed shapes only",
                                "add --shape lofted or --shape depressed, or drop --apogee-km")
    c_lat = c_lon = None
    if center is not None:
        c_lat, c_lon = parse_latlon("--center", center)
    if scenario is not None:
        given = [name for name, v in (("--battery", interceptor), ("--at", at), ("--face-az-deg", face_az_deg),
                                      ("--pk", pk)) if v is not None]
        if given:
            raise ThaadsimError(given[0], "cannot be combined with --scenario (the scenario places the defence)",
                                f"drop {' and '.join(given)}, or drop --scenario")
        batteries, radars = _scenario_defence(scenario)
    else:
        missing = [name for name, v in (("--battery", interceptor), ("--at", at)) if v is None]
        if missing:
            raise ThaadsimError(missing[0], "is required without --scenario",
                                "e.g. --battery thaad --at 35.95,128.18,680, or --scenario FILE")
        batteries, radars = _one_battery(interceptor, at, face_az_deg, radar, pk, lat0, lon0)
    if out_dir is not None:
        from thaadsim.io.outdir import claim_out_dir

        # before the flights, not after them: unwritable or busy (another run writing there) fails now;
        # held until the command ends
        click.get_current_context().with_resource(claim_out_dir(out_dir))
    progress = None
    if not as_json and sys.stderr.isatty():   # a long map says how far it is
        def progress(done, total):
            click.echo(f"\r  chunk {done}/{total} of {_chunk_size():,} aimpoints", err=True,
                       nl=done == total)
    try:
        fm = footprint_map(m, lat0, lon0, batteries, radars, center_lat_deg=c_lat, center_lon_deg=c_lon,
                           grid_n=grid_n, span_km=span_km, shape=shape, apogee_km=apogee_km,
                           sample_dt_s=sample_dt_s, workers=workers, scheduler=scheduler, progress=progress)
    except ThaadsimError as exc:
        raise as_options(exc, _OPTIONS) from None
    paths = {}
    if out_dir is not None:
        from thaadsim.report.footprint import write_footprint

        try:
            paths = write_footprint(fm, out_dir)
        except OSError as exc:
            raise ThaadsimError("--out", f"cannot write to {out_dir!r} ({exc.strerror or exc})",
                                "choose a directory you can write to") from None
    elapsed = time.perf_counter() - t0
    s = fm.summary()
    if at is not None:   # the one battery's site height: say whether it is the sea-level default
        from thaadsim.cli._args import site_height_note

        height = parse_latlon("--at", at, allow_height=True)[2:]
        s["site_height_m"] = height[0] if height else 0.0
        s["site_height"] = site_height_note(bool(height))
    if as_json:
        s["outputs"] = {k: str(v) for k, v in paths.items()}
        click.echo(dumps(s))
        return
    click.echo(_describe(s, fm, scenario))
    if at is not None and s["site_height"] != "given":
        click.echo("  battery and radar at sea level (0 m, the default): give --at LAT,LON,HEIGHT_M for the ground height")
    if paths:
        click.echo(f"  wrote {', '.join(paths)} to {out_dir}/")
    click.echo(f"  computed in {elapsed:.1f} s")


def _chunk_size() -> int:
    from thaadsim.analysis.footprint_map import CHUNK_AIMPOINTS

    return CHUNK_AIMPOINTS


def _one_battery(interceptor, at, face_az_deg, radar, pk, lat0, lon0):
    """A battery of the catalog interceptor at --at with its radar, as ``thaadsim engage`` places it:
    the face toward the launch point unless --face-az-deg is given."""
    from thaadsim.defense.battery import make_battery
    from thaadsim.defense.detection import azimuth_deg
    from thaadsim.defense.interceptors import load_interceptor
    from thaadsim.errors import ThaadsimError, require_finite, require_range

    lat_b, lon_b, *h = parse_latlon("--at", at, allow_height=True)
    height_m = h[0] if h else 0.0
    if pk is not None:
        require_range("--pk", pk, 0.0, 1.0)
    if face_az_deg is not None:
        face_az_deg = require_finite("--face-az-deg", face_az_deg) % 360.0
    try:
        itc = load_interceptor(interceptor)
    except ThaadsimError as exc:
        raise as_options(exc, _OPTIONS) from None
    placed, radars = None, {}
    if radar.strip().lower() != "none":
        from thaadsim.sensors.radar import load_radar

        # one launch point, so "toward the launch point" is one azimuth: the rule the detections use
        face = face_az_deg if face_az_deg is not None else round(float(azimuth_deg(lat_b, lon_b, lat0, lon0)), 1) % 360.0
        try:
            placed = load_radar(radar).place(lat_b, lon_b, height_m, face)
        except ThaadsimError as exc:
            raise as_options(exc, _OPTIONS) from None
        face_az_deg = face
        radars = {radar: placed}
    bat = make_battery(itc, lat_b, lon_b, alt_m=height_m, pk=pk, radar=placed, face_az_deg=face_az_deg)
    return [bat], radars


def _scenario_defence(path):
    """The batteries and radars of a scenario file (every layer), placed as ``thaadsim run`` places them."""
    from thaadsim.io.scenario_outputs import load_run_scenario

    plan = load_run_scenario(path).to_plan()
    if not plan.batteries:
        from thaadsim.errors import ThaadsimError

        raise ThaadsimError("--scenario", f"{path} has no [[batteries]]", "give a scenario with at least one battery")
    return plan.batteries, plan.radars


def _not_flown(status: dict) -> str:
    """'; 3 beyond the missile's reach, 2 without a targeting solution' (only the nonzero ones)."""
    parts = [f"{v:,} {k}" for k, v in status.items() if k != "flown" and v]
    return ("; " + ", ".join(parts) + " (not defended)") if parts else ""


def _describe(s: dict, fm, scenario) -> str:
    """A few lines in words."""
    bats = s["battery"]
    if scenario is not None:
        who = f"the defence of {scenario} ({len(bats)} batter{'y' if len(bats) == 1 else 'ies'}: " \
              f"{', '.join(b['id'] for b in bats)})"
    else:
        b = bats[0]
        radar = (f"radar {b['radar']} facing {b['face_az_deg']:g}°" if b["radar"] else "no own radar (external cue)")
        who = f"{b['interceptor']} at {b['lat_deg']:g},{b['lon_deg']:g} ({radar}, Pk {b['pk']:g})"
    lines = [f"{s['missile']} ({s['shape']}) from {s['launch_lat_deg']:g},{s['launch_lon_deg']:g} vs {who}",
             f"  grid {s['grid_n']} × {s['grid_n']} over {s['span_km']:g} × {s['span_km']:g} km "
             f"(cells {s['cell_km']:.3g} km): {s['aimpoints']:,} aimpoints, {s['aimpoints_reachable']:,} "
             f"within the missile's reach and flown" + _not_flown(s["aimpoint_status"])]
    pk = s["p_kill"]
    if s["aimpoints_defended"] == 0:
        lines.append("  no aimpoint on the grid is defended (P(kill) = 0 everywhere)")
    else:
        lv = pk["at_least"]
        lines.append(f"  defended (P(kill) > 0): {s['aimpoints_defended']:,} aimpoints, {s['defended_area_km2']:,.0f} km²; "
                     f"P(kill) ≥ 0.5 on {lv['0.5']['area_km2']:,.0f} km², ≥ 0.9 on {lv['0.9']['area_km2']:,.0f} km²; "
                     f"best {pk['max']:.3g}, mean over defended aimpoints {pk['mean_defended']:.3g}")
    if s["touches_edge"]:
        lines.append("  the defended region reaches the grid's edge: it is larger in fact (widen --span-km)")
    return "\n".join(lines)
