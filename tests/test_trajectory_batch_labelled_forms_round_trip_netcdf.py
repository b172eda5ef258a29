"""A batch's labelled forms: an xarray Dataset that survives a NetCDF round trip (h5netcdf) with its
CF units, and a long DataFrame that holds exactly each trajectory's own samples."""

import numpy as np
import xarray as xr

from thaadsim.flight import fly_targeted


def _batch():
    return fly_targeted("nodong", 39.0, 125.7, [35.1, 36.0, 37.5], [129.0, 128.6, 127.0],
                        shape=["min-energy", "lofted", "depressed"], sample_dt_s=5.0)


def test_xarray_round_trips_through_netcdf_with_units(tmp_path):
    b = _batch()
    ds = b.to_xarray()
    path = tmp_path / "batch.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    back = xr.open_dataset(path, engine="h5netcdf")
    assert back.sizes["trajectory"] == 3
    np.testing.assert_array_equal(back["alt_km"].values, b.alt_m / 1e3)
    np.testing.assert_array_equal(back["range_km"].values, b.range_km)
    assert back["alt_km"].attrs["units"] == "km"
    assert back["lat_deg"].attrs["units"] == "degrees_north"
    assert back["flight_time_s"].attrs["units"] == "s"
    assert list(back["missile_id"].values) == ["nodong"] * 3
    back.close()


def test_long_frame_holds_each_trajectorys_own_samples():
    b = _batch()
    long = b.to_long_dataframe()
    assert len(long) == int(b.n_samples.sum())
    for i in range(len(b)):
        mine = long[long.trajectory == i].reset_index(drop=True)
        one = b.to_dataframe(i)
        np.testing.assert_array_equal(mine["t_s"].values, one["t_s"].values)
        np.testing.assert_array_equal(mine["alt_km"].values, one["alt_km"].values)
        assert list(mine["phase"]) == list(one["phase"])
    assert set(long["phase"]) <= {"boost", "midcourse", "reentry"}
