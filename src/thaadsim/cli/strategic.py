"""``thaadsim strategic``: the launch-area x target table of what THAAD in Korea sees, and what it adds.

Argument parsing and printing only; the physics is :mod:`thaadsim.analysis.strategic`.
"""

from __future__ import annotations

import click

from thaadsim.cli._args import AZIMUTH_DEG, Bounded, WORKERS, as_options, dumps, parse_latlon
from thaadsim.errors import ThaadsimError

_OPTION = {"face_az_deg": "--face-az-deg", "sample_dt_s": "--sample-dt-s", "cue_latency_s": "--cue-latency-s",
           "workers": "--workers", "scheduler": "--scheduler", "missile": "--missile"}


def _fmt(v, f="{:,.0f}"):
    if v is None or v != v:
        return "-"
    return f.format(v)


def text_table(table) -> str:
    """The table as aligned plain text, one line per pair."""
    cols = [("launch_name", "launch area", "{}"), ("target_name", "target", "{}"), ("missile", "missile", "{}"),
            ("range_km", "range km", "{:,.0f}"), ("closest_approach_below_ceiling_km", "closest<=150km km", "{:,.0f}"),
            ("closest_approach_phase", "in phase", "{}"),
            ("closest_approach_past_boost_km", "past boost km", "{:,.0f}"), ("engageable", "THAAD engages", "{}"),
            ("tm_track_s", "TM track s", "{:,.0f}"), ("fbm_track_s", "FBM track s", "{:,.0f}"),
            ("gbi_window_s_without_cue", "GBI window s", "{:,.0f}"),
            ("gbi_window_s_with_cue", "with FBM cue s", "{:,.0f}")]
    rows = [[h for _, h, _ in cols]]
    for r in table.to_dict("records"):
        line = []
        for k, _, f in cols:
            v = r[k]
            line.append(("yes" if v else "no") if k == "engageable" else
                        (str(v) or "-") if f == "{}" else _fmt(v, f))
        rows.append(line)
    notes = [""] + [f"   ({n})" if n else "" for n in table["note"]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(cols))]
    return "\n".join("  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
                     + note for row, note in zip(rows, notes))


def words(fr: dict) -> str:
    """The fractions in words."""
    def pct(x):
        return "-" if x != x else f"{100 * x:.0f} %"

    n = fr["pairs_flown"]
    out = [f"{fr['pairs']} pairs, {n} flown"
           + (f", {fr['pairs_unreachable']} out of every catalog missile's reach" if fr["pairs_unreachable"] else "")
           + ":",
           f"  THAAD at the site can engage {pct(fr['engageable'])} of them;",
           f"  its TPY-2 tracks {pct(fr['tracked_tm'])} in terminal mode and {pct(fr['tracked_fbm'])} in "
           "forward-based mode;",
           f"  a GBI battery in Alaska has a launch window for {pct(fr['gbi_window_without_cue'])} with its own "
           f"sensors and {pct(fr['gbi_window_with_cue'])} with the forward-based TPY-2's cue;",
           f"  the cue lengthens the window for {pct(fr['cue_gains_gbi_window'])} of the pairs, by "
           f"{_fmt(fr['mean_gbi_window_gain_s'])} s on average over all pairs."]
    return "\n".join(out)


@click.command("strategic")
@click.option("--site", required=True,
              help="THAAD battery and TPY-2 site LAT,LON[,HEIGHT_M], degrees; ground height in m above sea level, "
                   "default 0 m (sea level) when omitted (Seongju: 35.95,128.18,680, the site ~680 m up).")
@click.option("--launch-areas", required=True, type=click.Path(),
              help="CSV name,lat_deg,lon_deg[,country][,missile] of launch areas.")
@click.option("--targets", required=True, type=click.Path(), help="CSV name,lat_deg,lon_deg of targets.")
@click.option("--missile", help="Catalog id for every pair (default: chosen per pair, see the docs).")
@click.option("--face-az-deg", type=AZIMUTH_DEG,
              help="Face azimuth of the TPY-2 in both modes "
                   "(default: terminal 325, forward-based toward the launch area).")
# [0.5, 30] s: the [analysis.strategic] section's bound
@click.option("--sample-dt-s", type=Bounded(0.5, 30.0, " s"), default=5.0, show_default=True, help="Trajectory sample spacing.")
# [0, 3,600] s: the scenario file's fire-control delays have the same bound
@click.option("--cue-latency-s", type=Bounded(0.0, 3600.0, " s"), default=0.0, show_default=True,
              help="Delay before the GBI fire control receives the forward-based TPY-2's track.")
@click.option("--workers", type=WORKERS, default=1, show_default=True, help="Local worker processes.")
@click.option("--scheduler", help="Address of a dask.distributed scheduler (tcp://HOST:PORT).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per pair, then a summary line.")
@click.option("--out", type=click.Path(file_okay=False),
              help="Write strategic.csv, strategic.json and strategic.png here.")
def strategic(site, launch_areas, targets, missile, face_az_deg, sample_dt_s, cue_latency_s, workers, scheduler,
              as_json, out):
    """Fly every launch-area x target pair and say what THAAD and its TPY-2 at the site see, and what the
    forward-based TPY-2's cue adds to a GBI battery in Alaska."""
    from thaadsim.analysis.strategic import read_places_csv, strategic_fractions, strategic_table

    site_t = parse_latlon("--site", site, allow_height=True)
    launches = read_places_csv(launch_areas, "--launch-areas")
    tgts = read_places_csv(targets, "--targets")
    if out:
        from thaadsim.io.outdir import claim_out_dir

        # unwritable or busy fails before the flights; the lock is held until the command ends
        click.get_current_context().with_resource(claim_out_dir(out))
    try:
        table = strategic_table(site_t, launches, tgts, missile=missile, face_az_deg=face_az_deg,
                                sample_dt_s=sample_dt_s, cue_latency_s=cue_latency_s, workers=workers,
                                scheduler=scheduler)
    except ThaadsimError as exc:
        raise as_options(exc, _OPTION) from None
    fr = strategic_fractions(table)
    if as_json:
        for rec in table.to_dict("records"):
            click.echo(dumps(rec))
        click.echo(dumps({"summary": fr}))
    else:
        click.echo(text_table(table))
        click.echo("")
        click.echo(words(fr))
    if out:
        from pathlib import Path

        from thaadsim.io.atomic import json_text, write_many
        from thaadsim.report.strategic_map import strategic_png

        d = Path(out)
        doc = {"site": list(site_t), "settings": {"missile": missile, "face_az_deg": face_az_deg,
                                                  "sample_dt_s": sample_dt_s, "cue_latency_s": cue_latency_s},
               "summary": fr, "pairs": table.to_dict("records")}
        try:
            write_many({d / "strategic.csv": table.to_csv(index=False), d / "strategic.json": json_text(doc),
                        d / "strategic.png": strategic_png(table, site_t)})
        except OSError as exc:
            raise ThaadsimError("--out", f"cannot write to {out!r} ({exc.strerror or exc})",
                                "give a directory you can write to") from None
        if not as_json:
            click.echo(f"\nwritten: {d / 'strategic.csv'}, {d / 'strategic.json'}, {d / 'strategic.png'}")
