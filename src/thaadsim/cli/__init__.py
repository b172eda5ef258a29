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
    "loft": ("thaadsim.cli.loft", "loft", "Infer burnout speed and range from a lofted test's apogee and range."),
    "footprint": ("thaadsim.cli.footprint", "footprint", "Defended footprint: P(kill) per aimpoint on a grid, area, map."),
    "strategic": ("thaadsim.cli.strategic", "strategic", "Launch-area x target table: what THAAD in Korea sees and adds."),
    "sweep": ("thaadsim.cli.sweep", "sweep", "Run a scenario over grids of its numbers (local cores or a Dask cluster)."),
    "examples": ("thaadsim.cli.examples", "examples", "List the shipped example scenarios and copy them out to run."),
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


def main(argv=None):
    """Entry point: run the CLI and turn user errors into one line on stderr and exit status 2."""
    try:
        cli.main(args=argv, standalone_mode=False)
    except ThaadsimError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
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
