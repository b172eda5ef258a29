"""``thaadsim run SCENARIO --out DIR``: run a scenario file and write the report, map, JSON and exports."""

from __future__ import annotations

import sys
import time

import click

from thaadsim.cli._args import RUNS, SEED
from thaadsim.errors import ThaadsimError


@click.command("run")
@click.argument("scenario", type=click.Path())   # load_scenario explains a directory or a missing file
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Directory for the outputs (created if needed; files in it are replaced atomically).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary on the terminal.")
@click.option("--runs", type=RUNS, default=None, help="Override [montecarlo].runs (e.g. 200 for a quick look).")
@click.option("--seed", type=SEED, default=None,
              help="Override the Monte Carlo seed ([montecarlo].seed, else [scenario].seed).")
@click.option("--figure-format", "figure_format", default=None, metavar="png,svg,pdf",
              help="Also write the static maps in these formats (e.g. svg,pdf for a paper; png is always "
                   "written). Overrides [outputs].figure_formats.")
def run(scenario, out_dir, quiet, runs, seed, figure_format):
    """Run SCENARIO (a TOML file) and write summary.json, report.html, map.png, events.jsonl,
    scenario.geojson, scenario.kml, scenario.kmz (the KML with its icons) and scenario.czml into --out.

    One run at a time per --out: a second one into the same directory is refused. Ctrl-C or SIGTERM
    leaves the previous files there, all of them; the next run removes what a killed one left."""
    from thaadsim.io.outdir import claim_out_dir
    from thaadsim.io.scenario_outputs import load_run_scenario

    t0 = time.perf_counter()
    formats = parse_figure_formats("--figure-format", figure_format) if figure_format is not None else None
    scn = load_run_scenario(scenario)
    formats = formats or tuple(dict.fromkeys(["png", *scn.outputs.figure_formats]))
    if runs is not None:   # the file's bounds ([1, 1e7], runs x threats); 1e12 ran ~13 days unchecked
        scn.set_runs(runs, "--runs")
    if seed is not None:   # bounded by SEED as the option is parsed
        scn.montecarlo.seed = seed
    plan = scn.to_plan()
    # before the simulation: a bad or busy --out fails in a second, not after minutes of Monte Carlo
    with claim_out_dir(out_dir):
        _run_and_write(plan, out_dir, quiet, t0, formats)


def parse_figure_formats(option: str, text: str) -> tuple[str, ...]:
    """``png,svg,pdf`` (any of them, comma-separated) -> a tuple that always starts with "png"
    (map.png is one of the run's fixed outputs; SVG and PDF are added for papers)."""
    from thaadsim.report.map_png import FIGURE_FORMATS

    parts = [p.strip().lower() for p in str(text).split(",") if p.strip()]
    bad = [p for p in parts if p not in FIGURE_FORMATS]
    if not parts or bad:
        raise ThaadsimError(option, f"{text!r} is not a comma-separated list of {', '.join(FIGURE_FORMATS)}",
                            f"write e.g. {option} svg,pdf")
    return tuple(dict.fromkeys(["png", *parts]))


def _run_and_write(plan, out_dir, quiet, t0, formats=("png",)):
    from thaadsim.errors import ThaadsimError
    from thaadsim.io.atomic import _fault_point
    from thaadsim.report.outputs import write_outputs

    _fault_point("simulation")
    from thaadsim.analysis.pipeline import run_plan

    def write(result, progress=None):
        try:
            return write_outputs(result, out_dir, progress=progress, figure_formats=formats)
        except OSError as exc:
            raise ThaadsimError("--out", f"cannot write to {out_dir!r} ({exc.strerror or exc})",
                                "choose a directory you can write to") from None

    if quiet:
        write(run_plan(plan))
        return
    width = len(plan.name) + 2 + len("raid Monte Carlo 10,000,000/10,000,000 runs")
    with click.progressbar(length=100, label=f"{plan.name}: starting".ljust(width), file=sys.stderr,
                           show_eta=False, width=30) as bar:
        state = {"pos": 0}

        def progress(lo, hi):
            def cb(stage, frac):
                target = int(lo + (hi - lo) * frac)
                bar.label = f"{plan.name}: {stage}"[:width].ljust(width)
                if target > state["pos"]:
                    bar.update(target - state["pos"])
                    state["pos"] = target
                else:
                    bar.render_progress()
            return cb

        result = run_plan(plan, progress=progress(0, 85))
        paths = write(result, progress(85, 100))
    try:
        for q in result.plan.questions:
            click.echo(f"  ? {q}")
        for a in result.answers:
            click.echo(f"  - {a}", err=False)
        for m in result.missing:
            click.echo(f"  ! not computed: {m}")
        click.echo(f"wrote {len(paths)} files to {out_dir}/ in {time.perf_counter() - t0:.1f} s; "
                   f"open {paths['report.html']}")
    except KeyboardInterrupt:     # the files are complete: say so, not "aborted"
        import signal

        from thaadsim.io.atomic import InterruptedAfterCommit

        raise InterruptedAfterCommit(signal.SIGINT, paths.values()) from None
