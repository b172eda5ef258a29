"""Earth models: WGS84 and an idealised sphere.

Sources
-------
WGS84: NIMA TR8350.2, *Department of Defense World Geodetic System 1984*, 3rd ed. (2000):
a = 6378137.0 m, 1/f = 298.257223563, GM = 3.986004418e14 m^3/s^2, omega = 7.292115e-5 rad/s,
J2 = 1.08262982e-3 (the EGM96 normalised C20 = -4.84166774985e-4 times -sqrt(5)).
Sphere: R = 6371.0 km, mu = 398600.4418 km^3/s^2 (the textbook values used for closed-form checks).
g0 = 9.80665 m/s^2 (standard gravity, CGPM 1901) for specific impulse.
"""

from __future__ import annotations

from dataclasses import dataclass

from thaadsim.errors import ThaadsimError

G0_MS2 = 9.80665


@dataclass(frozen=True)
class EarthModel:
    """An Earth model as plain numbers, so kernels can take them as arguments."""

    name: str
    a_m: float          # equatorial radius
    f: float            # flattening (0 for a sphere)
    mu_m3s2: float      # gravitational parameter
    j2: float           # second zonal harmonic (0 to disable)
    omega_rads: float   # rotation rate (0 for a non-rotating Earth)

    @property
    def b_m(self) -> float:
        """Semi-minor axis b = a (1 - f), m."""
        return self.a_m * (1.0 - self.f)

    @property
    def e2(self) -> float:
        """First eccentricity squared e² = f (2 - f)."""
        return self.f * (2.0 - self.f)

    @property
    def mean_radius_m(self) -> float:
        """IUGG mean radius R1 = (2a + b)/3."""
        return (2.0 * self.a_m + self.b_m) / 3.0

    def with_options(self, *, rotation: bool = True, j2: bool = True) -> "EarthModel":
        """The same figure with rotation and J2 switched on or off.

        Parameters
        ----------
        rotation : bool
            Keep the rotation rate (``False``: zero).
        j2 : bool
            Keep J2 (``False``: zero).

        Returns
        -------
        EarthModel
        """
        return EarthModel(self.name, self.a_m, self.f, self.mu_m3s2,
                          self.j2 if j2 else 0.0, self.omega_rads if rotation else 0.0)


WGS84 = EarthModel("wgs84", 6378137.0, 1.0 / 298.257223563, 3.986004418e14, 1.08262982e-3, 7.292115e-5)
SPHERE = EarthModel("sphere", 6371000.0, 0.0, 3.986004418e14, 0.0, 7.292115e-5)

EARTHS = {"wgs84": WGS84, "sphere": SPHERE}


def earth_model(name: str = "wgs84", *, rotation: bool = True, j2: bool | None = None) -> EarthModel:
    """Look up an Earth model by name; the sphere never has J2, WGS84 has it unless ``j2=False``.

    Parameters
    ----------
    name : {"wgs84", "sphere"}
        The figure: the WGS84 ellipsoid [ref:nima-wgs84-2000] or a sphere of radius 6,371 km.
    rotation : bool
        Rotating Earth (``False``: rotation rate zero).
    j2 : bool or None
        J2 gravity; ``None``: as the figure has it.

    Returns
    -------
    EarthModel

    Raises
    ------
    ThaadsimError
        For an unknown name.
    """
    key = str(name).lower()
    if key not in EARTHS:
        raise ThaadsimError("earth", f"unknown Earth model {name!r}", f"use one of {sorted(EARTHS)}")
    base = EARTHS[key]
    return base.with_options(rotation=rotation, j2=base.j2 != 0.0 if j2 is None else j2)
