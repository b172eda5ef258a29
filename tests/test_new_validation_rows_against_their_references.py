"""Every validation row that no authority's test file runs yet, run here, so a row added with one
``@check`` function (the ``infer`` fit of a lofted test, a catalog calibration check ...) is tested
from the moment it exists. Move it into the test file named after its authority when there is one.

Authority: each row's own reference (closed form, published figure, independent computation), as
the row states it; the row fails when thaadsim's value falls outside its tolerance.
"""

import pytest

from _validation import assert_rows_pass, unclaimed


@pytest.mark.parametrize("check", [pytest.param(c, id=c.id, marks=(pytest.mark.xfail(strict=True, reason=c.known_limit),)
                                                if c.known_limit else ()) for c in unclaimed()])
def test_new_row_passes(check):
    assert_rows_pass(check)
