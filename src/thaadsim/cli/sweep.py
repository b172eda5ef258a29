"""``thaadsim sweep SCENARIO --vary FIELD=VALUES ... --out DIR``: a scenario over grids of its numbers."""

from __future__ import annotations

import sys

import click

from thaadsim.cli._args import RUNS, SEED, WORKERS

_EPILOG = """\b
FIELD is a scenario path as error messages name it: batteries.0.pk, batteries.0.lat_deg,
radars.0.face_az_deg, radars.0.radar (tpy2-tm / tpy2-fbm), radars.0.average_power_kw,
threats.0.rv_rcs_m2, threats.0.aim_lat_deg, assets.0.lat_deg, doctrine.mode, montecarlo.seed, ...
VALUES: a,b,c or start:stop:count (linspace). Several --vary: their outer product.
Zip fields into one dimension: --vary 'batteries.0.lat_deg,batteries.0.lon_deg=36.0,128.2;35.5,128.6'
\b
Example:
  thaadsim sweep examples/raid_seongju.toml --vary batteries.0.pk=0.5:0.95:10 \\
      --vary radars.0.face_az_deg=300,330,0 --runs 2000 --out out/sweep_pk
"""


def _run(run_sweep, *args, **kwargs):
    """run_sweep with library argument names in errors renamed to the options typed."""
    from thaadsim.cli._args import as_options
    from thaadsim.errors import ThaadsimError

    try:
        return run_sweep(*args, **kwargs)
    except ThaadsimError as exc:
        raise as_options(exc, {"workers": "--workers", "chunk_size": "--chunk-size", "streams": "--streams",
                               "scheduler": "--scheduler"}) from None


@click.command("sweep", epilog=_EPILOG)
@click.argument("scenario", type=click.Path())
@click.option("--vary", "vary", multiple=True, required=True, metavar="FIELD=VALUES",
              help="A field and its values (repeatable; see below).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory for chunks/, manifest.json, sweep.nc and sweep.png (a rerun resumes).")
@click.option("--workers", type=WORKERS, default=None, help="Local worker processes (default: one per core).")
@click.option("--scheduler", default=None, metavar="ADDR",
              help="Run on an existing dask.distributed scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option("--chunk-size", type=int, default=None, help="Cases per chunk (default 64; results do not depend on it).")
@click.option("--runs", type=RUNS, default=None, help="Override [montecarlo].runs for every case.")
@click.option("--seed", type=SEED, default=None, help="Override the Monte Carlo seed.")
@click.option("--streams", type=click.Choice(["common", "independent"]), default="common", show_default=True,
              help="common: every case uses the seed (common random numbers); independent: one stream per case.")
@click.option("--force", is_flag=True, help="Discard a different sweep's chunks found in --out.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary on the terminal.")
@click.option("--json", "as_json", is_flag=True, help="Print a small JSON summary.")
def sweep(scenario, vary, out_dir, workers, scheduler, chunk_size, runs, seed, streams, force, quiet, as_json):
    """Run SCENARIO for every combination of the --vary values; write --out/sweep.nc and sweep.png."""
    from thaadsim.cli._args import dumps
    from pathlib import Path

    from thaadsim.io.outdir import claim_out_dir
    from thaadsim.sweep.core import DEFAULT_CHUNK_SIZE, run_sweep

    # one sweep per --out at a time (two would write the same chunks); the stale temporary files of a
    # killed sweep go, in --out and in chunks/, its finished chunks (the resume files) stay
    click.get_current_context().with_resource(claim_out_dir(out_dir, also_clean=[Path(out_dir) / "chunks"]))
    bar = {}

    def progress(done, total):
        if quiet:
            return
        if "bar" not in bar:
            bar["bar"] = click.progressbar(length=max(total, 1), label="sweep", file=sys.stderr, show_eta=True,
                                           width=30)
            bar["bar"].__enter__()
            bar["pos"] = 0
        bar["bar"].update(done - bar["pos"])
        bar["pos"] = done

    try:
        ds, st = _run(run_sweep, scenario, list(vary), workers=workers, scheduler=scheduler, out=out_dir,
                           chunk_size=DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size,
                           progress=progress, runs=runs, seed=seed, streams=streams, force=force)
    except KeyboardInterrupt:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
            bar.clear()
        click.echo(f"interrupted: finished chunks are saved in {out_dir}/chunks; run the same command again "
                   f"to resume", err=True)
        sys.exit(130)
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
    p = ds["p_no_leaker"].values
    summary = {"scenario": ds.attrs["scenario"], "dims": {d: int(n) for d, n in ds.sizes.items()},
               "cases": st.n_cases, "threats": st.n_threats, "trajectories": st.trajectories,
               "flights_flown": st.flights_flown, "chunks": st.n_chunks, "chunks_computed": st.chunks_computed,
               "chunks_reused": st.chunks_reused, "wall_s": round(st.wall_s, 3),
               "cases_per_s": st.n_cases / st.wall_s if st.wall_s > 0 else None,
               "p_no_leaker_min": float(p.min()) if p.size and not (p != p).all() else None,
               "p_no_leaker_max": float(p.max()) if p.size and not (p != p).all() else None,
               "files": st.paths}
    if as_json:
        click.echo(dumps(summary))
        return
    if quiet:
        return
    click.echo(f"{ds.attrs['title']}: {st.n_cases:,} cases x {st.n_threats} threats "
               f"({', '.join(f'{d} {n}' for d, n in summary['dims'].items())})")
    click.echo(f"  {st.flights_flown:,} flights flown; {st.chunks_computed} chunks computed, "
               f"{st.chunks_reused} reused; {st.wall_s:.1f} s")
    if summary["p_no_leaker_min"] is not None:
        click.echo(f"  P(no leaker) from {summary['p_no_leaker_min']:.4f} to {summary['p_no_leaker_max']:.4f}")
    click.echo(f"wrote {', '.join(st.paths)} to {out_dir}/")
