"""``thaadsim raid``: Monte Carlo of a raid scenario (TOML) against batteries."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("raid")
@click.argument("scenario_file", type=click.Path(dir_okay=False))
@click.option("--runs", type=int, default=None, help="Monte Carlo runs (default: [montecarlo].runs).")
@click.option("--seed", type=int, default=None, help="Seed (default: [montecarlo].seed, else [scenario].seed).")
@click.option("--events", "events_path", type=click.Path(dir_okay=False), default=None,
              help="Write run 0's event log here as JSON lines.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def raid(scenario_file, runs, seed, events_path, as_json):
    """Run a raid scenario's Monte Carlo and print P(no leaker), expected leakers, interceptors used."""
    import dataclasses

    from thaadsim.analysis.pipeline import run_raid_only
    from thaadsim.errors import ThaadsimError
    from thaadsim.io.scenario_outputs import load_run_scenario as load_scenario

    if runs is not None and not 1 <= runs <= 10_000_000:
        # the scenario file's [montecarlo].runs has the same bound; 1e8 runs hold ~6 GB of per-run results
        raise ThaadsimError("--runs", f"{runs} must be within [1, 10000000]", "e.g. --runs 10000")
    if seed is not None and seed < 0:
        raise ThaadsimError("--seed", f"{seed} must be >= 0", "e.g. --seed 1")
    scn = load_scenario(scenario_file)
    if not scn.batteries:
        raise ThaadsimError(f"{Path(scenario_file).name}: batteries", "no batteries in the scenario",
                            "add at least one [[batteries]] entry")
    plan = scn.to_plan()
    mc = scn.montecarlo
    plan = dataclasses.replace(plan, trials=runs if runs is not None else mc.runs,
                               seed=seed if seed is not None else plan.seed)
    res = run_raid_only(plan)
    summ = {"scenario": scn.scenario.name, **res.summary()}
    summ["event_log_run0"] = res.event_log
    if events_path:
        from thaadsim.io.atomic import write_jsonl

        try:
            write_jsonl(events_path, res.event_log)
        except OSError as exc:
            raise ThaadsimError("--events", f"cannot write {events_path!r} ({exc.strerror or exc})",
                                "give a file path in a folder you can write to") from None
    if as_json:
        click.echo(json.dumps(summ, indent=2, allow_nan=False))
        return
    click.echo(f"{summ['scenario']}: {summ['threats']} threats, {summ['runs']} runs, seed {summ['seed']}")
    click.echo(f"  P(no leaker) {summ['p_no_leaker']:.4f}   expected leakers {summ['expected_leakers']:.3f}")
    click.echo(f"  interceptors expended: mean {summ['interceptors_expended_mean']:.2f}, "
               f"p5/p50/p95 {summ['interceptors_expended_p5']:g}/{summ['interceptors_expended_p50']:g}/"
               f"{summ['interceptors_expended_p95']:g}")
    for a in summ["per_asset"]:
        click.echo(f"  {a['asset']:<14} value {a['value']:g}  threats {a['threats']}  P(hit) {a['p_hit']:.4f}  "
                   f"E[leakers] {a['expected_leakers']:.3f}")
    for t in summ["per_threat"]:
        eng = ", ".join(b for b, ok in t["engageable_by"].items() if ok) or "nobody"
        click.echo(f"  {t['threat']:<42} P(kill) {t['p_kill']:.4f}  shots {t['mean_shots']:.2f}  engageable by {eng}")
        if t.get("note"):
            click.echo(f"      {t['note']}")
