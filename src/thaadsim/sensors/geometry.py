"""Radar line of sight over the WGS84 Earth, with 4/3-Earth refraction, and a face's scan limits.

Refraction by the effective-Earth model
---------------------------------------
The troposphere's refractive index falls with height, so radar rays bend down, following the
Earth's curve a little. The standard engineering model (Schelleng, Burrows & Ferrell 1933; Skolnik,
*Introduction to Radar Systems*, 3rd ed., §8.3; US Federal Standard 1037C "radar line of sight")
[ref:schelleng-1933, skolnik-2001, fs1037c-radar-los]
replaces the curved ray over an Earth of radius R by a straight ray over an Earth of radius k·R,
k = 4/3 for the standard atmosphere. Heights above the surface and ground distances are kept; the
central angle between radar and target shrinks from θ to θ' = θ/k. The horizon distance of a radar
at height h_r to a target at height h_t is then

    d = √(2kR·h_r) + √(2kR·h_t)   ≈ 4.12·(√h_r[m] + √h_t[m]) km  for k = 4/3, R = 6371 km.

The local radius used is Euler's radius of curvature of the WGS84 ellipsoid at the radar, in the
direction of the target: 1/R_α = cos²α/M + sin²α/N (M meridional, N prime-vertical radius).
The 4/3 model is a tropospheric approximation; for targets far above the atmosphere the ray bends
mainly in the lowest layers, so it remains a good first-order model [ref:fs1037c-radar-los].

What is computed per sample
---------------------------
* slant range: the straight-line (true) distance between antenna and target, in metres;
* azimuth: the true ENU azimuth at the radar (refraction does not change it);
* elevation: the apparent elevation, i.e. the true (ellipsoidal) ENU elevation plus the refraction
  bending el(k) - el(1), both evaluated on the local sphere; with refraction off it is the exact
  geometric elevation;
* line of sight: the straight segment from antenna to target on the effective sphere does not dip
  below its surface (the target is above the refracted horizon).

All functions broadcast over arrays of any shape, e.g. (N, T) trajectory samples.
"""

from __future__ import annotations

import numpy as np

from thaadsim.earth.constants import WGS84, EarthModel
from thaadsim.earth.frames import enu_basis, geodetic_to_ecef

K_STANDARD = 4.0 / 3.0


def refraction_k(refraction: bool | float) -> float:
    """k for the effective Earth: 4/3 if ``refraction`` is True, 1 if False, or the number given."""
    if refraction is True:
        return K_STANDARD
    if refraction is False or refraction is None:
        return 1.0
    return float(refraction)


def euler_radius_m(lat_deg, azimuth_deg, earth: EarthModel = WGS84):
    """Radius of curvature of the ellipsoid at latitude ``lat_deg`` along azimuth ``azimuth_deg``."""
    s2 = np.sin(np.radians(lat_deg)) ** 2
    w = np.sqrt(1.0 - earth.e2 * s2)
    m = earth.a_m * (1.0 - earth.e2) / w**3
    n = earth.a_m / w
    az = np.radians(azimuth_deg)
    return 1.0 / (np.cos(az) ** 2 / m + np.sin(az) ** 2 / n)


def horizon_distance_m(radar_alt_m, target_alt_m, k=K_STANDARD, radius_m=6371e3):
    """The textbook horizon distance d = √(2kR·h_r) + √(2kR·h_t) (heights in m, result in m)."""
    kr = k * radius_m
    return np.sqrt(2 * kr * np.asarray(radar_alt_m, float)) + np.sqrt(2 * kr * np.asarray(target_alt_m, float))


def horizon_ground_range_m(radar_alt_m, target_alt_m, k=K_STANDARD, radius_m=6371e3):
    """Exact ground distance (along the surface) at which the target sinks below the refracted horizon.

    θ' = acos(kR/(kR+h_r)) + acos(kR/(kR+h_t)) on the effective sphere; ground distance kR·θ'.
    """
    kr = k * radius_m
    hr = np.maximum(np.asarray(radar_alt_m, float), 0.0)
    ht = np.maximum(np.asarray(target_alt_m, float), 0.0)
    return kr * (np.arccos(kr / (kr + hr)) + np.arccos(kr / (kr + ht)))


