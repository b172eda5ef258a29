"""The batch kernel against scipy's DOP853 on the same equations, written independently
(thaadsim.flight.reference: PROJ for geodetic altitude, the public USSA-76 functions for density).

The comparison is :func:`thaadsim.validation.rotation.powered_flight_against_dop853` (impact within
25 m, impact time within 0.5 s, apogee within 0.5 km), the row ``thaadsim validate`` prints.
"""

import pytest

from _validation import assert_rows_pass, params
from thaadsim.validation import rotation


@pytest.mark.parametrize("check", params(rotation.powered_flight_against_dop853))
def test_powered_flight_with_drag_matches_dop853(check):
    assert_rows_pass(check)
