"""``thaadsim app [SCENARIO]``: a local web app to move batteries, turn radars and change the raid."""

from __future__ import annotations

import click

from thaadsim.errors import ThaadsimError


def _port(value) -> int:
    if not 1 <= value <= 65535:
        raise ThaadsimError("--port", f"{value} is outside [1, 65535]", "e.g. --port 8050")
    return value


@click.command("app")
@click.argument("scenario", required=False, type=click.Path())
@click.option("--port", type=int, default=8050, show_default=True, help="TCP port to listen on (1-65535).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only; the app has no login).")
@click.option("--save-dir", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Where 'Save as scenario' writes NAME.toml.")
@click.option("--out", "out_dir", default="out/app", show_default=True, type=click.Path(file_okay=False),
              help="Where 'Report' writes its runs (one numbered directory per report).")
@click.option("--runs", type=int, default=2000, show_default=True,
              help="Monte Carlo runs of the live raid (100-100,000; at most the file's own runs).")
def app(scenario, port, host, save_dir, out_dir, runs):
    """Open SCENARIO (default: the Seongju example) in a local web app.

    Move batteries and radars on the map, turn a radar's face or switch it to forward-based mode,
    change interceptors, inventories and the doctrine, add or remove threats: coverage, detection
    and engagement windows and the raid's P(no leaker) are recomputed from the flown trajectories.
    Works offline; stop it with Ctrl-C."""
    from pathlib import Path

    from thaadsim.app.server import check_port_free, serve
    from thaadsim.app.session import AppSession

    _port(port)
    if scenario is None:
        from importlib import resources

        scenario = str(resources.files("thaadsim") / "data" / "examples" / "seongju.toml")
    if not Path(save_dir).is_dir():
        raise ThaadsimError("--save-dir", f"{save_dir!r} is not a directory", "create it first, or give another")
    session = AppSession(scenario, live_runs=runs)     # the file's mistakes first: they need no port
    check_port_free(host, port)
    n = sum(t.count for t in session.scenario.threats)
    click.echo(f"{session.scenario.scenario.name}: flying {n} threats in the background ...", err=True)
    session.start_flight()

    def ready(url):
        click.echo(f"thaadsim app: open {url}  (Ctrl-C stops it)")

    serve(session, host, port, save_dir, out_dir, ready=ready)
