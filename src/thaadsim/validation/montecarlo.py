"""The raid Monte Carlo and its error bars against the binomial law and against scipy.

* n independent shots with single-shot Pk leave a threat alive with probability (1 - Pk)^n; the
  Monte Carlo estimate must sit within 4 binomial standard errors sqrt(p(1-p)/R) of it.
* Two independent layers: P(leak) = (1 - p1)(1 - p2), and the second fires with probability 1 - p1.
* The Wilson interval [ref:wilson-1927] equals scipy's ``binomtest(...).proportion_ci("wilson")``.
* Coverage: over 400 binomial(300, Pk) estimates the 95 % intervals cover Pk in 95 % of them
  (within 3 binomial standard deviations).
* The standard error of expected leakers equals sqrt(p(1-p)/R) within 3 %.
"""

from __future__ import annotations

import functools

import numpy as np

from thaadsim.validation import Row, check

FAMILY = "montecarlo"
RUNS = 20000
BINOMIAL = "binomial law (1 - Pk)^n"


@functools.lru_cache(maxsize=1)
def one_threat():
    """One 3 km/s, 40 deg kinematic threat from the Pyongyang area, sampled every second."""
    from thaadsim.flight import fly_kinematic
    return fly_kinematic(3.0, 40.0, 150.0, 39.0, 125.7, sample_dt_s=1.0)


def battery_at_impact(interceptor="thaad", **kw):
    one = one_threat()
    from thaadsim.defense.battery import make_battery
    return make_battery(interceptor, float(one.impact_lat_deg[0]), float(one.impact_lon_deg[0]), **kw)


def within_binomial(name, p_hat, p, runs, src=BINOMIAL, z=4.0) -> Row:
    """p_hat within z binomial standard errors of p."""
    se = np.sqrt(p * (1 - p) / runs)
    return Row.within(name, FAMILY, src, value=p_hat, reference=p, abs=z * se + 1e-12,
                      text=f"±{z:g} binomial standard errors ({z * se:.3g})")


@check(FAMILY, cases={f"{n} shots at Pk {pk}": {"n": n, "pk": pk} for n, pk in [(1, 0.8), (2, 0.6), (3, 0.5)]})
def salvo_leak_probability(n: int, pk: float) -> list[Row]:
    from thaadsim.defense.raid import Doctrine, simulate_raid

    bat = battery_at_impact(pk=pk, launchers=1, interceptors_per_launcher=n)
    r = simulate_raid(one_threat(), [bat], doctrine=Doctrine(mode="salvo", salvo_size=n, max_shots_per_threat=n),
                      runs=RUNS, seed=7, detect_s=100.0)
    return [within_binomial(f"salvo of {n} at Pk {pk}: P(leak), {RUNS} runs", r.leakers.mean(), (1 - pk) ** n, RUNS),
            Row.within(f"salvo of {n}: interceptors fired in every run", FAMILY, "the salvo size",
                       value=float(r.expended.mean()), reference=n, abs=0.0)]


@check(FAMILY)
def shoot_look_shoot_leak_probability() -> list[Row]:
    from thaadsim.defense.raid import Doctrine, simulate_raid

    r = simulate_raid(one_threat(), [battery_at_impact(pk=0.5)],
                      doctrine=Doctrine(mode="shoot-look-shoot", max_shots_per_threat=2), runs=RUNS, seed=11,
                      detect_s=100.0)
    return [within_binomial(f"shoot-look-shoot, 2 shots at Pk 0.5: P(leak), {RUNS} runs", r.leakers.mean(), 0.25,
                            RUNS),
            # a second shot follows a miss of the first: P = 0.5
            within_binomial("shoot-look-shoot: P(second shot)", (r.expended == 2).mean(), 0.5, RUNS)]


