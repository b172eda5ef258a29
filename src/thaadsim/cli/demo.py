"""``thaadsim demo``: a Hwasong-15 from a North Korean launch area to Washington, DC, three ways."""

from __future__ import annotations

import click

from thaadsim.cli._args import dumps


@click.command("demo")
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the plot.")
@click.option("--json", "as_json", is_flag=True)
def demo(out_dir, as_json):
    """Fly a Hwasong-15 from near Pyongyang (39.0N 125.7E) to Washington, DC (38.9N 77.0W):
    minimum-energy, lofted and depressed, on a rotating WGS84 Earth with J2 and the 1976 atmosphere."""
    from pathlib import Path

    from thaadsim.cli.fly import _plot, _records, _table
    from thaadsim.flight import fly_targeted

    from thaadsim.io.outdir import claim_out_dir

    # an unwritable --out is one line before the flights (it was a traceback after them); one file,
    # so a shared claim: other one-file writers may share the folder, a run writing a set may not
    click.get_current_context().with_resource(claim_out_dir(out_dir, shared=True))
    shapes = ["min-energy", "lofted", "depressed"]
    batch = fly_targeted("hwasong-15", 39.0, 125.7, 38.9, -77.0, shape=shapes)
    records = [r | {"shape": s} for r, s in zip(_records(batch, ""), shapes)]
    png = Path(out_dir) / "demo_hwasong15_to_washington.png"
    _plot(batch, png, labels=[f"Hwasong-15 {s}" for s in shapes], option="--out")
    if as_json:
        for r in records:
            click.echo(dumps(r))
        return
    click.echo("Hwasong-15, launch area near Pyongyang -> Washington, DC (rotating WGS84 Earth, J2, US-76 atmosphere)")
    click.echo(_table(records))
    click.echo(f"\naltitude vs ground range: {png}")
