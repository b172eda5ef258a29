"""The batch kernel against scipy's DOP853 on the same equations, written independently
(thaadsim.flight.reference: PROJ for geodetic altitude, the public USSA-76 functions for density)."""

import numpy as np
import pytest

from thaadsim.earth.constants import earth_model
from thaadsim.earth.frames import geodetic_to_ecef
from thaadsim.flight import fly_powered, load_missile
from thaadsim.flight.reference import fly_one_reference


@pytest.mark.parametrize("case", [
    # (missile, lat, lon, azimuth, kick, cut-off fraction)
    ("hwasong-15", 39.0, 125.7, 9.6, 20.5, 0.99),
    ("hwasong-15", 39.0, 125.7, 140.0, 5.0, 1.0),     # lofted, toward the south-east
    ("hwasong-15", 41.0, 129.0, 270.0, 30.0, 0.6),    # westward, depressed, short burn
])
def test_powered_flight_with_drag_matches_dop853(case):
    mid, lat, lon, az, kick, frac = case
    m = load_missile(mid)
    model = earth_model("wgs84")
    cut = frac * m.total_burn_time_s
    b = fly_powered([m], [0], lat, lon, az, kick, cut, sample_dt_s=None)
    t_ref, r_ref, apo_ref = fly_one_reference(m, lat, lon, az, kick, cut, model)
    ours = geodetic_to_ecef(b.impact_lat_deg[0], b.impact_lon_deg[0], 0.0)
    assert np.linalg.norm(ours - r_ref) < 25.0           # metres, after thousands of km
    assert abs(b.impact_s[0] - t_ref) < 0.5
    assert b.apogee_km[0] == pytest.approx(apo_ref / 1e3, abs=0.5)