def ray_altitude_m(slant_range_m, elevation_deg, radar_alt_m, k=K_STANDARD, radius_m=6371e3):
    """Height reached by a ray leaving the antenna at ``elevation_deg`` after ``slant_range_m``.

    On the effective sphere (law of cosines): (kR+h)² = ρ² + (kR+h_r)² + 2ρ(kR+h_r)·sin ε.
    """
    kr = k * radius_m
    rho = np.asarray(slant_range_m, float)
    r0 = kr + np.asarray(radar_alt_m, float)
    s = np.sin(np.radians(elevation_deg))
    return np.sqrt(rho**2 + r0**2 + 2 * rho * r0 * s) - kr


def slant_range_at_altitude_m(target_alt_m, elevation_deg, radar_alt_m, k=K_STANDARD, radius_m=6371e3):
    """Slant range (on the effective sphere) at which a ray at ``elevation_deg`` reaches ``target_alt_m``.

    The inverse of :func:`ray_altitude_m`: ρ = -r0·sin ε + √(r0²·sin²ε + (kR+h)² - r0²), NaN if the
    ray never reaches that height (a target below the antenna and the ray pointing above it).
    """
    kr = k * radius_m
    r0 = kr + np.asarray(radar_alt_m, float)
    rt = kr + np.asarray(target_alt_m, float)
    s = np.sin(np.radians(elevation_deg))
    disc = r0**2 * s**2 + rt**2 - r0**2
    with np.errstate(invalid="ignore"):
        rho = -r0 * s + np.sqrt(disc)
    return np.where((disc >= 0) & (rho >= 0), rho, np.nan)


def elevation_on_sphere_deg(central_angle_rad, radar_alt_m, target_alt_m, k=K_STANDARD, radius_m=6371e3):
    """Apparent elevation of a target at true central angle θ on the effective sphere (θ' = θ/k).

    tan el = ((kR+h_t)·cos θ' - (kR+h_r)) / ((kR+h_t)·sin θ').
    """
    kr = k * np.asarray(radius_m, float)
    th = np.asarray(central_angle_rad, float) / k
    rt = kr + np.asarray(target_alt_m, float)
    r0 = kr + np.asarray(radar_alt_m, float)
    return np.degrees(np.arctan2(rt * np.cos(th) - r0, rt * np.sin(th)))


def lowest_visible_altitude_m(ground_range_m, radar_alt_m, min_elevation_deg=0.0, k=K_STANDARD, radius_m=6371e3):
    """Lowest target altitude visible at a ground distance, given an elevation floor.

    The larger of (a) the height of the ray leaving at ``min_elevation_deg`` when it is above the
    ground point, h = (kR+h_r)·cos ε / cos(ε + θ') - kR, and (b) the height of the grazing ray
    (tangent to the effective Earth), which is the limit when the floor is below the horizon dip.
    NaN where no target can be seen (ε + θ' ≥ 90°).
    """
    kr = k * radius_m
    r0 = kr + np.asarray(radar_alt_m, float)
    th = np.asarray(ground_range_m, float) / kr
    eps = np.radians(min_elevation_deg)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.cos(eps + th)
        h_el = np.where((eps + th < np.pi / 2) & (c > 0), r0 * np.cos(eps) / c - kr, np.nan)
        th_r = np.arccos(np.minimum(kr / r0, 1.0))
        h_graze = np.where(th > th_r, kr / np.cos(np.minimum(th - th_r, np.pi / 2 - 1e-9)) - kr, 0.0)
    return np.maximum(np.maximum(h_el, h_graze), 0.0)


def _segment_clears(r0, rt, th_eff, kr, tol_m=1.0):
    """Does the straight segment from (0, r0) to (rt sinθ', rt cosθ') stay outside the circle kR?"""
    x1, y1 = rt * np.sin(th_eff), rt * np.cos(th_eff)
    dx, dy = x1, y1 - r0
    l2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.where(l2 > 0, -(r0 * dy) / l2, 0.0), 0.0, 1.0)
    px, py = t * dx, r0 + t * dy
    return np.hypot(px, py) >= kr - tol_m


