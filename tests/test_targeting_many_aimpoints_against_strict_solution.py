"""Many aimpoints from one launch point take the fast path (interpolated neighbours + Newton-Broyden).

Its answers are checked against two independent computations: the same launch parameters flown
again at a strict tolerance (rtol 1e-12, the kernel's plain step control), and the robust solver
that solves each aimpoint on its own. The fast path must change how quickly an answer comes, not
the answer.

The strict-flight comparison lives in :mod:`thaadsim.validation.targeting`.
"""

import numpy as np
import pytest

from _validation import assert_rows_pass, params
from thaadsim.earth.geodesy import geodesic_inverse
from thaadsim.flight import fly_targeted, load_missile
from thaadsim.validation import targeting as vt

LAUNCH = vt.PYONGYANG_AREA
RNG = np.random.default_rng(12)
US_LAT, US_LON = vt.US_LAT, vt.US_LON        # 60 seeded aimpoints over the continental US
N = US_LAT.size


@pytest.fixture(scope="module")
def hs15_min_energy():
    return fly_targeted("hwasong-15", *LAUNCH, US_LAT, US_LON, sample_dt_s=None)


def test_fast_path_is_taken(hs15_min_energy):
    # the robust solver alone costs 15-25 flights per aimpoint; seeded, a few
    assert hs15_min_energy.targeting_flights / N < 8


@pytest.mark.parametrize("check", params(vt.many_aimpoints_against_a_strict_flight))
def test_impacts_match_a_strict_tolerance_flight_of_the_same_parameters(check):
    """Misses under 50 m; impacts within 10 m of the same parameters flown at rtol 1e-12, which itself
    lands within 60 m (the rows ``thaadsim validate`` prints)."""
    assert_rows_pass(check)


def test_same_trajectories_as_the_robust_solver_one_aimpoint_at_a_time(hs15_min_energy):
    b = hs15_min_energy
    burn = load_missile("hwasong-15").total_burn_time_s
    for i in (0, 17, 42):
        one = fly_targeted("hwasong-15", *LAUNCH, US_LAT[i], US_LON[i], sample_dt_s=None)
        assert abs(one.cutoff_s[0] - b.cutoff_s[i]) < 0.005 * burn
        assert one.apogee_km[0] == pytest.approx(b.apogee_km[i], rel=0.01)
        assert one.flight_time_s[0] == pytest.approx(b.flight_time_s[i], rel=0.005)


@pytest.mark.parametrize("shape", ["lofted", "depressed"])
def test_lofted_and_depressed_batches_hit_and_keep_their_shape(shape):
    lat, lon = US_LAT[:30], US_LON[:30]
    b = fly_targeted("hwasong-15", *LAUNCH, lat, lon, shape=shape, sample_dt_s=None)
    assert np.all(b.miss_km < 0.05)
    me = fly_targeted("hwasong-15", *LAUNCH, lat, lon, sample_dt_s=None)
    if shape == "lofted":
        assert np.all(b.apogee_km > me.apogee_km + 100.0)
        assert np.allclose(b.cutoff_s, load_missile("hwasong-15").total_burn_time_s)
    else:
        # the default depressed shot flies at half the min-energy apogee (within the solver's 1 %)
        np.testing.assert_allclose(b.apogee_km, 0.5 * me.apogee_km, rtol=0.02)


def test_two_launch_points_and_two_missiles_in_one_call():
    lat0 = np.repeat([39.0, 40.5], 30)
    lon0 = np.repeat([125.7, 127.5], 30)
    lat1 = np.tile(RNG.uniform(34.0, 38.0, 30), 2)
    lon1 = np.tile(RNG.uniform(126.5, 129.5, 30), 2)
    missiles = ["nodong"] * 30 + ["musudan"] * 30
    b = fly_targeted(missiles, lat0, lon0, lat1, lon1, sample_dt_s=None)
    assert np.all(b.miss_km < 0.05)
    assert set(b.missile_id) == {"nodong", "musudan"}
    # each row flew from its own launch point
    d, _ = geodesic_inverse(lat0, lon0, b.launch_lat_deg, b.launch_lon_deg)
    assert np.max(d) < 1e-6


