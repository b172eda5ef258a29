"""``thaadsim examples``: list the worked examples shipped in the package and copy them out to run them."""

from __future__ import annotations

import click

from thaadsim.cli._args import dumps


@click.group("examples")
def examples():
    """The worked examples shipped with thaadsim (scenario files, their data, a README)."""


@examples.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json):
    """List the shipped examples and where they are installed."""
    from thaadsim.io.examples import describe, example_names, examples_dir

    rows = [{"name": n, "about": describe(n)} for n in example_names()]
    if as_json:
        for r in rows:
            click.echo(dumps(r))
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {r['about']}")
    click.echo(f"\ninstalled in {examples_dir()}")
    click.echo("copy them out with `thaadsim examples copy DIR`, then e.g. `thaadsim run DIR/seongju.toml --out out/seongju`")


@examples.command("copy")
@click.argument("directory", type=click.Path(file_okay=False, path_type=str))
@click.option("--force", is_flag=True, help="Overwrite example files already in DIRECTORY.")
def copy(directory, force):
    """Copy every shipped example into DIRECTORY (created if missing); refuses to overwrite without --force."""
    from thaadsim.io.examples import copy_examples

    written = copy_examples(directory, force=force)
    click.echo(f"copied {len(written)} files to {directory}: {', '.join(p.name for p in written)}")
    click.echo(f"run one: thaadsim run {directory}/seongju.toml --out out/seongju")
