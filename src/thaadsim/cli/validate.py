"""``thaadsim validate``: every comparison against an independent reference, as a table."""

from __future__ import annotations

import sys
import time

import click

from thaadsim.validation import FAMILIES


@click.command("validate")
@click.option("--family", "families", multiple=True, type=click.Choice(FAMILIES),
              help="Only this family (repeatable). Default: all of them.")
@click.option("--quick", is_flag=True, help="Leave out the slower checks (independent solve_ivp flights).")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Also write validation.json and validation.md (the docs' table) here, atomically.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"rows": [{"name", "family", "reference", "value", "tolerance", "pass", ...}]}.')
def validate(families, quick, out_dir, as_json):
    """Run every comparison of thaadsim against an independent reference (closed forms, published
    figures, PROJ, scipy solve_ivp, USSA-76 tables) and print the table.

    These are the same functions the test suite calls. Exit status: 0 when every row passes, 1 when
    any row fails (a documented known limitation, listed as such, does not count), 2 on a usage error.
    """
    from thaadsim import __version__
    from thaadsim.validation import checks, run_checks
    from thaadsim.validation.report import as_json as to_json, as_markdown, as_text

    if out_dir is not None:
        from thaadsim.io.outdir import claim_out_dir

        # claimed before the checks run: an unwritable or busy directory fails now, not in two minutes
        click.get_current_context().with_resource(claim_out_dir(out_dir))
    selected = [c for f in (families or FAMILIES) for c in checks(f, quick=quick)]
    t0 = time.perf_counter()
    progress = None
    if not as_json and sys.stderr.isatty():
        done = {"n": 0}

        def progress(_row):
            done["n"] += 1
            click.echo(f"\r  {done['n']} comparisons", err=True, nl=False)
    rows = run_checks(selected, on_row=progress)
    if progress:
        click.echo("", err=True)
    elapsed = time.perf_counter() - t0
    payload = to_json(rows, __version__)
    if out_dir is not None:
        from pathlib import Path

        from thaadsim.errors import ThaadsimError
        from thaadsim.io.atomic import json_text, write_many

        try:
            write_many({Path(out_dir) / "validation.json": json_text(payload),
                        Path(out_dir) / "validation.md": as_markdown(rows, __version__)})
        except OSError as exc:
            raise ThaadsimError("--out", f"cannot write to {out_dir!r} ({exc.strerror or exc})",
                                "choose a directory you can write to") from None
    if as_json:
        from thaadsim.cli._args import dumps

        click.echo(dumps(payload))
    else:
        click.echo(as_text(rows))
        if out_dir is not None:
            click.echo(f"wrote validation.json, validation.md to {out_dir}/")
        click.echo(f"checked in {elapsed:.1f} s")
    if any(r.counts_as_failure for r in rows):
        sys.exit(1)        # SystemExit passes through click (an Exit would be turned into status 0)