def test_errors_mark_leaves_unreachable_rows_marked_and_solves_the_rest():
    """errors="mark": aimpoints beyond reach (far beyond, or just past the rotating-Earth reach) and
    apogees no shot can fly are marked, and every other row hits as it would alone."""
    from thaadsim.earth.geodesy import geodesic_direct
    from thaadsim.errors import ThaadsimError
    from thaadsim.flight import max_range_km

    reach = max_range_km(load_missile("nodong"))
    ranges = np.concatenate([np.linspace(300.0, 0.9 * reach, 26), [1.02 * reach, 1.5 * reach]])
    lat, lon = geodesic_direct(39.0, 125.7, np.full(ranges.size, 150.0), ranges * 1e3)
    b = fly_targeted("nodong", 39.0, 125.7, lat, lon, sample_dt_s=None, errors="mark")
    assert np.all(b.targeting_ok[:26]) and not b.targeting_ok[-1]
    assert np.all(b.miss_km[b.targeting_ok] < 0.05)
    # a row marked ok must really be reachable: the robust solver, alone, agrees
    alone = fly_targeted("nodong", 39.0, 125.7, lat[5], lon[5], sample_dt_s=None)
    assert alone.apogee_km[0] == pytest.approx(b.apogee_km[5], rel=0.01)
    with pytest.raises(ThaadsimError):
        fly_targeted("nodong", 39.0, 125.7, lat, lon, sample_dt_s=None)
    # 200 km is below the min-energy apogee at the farthest aimpoints (not a lofted shot): marked there only
    lo = fly_targeted("nodong", 39.0, 125.7, lat[:26], lon[:26], shape="lofted", apogee_km=200.0,
                      sample_dt_s=None, errors="mark")
    assert lo.targeting_ok.any() and not lo.targeting_ok.all()
    good = lo.targeting_ok
    np.testing.assert_allclose(lo.apogee_km[good], 200.0, atol=2.5)
    assert good[0] and not good[-1]
    assert np.all(lo.miss_km[good] < 0.05)


@pytest.mark.parametrize("shape, apogee", [("depressed", None), ("lofted", 2000.0), ("depressed", 400.0)])
def test_apogee_newton_agrees_with_the_nested_bracketing(monkeypatch, shape, apogee):
    """Shots with a required apogee are first tried by a 3-D Newton; the nested bracketing it spares
    (the solver before it, kept for what Newton leaves) must find the same trajectory."""
    import thaadsim.flight.targeting as T

    lat, lon = US_LAT[:4], US_LON[:4]
    kw = {} if apogee is None else {"apogee_km": apogee}
    fast = fly_targeted("hwasong-15", *LAUNCH, lat, lon, shape=shape, sample_dt_s=None, **kw)
    monkeypatch.setattr(T, "_newton_apogee", lambda ctx, rows, *a, **k: np.zeros(np.size(rows), bool))
    slow = fly_targeted("hwasong-15", *LAUNCH, lat, lon, shape=shape, sample_dt_s=None, **kw)
    # the bracketing keeps its closest hit (fly_targeted accepts misses up to 1 km); Newton stops below 50 m
    assert np.all(fast.miss_km < 0.05) and np.all(slow.miss_km < 1.0)
    np.testing.assert_allclose(fast.apogee_km, slow.apogee_km, rtol=0.01, atol=1.0)
    np.testing.assert_allclose(fast.flight_time_s, slow.flight_time_s, rtol=0.005)
    burn = load_missile("hwasong-15").total_burn_time_s
    assert np.all(np.abs(fast.cutoff_s - slow.cutoff_s) < 0.01 * burn)
    # Newton needs a few flights where the bracketing needs a hundred or more
    assert fast.targeting_flights < slow.targeting_flights
