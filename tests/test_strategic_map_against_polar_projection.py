"""The strategic map's projection: in a north-polar azimuthal equidistant projection a route that
goes over the pole is a straight line and distance from the pole is true (checked against pyproj's
own geodesic distance to the pole, and plain collinearity)."""

import numpy as np
import pandas as pd
from pyproj import Geod

from thaadsim.report.strategic_map import _projector, _routes_xy, strategic_png

GEOD = Geod(ellps="WGS84")


def test_route_over_the_pole_is_straight_and_radial_distance_is_true():
    rows = pd.DataFrame({"launch_lat_deg": [50.0], "launch_lon_deg": [100.0],
                         "target_lat_deg": [40.0], "target_lon_deg": [-80.0]})   # 180 deg apart: over the pole
    tr = _projector(-170.0)
    xy = _routes_xy(GEOD, tr, rows)[0]
    d = xy[-1] - xy[0]
    cross = (xy[:, 0] - xy[0, 0]) * d[1] - (xy[:, 1] - xy[0, 1]) * d[0]
    assert np.max(np.abs(cross)) / np.hypot(*d) < 1.0          # every point within 1 km of the chord
    r_km = np.hypot(xy[0, 0], xy[0, 1])
    assert abs(r_km - GEOD.inv(100.0, 50.0, 100.0, 90.0)[2] / 1e3) < 1.0


def test_png_is_written_for_a_table_with_an_unreachable_row():
    t = pd.DataFrame({"launch_name": ["A", "A"], "launch_lat_deg": [43.9, 43.9], "launch_lon_deg": [125.3, 125.3],
                      "target_name": ["S", "W"], "target_lat_deg": [47.6, 38.9], "target_lon_deg": [-122.3, -77.0],
                      "missile": ["df-31a", ""], "fbm_track_s": [45.0, np.nan]})
    png = strategic_png(t, (35.95, 128.18, 680.0))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
