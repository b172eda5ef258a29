"""``thaadsim infer`` (a staged liquid rocket fitted to a lofted test) against the published range estimates.

Authorities:

* the analysts' and governments' published ranges for each test flown on a standard trajectory,
  all quoted without the Earth's rotation (UCS says so explicitly [ref:ucs-hwasong14-2017]):
  Hwasong-12, 14 May 2017: up to ~4,500 km (CSIS with 38 North's Schilling) [ref:csis-hwasong12-2017];
  Hwasong-14, 4 Jul 2017: roughly 6,700 km (UCS, Wright) [ref:taskandpurpose-hwasong14-2017];
  Hwasong-14, 28 Jul 2017: about 10,400 km (UCS, Wright) [ref:ucs-hwasong14-2017];
  Hwasong-15, 28 Nov 2017: MORE THAN 13,000 km (UCS, Wright) [ref:ucs-hwasong15-2017];
  Hwasong-17, 18 Nov 2022: as far as 15,000 km, depending on the warhead (Japan MoD) [ref:asiaone-hwasong17-2022].
  The fit must land within 10 % of each; where it does not, a strict xfail says why.
* the test observations themselves (apogee, range, total time: the DPRK figures, as in
  tests/test_catalog_against_lofted_tests.py [ref:csis-hwasong12-2017, vice-hwasong14-2017,
  janes-hwasong14-2017, defence-industries-hwasong15-2017, tass-hwasong17-2022]);
* Kepler: the closed-form inversion (analysis/lofted.py, tested against the engine and hand
  cases in test_lofted_inference_against_kepler.py) is a LOWER bound, so the boost-modelled
  estimate must not fall below it.

The Hwasong-18 (2023) is a three-stage SOLID missile: outside the liquid rocket class this fit models.
"""

import numpy as np
import pytest

from thaadsim.analysis.inference import infer_lofted_test
from thaadsim.analysis.lofted import burnout_state_from_lofted_test, min_energy_range_km

# (id, apogee km, range km, total minutes, liquid stages, published range km, "about" or "more than")
PUBLISHED = [
    ("hwasong-12-2017-05-14", 2111.5, 787.0, 30.0, 1, 4500.0, "about"),
    ("hwasong-14-2017-07-04", 2802.0, 933.0, 38.0, 2, 6700.0, "about"),
    ("hwasong-14-2017-07-28", 3724.9, 998.0, 47.2, 2, 10400.0, "about"),
    ("hwasong-15-2017-11-28", 4475.0, 950.0, 53.0, 2, 13000.0, "more than"),
    ("hwasong-17-2022-11-18", 6040.9, 999.2, 4135.0 / 60.0, 2, 15000.0, "more than"),
]
IDS = [p[0] for p in PUBLISHED]
# the fit's range is hypersensitive to the flight time at these apogees: +-1 min moves it by ~30 %
# (the band), because the time fixes the burn time and so the gravity loss of the lofted boost.
# The Hwasong-15 fit passes since its range-maximising ascent keeps under the ICBM class's dynamic-pressure
# ceiling (FlightOptions.max_q_ceiling, issue 10 item 5): 14,151 km (+8.9 %); it was 15,155 km (+17 %)
# with a ~100 kPa ascent before.
_OVER = {
    "hwasong-14-2017-07-28": "the fit gives 11,543 km (+11 %) with the DPRK's 47.2 min; with the Japanese ~45 min it "
                             "gives ~8,800 km: the published 10,400 km lies inside the band (7,479-19,221 km)",
    "hwasong-17-2022-11-18": "the published figure is 'as far as 15,000 km, depending on the warhead'; with the "
                             "1,000 kg in test and warhead alike the fitted rocket is near orbital (19,775 km, the "
                             "antipode: global range); the published figure depends on the warhead's weight",
}
CASES = [pytest.param(p, id=p[0], marks=pytest.mark.xfail(strict=True, reason=_OVER[p[0]]) if p[0] in _OVER else ())
         for p in PUBLISHED]


@pytest.fixture(scope="module")
def inferred():
    """Each test inferred once (a few hundred vectorised flights each)."""
    return {p[0]: infer_lofted_test(p[1], p[2], p[3] * 60.0, stages=p[4]) for p in PUBLISHED}


@pytest.mark.parametrize("case", CASES)
def test_met_range_within_10_percent_of_the_published_estimate(inferred, case):
    key, *_, published, _ = case
    inf = inferred[key]
    assert abs(inf.met_range_km / published - 1.0) <= 0.10, (
        f"{key}: fit {inf.met_range_km:,.0f} km (band {inf.met_range_km_low:,.0f}-{inf.met_range_km_high:,.0f}) "
        f"vs published {published:,.0f} km")


@pytest.mark.parametrize("case", PUBLISHED, ids=IDS)
def test_published_estimate_is_consistent_with_the_band(inferred, case):
    """An 'about X' lies inside the band over the assumptions; a 'more than X' is not above its top."""
    key, *_, published, kind = case
    inf = inferred[key]
    assert inf.met_range_km_low <= inf.met_range_km <= inf.met_range_km_high
    if kind == "about":
        assert inf.met_range_km_low <= published <= inf.met_range_km_high
    else:
        assert inf.met_range_km_high >= published


@pytest.mark.parametrize("case", PUBLISHED, ids=IDS)
def test_boost_modelled_range_is_not_below_the_keplerian_lower_bound(inferred, case):
    """The closed form with burnout at the surface and at 300 km (lofted.py's default) are lower bounds."""
    key, apogee, rng, *_ = case
    inf = inferred[key]
    for h_bo in (0.0, 300.0):
        v = burnout_state_from_lofted_test(apogee, rng, h_bo).burnout_speed_kms
        assert inf.met_range_km >= float(min_energy_range_km(v, h_bo))


@pytest.mark.parametrize("case", PUBLISHED, ids=IDS)
def test_the_nominal_fit_flies_the_observed_test(inferred, case):
    """The fit converged: the fitted rocket, flown by the engine, reproduces the observations to 0.1 %."""
    key, apogee, rng, minutes, *_ = case
    f = inferred[key].fit
    assert f.converged[0]
    np.testing.assert_allclose([f.apogee_km[0], f.range_km[0], f.flight_time_s[0]],
                               [apogee, rng, minutes * 60.0], rtol=1.5e-3)
