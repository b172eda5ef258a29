"""Small footprint cases shared by the test_footprint_* modules (not a test module itself)."""

from thaadsim.defense.battery import make_battery
from thaadsim.defense.detection import azimuth_deg
from thaadsim.sensors.radar import load_radar

SEONGJU = (35.95, 128.18, 680.0)    # the announced THAAD site [ref:koreatimes-seongju-2016]
PYONGYANG_AREA = (39.0, 125.7)       # a regional launch area


def thaad_at_seongju(pk=None, interceptor="thaad", radar=True, bid="THAAD"):
    """THAAD with its TPY-2 (terminal mode) at Seongju, face toward the launch area, as `engage` places it."""
    lat, lon, h = SEONGJU
    face = round(float(azimuth_deg(lat, lon, *PYONGYANG_AREA)), 1)
    placed = load_radar("tpy2-tm").place(lat, lon, h, face) if radar else None
    bat = make_battery(interceptor, lat, lon, alt_m=h, pk=pk, radar=placed, face_az_deg=face if radar else None,
                       id=bid)
    return bat, ({"tpy2-tm": placed} if radar else {})
