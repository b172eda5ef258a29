"""``thaadsim raid``: Monte Carlo of a raid scenario (TOML) against batteries."""

from __future__ import annotations

import json
from pathlib import Path

import click

from thaadsim.cli._args import RUNS, SEED


@click.command("raid")
@click.argument("scenario_file", type=click.Path(dir_okay=False))
@click.option("--runs", type=RUNS, default=None, help="Monte Carlo runs (default: [montecarlo].runs).")
@click.option("--seed", type=SEED, default=None, help="Seed (default: [montecarlo].seed, else [scenario].seed).")
@click.option("--events", "events_path", type=click.Path(dir_okay=False), default=None,
              help="Write run 0's event log here as JSON lines.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def raid(scenario_file, runs, seed, events_path, as_json):
    """Run a raid scenario's Monte Carlo and print P(no leaker), expected leakers, interceptors used."""
    import dataclasses

    from thaadsim.analysis.pipeline import run_raid_only
    from thaadsim.errors import ThaadsimError
    from thaadsim.io.scenario_outputs import load_run_scenario as load_scenario

    from thaadsim.io.scenario import MAX_SEED

    if runs is not None and not 1 <= runs <= 10_000_000:
        # the scenario file's [montecarlo].runs has the same bound: beyond 1e7 runs a probability's standard
        # error (< 0.0002) no longer moves, only the time grows (runs x threats is bounded too, by time)
        raise ThaadsimError("--runs", f"{runs} must be within [1, 10000000]", "e.g. --runs 10000")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise ThaadsimError("--seed", f"{seed} must be within [0, {MAX_SEED}]", "e.g. --seed 1")
    scn = load_scenario(scenario_file)
    if runs is not None:   # runs x threats is bounded too (the raid's time)
        scn.set_runs(runs, "--runs")
    if not scn.batteries:
        raise ThaadsimError(f"{Path(scenario_file).name}: batteries", "no batteries in the scenario",
                            "add at least one [[batteries]] entry")
    plan = scn.to_plan()
    mc = scn.montecarlo
    plan = dataclasses.replace(plan, trials=runs if runs is not None else mc.runs,
                               seed=seed if seed is not None else plan.seed)
    import sys

    if as_json or not sys.stderr.isatty():
        res = run_raid_only(plan)
    else:   # a bar that moves once per chunk of [montecarlo].chunk_runs runs
        with click.progressbar(length=int(plan.trials), label="Monte Carlo runs", file=sys.stderr,
                               width=30) as bar:
            state = {"done": 0}

            def progress(done, total):
                bar.update(done - state["done"])
                state["done"] = done

            res = run_raid_only(plan, progress=progress)
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
    click.echo(f"  P(no leaker) {summ['p_no_leaker']:.4f} [{_ci(summ['p_no_leaker_ci95'])}]   "
               f"expected leakers {summ['expected_leakers']:.3f} ± {1.96 * summ['expected_leakers_se']:.3f}")
    click.echo(f"  interceptors expended: mean {summ['interceptors_expended_mean']:.2f} "
               f"± {1.96 * summ['interceptors_expended_mean_se']:.2f}, "
               f"p5/p50/p95 {summ['interceptors_expended_p5']:g}/{summ['interceptors_expended_p50']:g}/"
               f"{summ['interceptors_expended_p95']:g}")
    for a in summ["per_asset"]:
        click.echo(f"  {a['asset']:<14} value {a['value']:g}  threats {a['threats']}  P(hit) {a['p_hit']:.4f} "
                   f"[{_ci(a['p_hit_ci95'])}]  E[leakers] {a['expected_leakers']:.3f} ± {1.96 * a['expected_leakers_se']:.3f}")
    for t in summ["per_threat"]:
        eng = ", ".join(b for b, ok in t["engageable_by"].items() if ok) or "nobody"
        click.echo(f"  {t['threat']:<42} P(kill) {t['p_kill']:.4f} [{_ci(t['p_kill_ci95'])}]  "
                   f"shots {t['mean_shots']:.2f}  engageable by {eng}")
        if t.get("note"):
            click.echo(f"      {t['note']}")
    click.echo(f"  [lo–hi]: 95 % Wilson interval; ±: 1.96 standard errors ({summ['runs']:,} runs; sampling error only)")


def _ci(lo_hi) -> str:
    return f"{_p(lo_hi[0])}–{_p(lo_hi[1])}"


def _p(x: float) -> str:
    """A probability to 4 decimals, with more where those would round a bound onto 0 or 1
    (the upper bound of P = 0 over 200,000 runs is 1.9e-05, not 0.0000)."""
    if 0.0 < x < 5e-5:
        return f"{x:.1e}"
    if 1.0 - 5e-5 < x < 1.0:
        return f"{x:.6f}"
    return f"{x:.4f}"
