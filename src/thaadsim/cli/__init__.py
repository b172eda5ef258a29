"""Command-line interface: argument parsing and printing only.

Each command lives in its own module and is imported only when it is invoked, so that
``thaadsim --help`` and a warm ``thaadsim fly`` start quickly. User errors
(:class:`thaadsim.errors.ThaadsimError`) print one line to stderr and exit with status 2.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from thaadsim.errors import ThaadsimError

# command name -> (module, attribute, one-line help)
COMMANDS = {
    "demo": ("thaadsim.cli.demo", "demo", "Fly the demo: a Hwasong-15 from North Korea to Washington, DC."),
    "fly": ("thaadsim.cli.fly", "fly", "Fly ballistic missiles (catalog or kinematic) and print summaries."),
    "catalog": ("thaadsim.cli.catalog", "catalog", "List and show catalog entries (missiles, radars, interceptors)."),
    "radar": ("thaadsim.cli.radar", "radar", "Radar detection ranges and detections along a trajectory."),
    "engage": ("thaadsim.cli.engage", "engage", "Engagement window of one battery against one missile."),
    "raid": ("thaadsim.cli.raid", "raid", "Monte Carlo of a raid against batteries (TOML scenario)."),
    "run": ("thaadsim.cli.run", "run", "Run a scenario file and write report, maps, JSON and exports."),
    "loft": ("thaadsim.cli.loft", "loft", "Closed-form lower bound on a lofted test's range (Keplerian inversion)."),
    "infer": ("thaadsim.cli.infer", "infer", "Fit a staged rocket to a lofted test (boost modelled): its range, band, reach."),
    "footprint": ("thaadsim.cli.footprint", "footprint", "Defended footprint: P(kill) per aimpoint on a grid, area, map."),
    "strategic": ("thaadsim.cli.strategic", "strategic", "Launch-area x target table: what THAAD in Korea sees and adds."),
    "sweep": ("thaadsim.cli.sweep", "sweep", "Run a scenario over grids of its numbers (local cores or a Dask cluster)."),
    "app": ("thaadsim.cli.app", "app", "Local web app: move batteries, turn radars, change the raid; live answers."),
    "examples": ("thaadsim.cli.examples", "examples", "List the shipped example scenarios and copy them out to run."),
    "validate": ("thaadsim.cli.validate", "validate", "Compare thaadsim with independent references; exit 1 if any fails."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name, (mod, _, _) in COMMANDS.items() if importlib.util.find_spec(mod) is not None]

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        mod, attr, _ = COMMANDS[name]
        try:
            module = importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name == mod:
                return None
            raise
        return getattr(module, attr)

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="thaadsim")
def cli():
    """thaadsim: THAAD and ballistic missiles, from public physics and public figures."""


def _terminate_as_interrupt(signum, _frame):
    """SIGTERM (``kill``, a batch scheduler, ``docker stop``) stops a command exactly as Ctrl-C does:
    staged files are removed, the output directory keeps its previous set, the lock is released."""
    raise KeyboardInterrupt(f"signal {signum}")


def _after_commit(exc: BaseException):
    """The InterruptedAfterCommit behind a KeyboardInterrupt/Abort, if the files were all written."""
    from thaadsim.io.atomic import InterruptedAfterCommit

    while exc is not None:
        if isinstance(exc, InterruptedAfterCommit):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def main(argv=None):
    """Entry point: run the CLI and turn user errors into one line on stderr and exit status 2.

    SIGTERM is handled as SIGINT: "aborted", exit status 1, nothing half written. An interrupt that
    arrives once the output files are being renamed into place waits for the last rename and is then
    reported as what it is: the new files are complete (exit status 0).
    """
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        cli.main(args=argv, standalone_mode=False)
    except ThaadsimError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except (click.exceptions.Abort, KeyboardInterrupt) as exc:
        done = _after_commit(exc)
        if done is not None:
            where = sorted({str(p.parent) for p in done.paths})
            click.echo(f"interrupted after the results were written: {len(done.paths)} files complete in "
                       f"{', '.join(where)}/", err=True)
            sys.exit(0)
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
