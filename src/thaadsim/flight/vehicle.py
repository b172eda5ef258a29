"""Rockets as data: stages, a reentry vehicle and a pitch programme.

A :class:`Missile` is a stack of :class:`Stage` objects burnt one after the other (no coast
between stages), carrying a :class:`ReentryVehicle` that separates at the last burnout. Thrust is
constant within a stage: ``mdot = m_prop / t_burn`` and ``F = mdot * Isp * g0`` (the rocket
equation's assumptions, e.g. Sutton & Biblarz, *Rocket Propulsion Elements*, 9th ed., ch. 2-4).

The pitch programme is the classic one for ballistic missiles (e.g. Wheelon 1959; Zarchan,
*Tactical and Strategic Missile Guidance*, ch. 12): a vertical rise, a short "kick" that tilts the
thrust by ``kick_deg`` toward the target azimuth, then a gravity turn in which thrust follows the
Earth-relative velocity. The kick angle is the one free shape parameter: small kicks loft, large
kicks depress. Targeting (``targeting.py``) picks it, together with the cut-off time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from thaadsim.earth.constants import G0_MS2
from thaadsim.errors import ThaadsimError, require_positive

# A generic slender-body drag curve C_D(Mach), used where a catalog entry gives none. It is an
# ASSUMPTION: the usual shape (flat subsonic, a transonic peak near Mach 1.2, a slow supersonic
# decline), not a sourced figure for any missile. Drag costs a ballistic missile only a few percent
# of its range, and the catalog calibration absorbs the rest.
GENERIC_CD_MACH = np.array([0.0, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0])
GENERIC_CD = np.array([0.20, 0.20, 0.25, 0.45, 0.50, 0.44, 0.37, 0.29, 0.23, 0.20, 0.20])

# Ascent dynamic-pressure ceilings per class, kPa: the peak q = rho |v_rel|^2 / 2 an ascent may reach with
# FlightOptions(max_q_ceiling=True) (the kernel throttles thrust and mass flow near it: a thrust bucket).
# LABELLED ESTIMATES: no public ascent max-q figure was found for any catalog missile or for an ICBM-derived
# launcher. The sourced analogue is the crewed launchers' peak q, 28.7 kPa (Shuttle) to 33.8 kPa (Saturn V)
# [ref:spacese-saturn-maxq]; the Saturn V's max q near 13.4-14 km at about Mach 1.7
# [ref:memim-max-q, fossilhunters-saturnv-maxq] gives 29-31 kPa with USSA-76, the same figure. Those
# vehicles limit q by thrust (the Shuttle throttled to ~67 % through max q [ref:nasa-sts107-maxq-2003]),
# as the ceiling does. A missile is slimmer, denser and carries no crew or fairing, so the ICBM estimate is
# about twice the analogue (60 kPa; the throttle starts to fall at 0.9 q_max = 54 kPa); shorter classes
# burn out lower and faster, where q must peak higher for the range (the Scud-B's range-maximising ascent
# peaks near 95 kPa in the model with no ceiling), so their estimates rise with it.
CLASS_MAX_Q_KPA = {"ICBM": 60.0, "IRBM": 70.0, "MRBM": 80.0, "SRBM": 100.0}
CLASS_MAX_Q_SOURCE = (
    "labelled estimate: about twice the crewed launchers' 29-34 kPa [ref:spacese-saturn-maxq] "
    "[ref:memim-max-q, fossilhunters-saturnv-maxq] for an ICBM, higher for shorter classes; limited by "
    "throttling as the Shuttle did [ref:nasa-sts107-maxq-2003]; not a published figure for the missile "
    "(thaadsim.flight.vehicle.CLASS_MAX_Q_KPA)")


@dataclass(frozen=True)
class Stage:
    """One rocket stage: propellant, structure, specific impulse, burn time, and its body's diameter.

    Thrust is constant over the burn: ``mdot = propellant_mass_kg / burn_time_s`` and
    ``F = mdot * isp_s * g0`` [ref:sutton-biblarz-2017].

    Attributes
    ----------
    propellant_mass_kg : float
        Propellant burnt by the stage, kg (> 0).
    dry_mass_kg : float
        Structure and engine, dropped at the stage's burnout, kg (≥ 0).
    isp_s : float
        Specific impulse averaged over the ascent, s (> 0).
    burn_time_s : float
        Burn time, s (> 0).
    diameter_m : float
        Body diameter, m: the drag reference area while this stage burns.

    Raises
    ------
    ThaadsimError
        For a non-positive mass, Isp, burn time or diameter, or a negative dry mass.
    """

    propellant_mass_kg: float
    dry_mass_kg: float
    isp_s: float
    burn_time_s: float
    diameter_m: float

    def __post_init__(self):
        for name in ("propellant_mass_kg", "isp_s", "burn_time_s", "diameter_m"):
            require_positive(f"stage.{name}", getattr(self, name))
        if not (self.dry_mass_kg >= 0):
            raise ThaadsimError("stage.dry_mass_kg", f"{self.dry_mass_kg!r} must be >= 0", "give a mass in kg")

    @property
    def mass_flow_kgs(self) -> float:
        """Propellant mass flow, kg/s."""
        return self.propellant_mass_kg / self.burn_time_s

    @property
    def thrust_n(self) -> float:
        """Thrust, N (``mdot * Isp * g0``)."""
        return self.mass_flow_kgs * self.isp_s * G0_MS2

    @property
    def area_m2(self) -> float:
        """Cross-section of the body, m²."""
        return np.pi * self.diameter_m ** 2 / 4.0


@dataclass(frozen=True)
class ReentryVehicle:
    """The payload that flies on after the last burnout: its mass and ballistic coefficient beta = m/(C_D A).

    Attributes
    ----------
    mass_kg : float
        Mass of the reentry vehicle (the payload the missile carries), kg.
    beta_kgm2 : float
        Ballistic coefficient ``m / (C_D A)``, kg/m²: the larger, the less the atmosphere slows it.
    """

    mass_kg: float
    beta_kgm2: float

    def __post_init__(self):
        require_positive("rv.mass_kg", self.mass_kg)
        require_positive("rv.beta_kgm2", self.beta_kgm2)


@dataclass(frozen=True)
class PitchProgram:
    """Vertical rise for ``vertical_rise_s``, then a linear kick of the thrust over ``kick_duration_s``.

    After the kick the thrust follows the Earth-relative velocity (a gravity turn). The kick angle is not
    part of the programme: targeting chooses it per trajectory.

    Attributes
    ----------
    vertical_rise_s : float, default 10
        Time the thrust stays along the local vertical after lift-off, s.
    kick_duration_s : float, default 10
        Time over which the thrust tilts linearly toward the launch azimuth by the kick angle, s.
    """

    vertical_rise_s: float = 10.0
    kick_duration_s: float = 10.0

    def __post_init__(self):
        require_positive("pitch.vertical_rise_s", self.vertical_rise_s)
        require_positive("pitch.kick_duration_s", self.kick_duration_s)


@dataclass(frozen=True, eq=False)   # identity equality: shape tables are cached per object
class Missile:
    """A multi-stage ballistic missile as the flight engine needs it, plus its catalog metadata.

    Build one from the catalog with :func:`thaadsim.flight.load_missile`, or from a TOML file in the
    catalog's format with ``--missile-file``.

    Attributes
    ----------
    id, name : str
        Catalog id (``"hwasong-15"``) and display name.
    stages : tuple of Stage
        Burnt one after the other, no coast between them.
    rv : ReentryVehicle
        Separates at the last burnout.
    pitch : PitchProgram
        Vertical rise and kick timing.
    cd_mach, cd : numpy.ndarray
        Drag coefficient against Mach number (strictly increasing Mach); a generic slender-body curve
        (an assumption) unless the catalog gives one.
    meta : dict
        Everything else in the catalog entry: published range, sources, calibration note, signature.

    Raises
    ------
    ThaadsimError
        For no stages, a malformed drag table, or a lift-off thrust-to-weight ratio at or below 1.05.
    """

    id: str
    name: str
    stages: tuple[Stage, ...]
    rv: ReentryVehicle
    pitch: PitchProgram = PitchProgram()
    cd_mach: np.ndarray = field(default_factory=lambda: GENERIC_CD_MACH.copy())
    cd: np.ndarray = field(default_factory=lambda: GENERIC_CD.copy())
    meta: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if not self.stages:
            raise ThaadsimError(f"missile {self.id}: stages", "no stages", "give at least one [[stages]] table")
        if len(self.cd_mach) != len(self.cd) or len(self.cd) < 2:
            raise ThaadsimError(f"missile {self.id}: drag", "cd_mach and cd must have the same length >= 2")
        if np.any(np.diff(self.cd_mach) <= 0):
            raise ThaadsimError(f"missile {self.id}: drag.cd_mach", "must increase strictly")
        tw = self.stages[0].thrust_n / (self.launch_mass_kg * G0_MS2)
        if tw <= 1.05:
            raise ThaadsimError(f"missile {self.id}: stages.0", f"thrust/weight at lift-off is {tw:.2f}",
                                "the first stage must lift the missile: raise Isp or propellant flow")

    @property
    def launch_mass_kg(self) -> float:
        """Mass at lift-off: every stage's propellant and structure plus the reentry vehicle, kg."""
        return self.rv.mass_kg + sum(s.propellant_mass_kg + s.dry_mass_kg for s in self.stages)

    @property
    def max_q_kpa(self) -> float:
        """Ascent dynamic-pressure ceiling, kPa: ``max_q_kpa`` of the catalog entry, else its class's
        figure in :data:`CLASS_MAX_Q_KPA` (a labelled estimate); 0 (no ceiling) for a missile with neither."""
        if "max_q_kpa" in self.meta:
            return float(self.meta["max_q_kpa"])
        return float(CLASS_MAX_Q_KPA.get(str(self.meta.get("class", "")).upper(), 0.0))

    @property
    def total_burn_time_s(self) -> float:
        """Sum of the stages' burn times, s."""
        return float(sum(s.burn_time_s for s in self.stages))

    def stage_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per-stage (start time s, thrust N, mass flow kg/s, ignition mass kg, area m^2)."""
        starts, thrust, mdot, mass0, area = [], [], [], [], []
        t = 0.0
        above = self.launch_mass_kg
        for s in self.stages:
            starts.append(t)
            thrust.append(s.thrust_n)
            mdot.append(s.mass_flow_kgs)
            mass0.append(above)
            area.append(max(x.area_m2 for x in self.stages[len(starts) - 1:]))
            t += s.burn_time_s
            above -= s.propellant_mass_kg + s.dry_mass_kg
        return (np.array(starts), np.array(thrust), np.array(mdot), np.array(mass0), np.array(area))

    def ideal_delta_v_ms(self) -> float:
        """Tsiolkovsky delta-v of the stack in vacuum with no gravity (an upper bound on burnout speed)."""
        dv = 0.0
        above = self.launch_mass_kg
        for s in self.stages:
            dv += s.isp_s * G0_MS2 * np.log(above / (above - s.propellant_mass_kg))
            above -= s.propellant_mass_kg + s.dry_mass_kg
        return float(dv)
