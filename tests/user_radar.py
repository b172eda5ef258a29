"""A user-defined radar file (the fields issue 3 lists), shared by the radar tests.

A made-up S-band radar: every figure is a round test value, not a real system's.
"""

USER_RADAR_TOML = """id = "my-radar"
frequency_ghz = 3.0
average_power_kw = 10
aperture_m2 = 4
aperture_efficiency = 0.6
noise_temperature_k = 450
losses_db = 6
dwell_s = 0.05
snr_threshold_db = 12
height_m = 10
min_elevation_deg = 1
max_elevation_deg = 60
az_half_width_deg = 45
max_range_km = 800
"""
