"""TPY-2 track times and GBI windows of the strategic table, checked against geometry that is
computed independently (pyproj's ECEF transform and WGS84 geodesics) and against properties that
follow from the definitions, not from the code's earlier output:

* the forward-based mode (2,000 km instrumented range) and the terminal mode (600 km) are the same
  radar equation, face and scan limits (catalog), so with the same face the FBM never tracks less:
  tm_track_s <= fbm_track_s and the FBM's first detection is no later;
* at the FBM's first detection the missile is within 2,000 km slant range of the site (pyproj
  geodetic -> ECEF) and within +/-60 deg of the face azimuth (pyproj forward azimuth);
* a cue never hurts: the GBI window with the FBM cue is >= the window with its own sensors only;
* the window is (latest feasible launch) - (detection + fire-control delays), so detecting 10 s
  later shortens a window longer than 10 s by exactly 10 s.
"""

import numpy as np
import pytest
from pyproj import Geod, Transformer

from thaadsim.analysis.strategic import GBI_SITE, assess_batch, gbi_window_s
from thaadsim.defense.battery import Battery
from thaadsim.flight import fly_targeted

SITE = (35.95, 128.18, 680.0)
FACE = 330.0
TO_ECEF = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)


@pytest.fixture(scope="module")
def flown():
    # Manchuria -> Honolulu (rises through the FBM's view), Pyongyang area -> south-east Korea
    # (inside the terminal mode's 600 km too), Khabarovsk -> Seattle (north-east, away from it)
    batch = fly_targeted(["df-31a", "nodong", "topol-m"], [43.9, 39.0, 48.5], [125.3, 125.7, 135.1],
                         [21.31, 35.1, 47.61], [-157.86, 129.0, -122.33], sample_dt_s=5.0)
    return batch, assess_batch(batch, SITE, face_az_deg=FACE)


def test_forward_based_mode_never_tracks_less(flown):
    _, df = flown
    assert df.loc[0, "fbm_track_s"] > 0 and df.loc[1, "fbm_track_s"] > 0
    assert df.loc[1, "tm_track_s"] > 0
    assert np.all(df["tm_track_s"] <= df["fbm_track_s"] + 1e-9)
    both = df["tm_first_detection_s"].notna()
    assert np.all(df.loc[both, "fbm_first_detection_s"] <= df.loc[both, "tm_first_detection_s"])


def test_first_fbm_detection_is_inside_range_and_face(flown):
    batch, df = flown
    sx, sy, sz = TO_ECEF.transform(SITE[1], SITE[0], SITE[2] + 5.0)   # + the catalog's 5 m mast
    geod = Geod(ellps="WGS84")
    for i in np.flatnonzero(df["fbm_first_detection_s"].notna().to_numpy()):
        k = int(np.nanargmin(np.abs(batch.t_s[i] - df.loc[i, "fbm_first_detection_s"])))
        x, y, z = TO_ECEF.transform(batch.lon_deg[i, k], batch.lat_deg[i, k], batch.alt_m[i, k])
        assert np.hypot(np.hypot(x - sx, y - sy), z - sz) <= 2000e3 + 1.0
        az = geod.inv(SITE[1], SITE[0], batch.lon_deg[i, k], batch.lat_deg[i, k])[0]
        assert abs((az - FACE + 180.0) % 360.0 - 180.0) <= 60.0 + 0.5


def test_a_cue_never_hurts(flown):
    _, df = flown
    assert np.all(df["gbi_window_s_with_cue"] >= df["gbi_window_s_without_cue"] - 1e-9)
    assert np.all(df["gbi_window_s_without_cue"] >= 0)


def test_window_shrinks_second_for_second_with_later_detection(flown):
    batch, _ = flown
    gbi = Battery(id="GBI", interceptor="gbi", lat_deg=GBI_SITE[0], lon_deg=GBI_SITE[1], alt_m=GBI_SITE[2])
    det = np.full(len(batch), 200.0)
    w_early = gbi_window_s(batch, gbi, det)
    w_late = gbi_window_s(batch, gbi, det + 10.0)
    long = w_early > 10.0
    assert long.any()                                   # the ICBMs to Hawaii and Seattle give a window
    assert np.allclose(w_early[long] - w_late[long], 10.0, atol=1e-6)
    never = gbi_window_s(batch, gbi, np.full(len(batch), np.nan))
    assert np.all(never == 0.0)                         # never detected: no window
