"""A small scenario for the sweep tests: two short-range threats, one TPY-2, one THAAD battery.

Small on purpose (two flights, 2 s samples, a few hundred Monte Carlo runs) so each sweep test
file stays well under a minute on two busy cores.
"""

SCENARIO = """
[scenario]
name = "sweep test"
seed = 7

[flight]
sample_dt_s = 2.0

[[radars]]
id = "tpy2"
radar = "tpy2-tm"
lat_deg = 36.0
lon_deg = 128.2
site_height_m = 680.0
face_az_deg = 330.0

[[batteries]]
id = "thaad"
interceptor = "thaad"
lat_deg = 36.0
lon_deg = 128.2
alt_m = 680.0
radar = "tpy2"
pk = 0.7

[[assets]]
name = "Daegu"
lat_deg = 35.87
lon_deg = 128.60

[[threats]]
missile = "nodong"
launch_lat_deg = 39.03
launch_lon_deg = 125.75
aimpoint = "Daegu"

[[threats]]
missile = "scud-c"
launch_lat_deg = 39.15
launch_lon_deg = 127.44
aim_lat_deg = 36.99
aim_lon_deg = 127.11
launch_time_s = 20.0

[montecarlo]
runs = 300
"""


def write_scenario(tmp_path, name="sweep.toml", text=SCENARIO):
    p = tmp_path / name
    p.write_text(text)
    return p
