"""TrajectoryBatch helpers against numpy's own 1-D interpolation and geodesics."""

import numpy as np

from thaadsim.flight import fly_kinematic


def test_ecef_at_matches_np_interp_row_by_row():
    b = fly_kinematic([3.0, 5.0, 6.5], [40.0, 30.0, 20.0], [0.0, 90.0, 200.0], [35.0, 0.0, -20.0],
                      [125.0, 10.0, 40.0], earth="wgs84", atmosphere=False, sample_dt_s=7.0)
    rng = np.random.default_rng(3)
    q = rng.uniform(-50.0, 2500.0, (3, 40))
    q[:, 0] = b.t_s[:, 0]                                   # the first sample exactly
    q[np.arange(3), 1] = b.t_s[np.arange(3), b.n_samples - 1]   # the last sample exactly
    got = b.ecef_at(q)
    for i in range(3):
        n = b.n_samples[i]
        ts = b.t_s[i, :n]
        for k in range(3):
            ref = np.interp(q[i], ts, b.r_ecef_m[i, :n, k], left=np.nan, right=np.nan)
            np.testing.assert_allclose(got[i, :, k], ref, rtol=0, atol=1e-6, equal_nan=True)


def test_sub_batches_and_frames():
    b = fly_kinematic([3.0, 5.0], 40.0, 45.0, 10.0, 20.0, sample_dt_s=10.0)
    one = b[1]
    assert len(one) == 1 and one.range_km[0] == b.range_km[1]
    df = b.to_dataframe(1)
    assert len(df) == b.n_samples[1]
    assert df["ground_range_km"].iloc[-1] == np.float64(df["ground_range_km"].iloc[-1])
    assert abs(df["ground_range_km"].iloc[-1] - b.range_km[1]) < 1e-6
    assert set(b.summary().columns) >= {"range_km", "apogee_km", "flight_time_s", "impact_lat_deg"}
