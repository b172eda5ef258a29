"""Sweeps over radar power, RCS and Pk against what the radar equation and probability require.

* Radar equation (track form, SNR = P·t·G·A_e·σ / ((4π)²·k·T·L·R⁴); Skolnik, *Introduction to Radar
  Systems*, ch. 2): power and RCS enter only as the product P·σ, so four times the power with the
  nominal RCS and the nominal power with four times the RCS must detect every threat at the same
  instant; and a larger P·σ can never detect later.
* Probability: with common random numbers a higher single-shot Pk can only lower P(kill) through
  Monte Carlo noise (the doctrine may fire fewer second shots), so no drop beyond 4 standard errors.
"""

import numpy as np
import pytest

from sweep_scenario import write_scenario
from thaadsim.sensors.radar import load_radar
from thaadsim.sweep import sweep

# RCS so small that the radar equation (~300 km for 1e-4 m²), not the horizon or the instrumented
# range, sets first detection
RV, BOOSTER = 1e-4, 2e-4
RCS_FIELDS = ["threats.0.rv_rcs_m2", "threats.0.booster_rcs_m2", "threats.1.rv_rcs_m2", "threats.1.booster_rcs_m2"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("sweep"))


def _later_or_never(t):
    return np.where(np.isnan(t), np.inf, t)


def test_power_and_rcs_enter_only_as_their_product(scenario):
    p0 = load_radar("tpy2-tm").average_power_kw
    fields = ",".join(["radars.0.average_power_kw"] + RCS_FIELDS)
    nominal = [p0] + [RV, BOOSTER] * 2
    more_power = [4 * p0] + [RV, BOOSTER] * 2
    more_rcs = [p0] + [4 * RV, 4 * BOOSTER] * 2
    rows = ";".join(",".join(repr(float(v)) for v in row) for row in (nominal, more_power, more_rcs))
    ds = sweep(scenario, [f"{fields}={rows}"], workers=1, runs=50)
    t = ds.first_detection_s.values        # (case, threat)
    np.testing.assert_allclose(t[1], t[2], rtol=1e-9)
    # and the radar equation does bind here: the product times 4 detects strictly earlier
    assert np.all(_later_or_never(t[1]) < _later_or_never(t[0]))


@pytest.mark.parametrize("field", ["radars.0.average_power_kw", ",".join(RCS_FIELDS)])
def test_more_power_or_rcs_never_detects_later(scenario, field):
    p0 = load_radar("tpy2-tm").average_power_kw
    if field.startswith("radars"):
        # the small RCS held fixed (a dimension of one value), the power grows
        spec = [f"{field}=" + ",".join(repr(p0 * k) for k in (0.25, 0.5, 1, 2, 8, 32)),
                f"{','.join(RCS_FIELDS)}={RV},{BOOSTER},{RV},{BOOSTER}"]
    else:
        # the power stays nominal; the RCS of every phase of both threats grows by the same factor
        spec = [f"{field}=" + ";".join(",".join(repr(v * k) for v in (RV, BOOSTER) * 2) for k in (0.25, 1, 4, 16, 64))]
    ds = sweep(scenario, spec, workers=1, runs=50)
    t = _later_or_never(ds.first_detection_s.values.reshape(ds.sizes[ds.first_detection_s.dims[0]], -1))
    assert np.all(np.diff(t, axis=0) <= 0.0)
    assert np.any(np.diff(t, axis=0) < 0.0)        # the sweep did move something


def test_higher_pk_never_lowers_p_kill_beyond_monte_carlo_noise(scenario):
    ds = sweep(scenario, ["batteries.0.pk=0.3:0.95:6"], workers=1, runs=600)
    pk, se = ds.p_kill.values, ds.p_kill_se.values
    drop = pk[:-1] - pk[1:]
    assert np.all(drop <= 4 * np.hypot(se[:-1], se[1:]) + 1e-12)
    p = ds.p_no_leaker.values
    assert p[-1] > p[0] + 4 * np.hypot(ds.p_no_leaker_se.values[-1], ds.p_no_leaker_se.values[0])