@check(FAMILY)
def two_layers_multiply_leak_probabilities() -> list[Row]:
    from thaadsim.defense.raid import simulate_raid

    p1, p2 = 0.6, 0.5
    bats = [battery_at_impact("thaad", pk=p1, launchers=1, interceptors_per_launcher=1, layer=1),
            battery_at_impact("pac3-mse", pk=p2, launchers=1, interceptors_per_launcher=1, layer=2)]
    r = simulate_raid(one_threat(), bats, runs=RUNS, seed=2, detect_s=100.0)
    src = "independent layers: (1 - p1)(1 - p2)"
    return [within_binomial("THAAD then PAC-3: P(leak)", r.leakers.mean(), (1 - p1) * (1 - p2), RUNS, src),
            within_binomial("THAAD then PAC-3: P(PAC-3 fires)", r.battery_expended.mean(r.runs)[1], 1 - p1,
                            RUNS, src)]


@check(FAMILY, cases={f"n {n}": {"n": n} for n in (1, 7, 50, 1000)})
def wilson_interval_against_scipy(n: int) -> Row:
    from scipy.stats import binomtest

    from thaadsim.defense.intervals import wilson_interval

    ks = np.arange(n + 1) if n <= 50 else np.array([0, 1, 2, 17, 500, 983, 999, 1000])
    lo, hi = wilson_interval(ks, n)
    worst = 0.0
    for k, a, b in zip(ks, lo, hi):
        ci = binomtest(int(k), n).proportion_ci(confidence_level=0.95, method="wilson")
        worst = max(worst, abs(a - ci.low), abs(b - ci.high))
    return Row.within(f"Wilson 95 % interval, n = {n}: max end difference", FAMILY,
                      "scipy binomtest(...).proportion_ci('wilson') [ref:wilson-1927]", value=worst, reference=0.0,
                      abs=1e-12)


@check(FAMILY)
def wilson_intervals_cover_the_true_pk() -> Row:
    from thaadsim.defense.raid import Doctrine, simulate_raid
    from thaadsim.flight import fly_kinematic

    n, pk = 100, 0.7
    batch = fly_kinematic(np.full(n, 3.0), 40.0, 150.0, 39.0, 125.7, sample_dt_s=1.0)
    bat = battery_at_impact(pk=pk, launchers=20, interceptors_per_launcher=10)
    covered = []
    for seed in range(4):
        r = simulate_raid(batch, [bat], doctrine=Doctrine(max_shots_per_threat=1, hold_for_priority=False),
                          runs=300, seed=seed, detect_s=100.0)
        # each estimate must be a plain binomial(300, Pk): one shot at each threat in every run (the sum
        # and the sum of squares of a count are both R only if every run's count is 1)
        if not (np.all(r.threat_shots.total == 300) and np.all(r.threat_shots.total_sq == 300)):
            raise AssertionError("a threat was not shot at exactly once")
        covered += [lo <= pk <= hi for lo, hi in (t["p_kill_ci95"] for t in r.summary()["per_threat"])]
    m = len(covered)
    return Row.within(f"Wilson 95 % coverage over {m} binomial(300, 0.7) estimates", FAMILY,
                      "binomial coverage of a 95 % interval", value=float(np.mean(covered)),
                      reference=0.95, abs=3 * np.sqrt(0.95 * 0.05 / m),
                      text=f"±3 binomial standard deviations ({3 * np.sqrt(0.95 * 0.05 / m):.3g})")


@check(FAMILY)
def expected_leakers_standard_error() -> list[Row]:
    from thaadsim.defense.raid import Doctrine, simulate_raid

    s = simulate_raid(one_threat(), [battery_at_impact(pk=0.6)], doctrine=Doctrine(max_shots_per_threat=1),
                      runs=RUNS, seed=3, detect_s=100.0).summary()
    p = 1 - 0.6
    lo, hi = s["p_no_leaker_ci95"]
    src = "Bernoulli mean: sqrt(p(1 - p)/R)"
    # the sample SD of a Bernoulli mean has relative sampling error ~ 1/sqrt(2R) (< 1 % here)
    return [Row.within("SE of expected leakers, one shot at Pk 0.6", FAMILY, src, value=s["expected_leakers_se"],
                       reference=np.sqrt(p * (1 - p) / RUNS), rel=0.03),
            Row.within("width of the P(no leaker) interval", FAMILY, "2 x 1.96 sqrt(p(1 - p)/R)", value=hi - lo,
                       reference=2 * 1.96 * np.sqrt(0.6 * 0.4 / RUNS), rel=0.05)]