def look_angles(radar_lat_deg, radar_lon_deg, radar_alt_m, target_lat_deg, target_lon_deg, target_alt_m,
                target_ecef_m=None, refraction: bool | float = True, earth: EarthModel = WGS84):
    """Azimuth, apparent elevation, slant range and line of sight from a radar to targets.

    Parameters
    ----------
    radar_lat_deg, radar_lon_deg, radar_alt_m : float
        Antenna position (geodetic; altitude above the ellipsoid).
    target_lat_deg, target_lon_deg, target_alt_m : array_like
        Target positions, any common shape (e.g. (N, T)).
    target_ecef_m : array_like, optional
        The same positions in ECEF (shape (..., 3)) if already known (saves a conversion).
    refraction : bool or float
        True for the 4/3 effective Earth, False for straight rays, or a k value.

    Returns
    -------
    dict of arrays ``azimuth_deg``, ``elevation_deg`` (apparent), ``slant_range_m``,
    ``in_line_of_sight`` (bool), ``central_angle_rad``.
    """
    k = refraction_k(refraction)
    lat_t = np.asarray(target_lat_deg, float)
    lon_t = np.asarray(target_lon_deg, float)
    alt_t = np.asarray(target_alt_m, float)
    r_t = geodetic_to_ecef(lat_t, lon_t, alt_t, earth) if target_ecef_m is None else np.asarray(target_ecef_m, float)
    r0 = geodetic_to_ecef(radar_lat_deg, radar_lon_deg, radar_alt_m, earth)
    basis = enu_basis(radar_lat_deg, radar_lon_deg)
    d = r_t - r0
    e = d @ basis[0]
    n = d @ basis[1]
    u = d @ basis[2]
    horiz = np.hypot(e, n)
    slant = np.sqrt(horiz * horiz + u * u)
    az = np.degrees(np.arctan2(e, n)) % 360.0
    el_true = np.degrees(np.arctan2(u, horiz))
    # central angle between the ellipsoid normals at the radar and under the target
    pl, ql = np.radians(lat_t), np.radians(lon_t)
    up_t = np.stack([np.cos(pl) * np.cos(ql), np.cos(pl) * np.sin(ql), np.sin(pl)], -1)
    cosang = np.clip(up_t @ basis[2], -1.0, 1.0)
    sinang = np.linalg.norm(np.cross(up_t, basis[2]), axis=-1)
    theta = np.arctan2(sinang, cosang)
    radius = euler_radius_m(radar_lat_deg, az, earth)
    if k != 1.0:
        bend = (elevation_on_sphere_deg(theta, radar_alt_m, alt_t, k, radius)
                - elevation_on_sphere_deg(theta, radar_alt_m, alt_t, 1.0, radius))
    else:
        bend = 0.0
    el = el_true + bend
    kr = k * radius
    # a site below the ellipsoid (Dead Sea, or a negative geoid undulation) stands on ground at its own
    # height, not inside the Earth: measure heights from there, else every ray would start underground
    h0 = min(float(radar_alt_m), 0.0)
    clear = _segment_clears(kr + radar_alt_m - h0, kr + alt_t - h0, theta / k, kr)
    return {"azimuth_deg": az, "elevation_deg": el, "slant_range_m": slant, "in_line_of_sight": clear,
            "central_angle_rad": theta}


def off_boresight_deg(azimuth_deg, face_az_deg):
    """Signed azimuth off the face boresight, wrapped to (-180, 180]."""
    return (np.asarray(azimuth_deg, float) - face_az_deg + 180.0) % 360.0 - 180.0


def in_scan(azimuth_deg, elevation_deg, face_az_deg, az_half_width_deg, min_elevation_deg, max_elevation_deg):
    """True where a look direction lies inside a face's az/el scan box."""
    off = np.abs(off_boresight_deg(azimuth_deg, face_az_deg))
    el = np.asarray(elevation_deg, float)
    return (off <= az_half_width_deg) & (el >= min_elevation_deg) & (el <= max_elevation_deg)
