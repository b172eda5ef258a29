"""A battery: interceptor type, position, launchers and inventory, radar, fire-control timeline.

The fire-control timeline turns the first radar detection of a threat into the earliest time an
interceptor can leave the launcher::

    t_launch_min = t_detect + firm_track_s + launch_decision_s + launch_prep_s

Between the shots of one engagement the battery waits ``salvo_interval_s``; before re-engaging a
threat it waits for the kill assessment ("look"), ``kill_assessment_s`` after the intercept. None
of these delays is published for THAAD; every default below is an **estimate** of this tool, meant to
be varied (they are plain parameters of :class:`FireControl`).

Reloads: each launcher holds ``interceptors_per_launcher`` rounds; a launcher that has fired its
last round is reloaded ``reload_time_s`` later (~30 min, Xinhua, MEDIA [ref:xinhua-cctv-thaad-2016]) while the
battery still has ``reload_loads`` spare launcher loads (default 0: a raid is fought with what is on
the launchers).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

from thaadsim.defense.interceptors import Interceptor, load_interceptor
from thaadsim.errors import ThaadsimError, require_finite, require_range

def require_whole(field: str, value, lo: int, fix: str | None = None) -> int:
    """``value`` as an int if it is a whole number >= ``lo`` (NaN, inf, 2.5, "3" refused), else a ThaadsimError."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or int(value) != value or value < lo:
        raise ThaadsimError(field, f"{value!r} must be a whole number >= {lo}", fix)
    return int(value)


#: provenance of the fire-control defaults (all estimates)
FIRE_CONTROL_NOTES = {
    "firm_track_s": "estimate: time from first detection to a firm (fire-control quality) track",
    "launch_decision_s": "estimate: threat evaluation and weapon assignment",
    "launch_prep_s": "estimate: from the decision to the interceptor leaving the launcher",
    "kill_assessment_s": "estimate: time after an intercept before the battery knows whether it killed",
    "salvo_interval_s": "estimate: spacing between interceptors fired in one salvo",
    "cue_delay_s": "estimate: when a battery has no own radar, time after threat launch at which an external "
                   "cue (early-warning satellite / forward radar) counts as its detection",
}
"""Where each fire-control default comes from: every delay is an estimate of this tool, no published figure."""


@dataclass(frozen=True)
class FireControl:
    """Fire-control delays in seconds (defaults are estimates; see :data:`FIRE_CONTROL_NOTES`).

    The earliest launch at a threat is ``t_detect + firm_track_s + launch_decision_s + launch_prep_s``.
    No delay is published for THAAD: each default is an estimate of this tool, to be varied.

    Attributes
    ----------
    firm_track_s : float, default 20
        From the first detection to a fire-control quality track.
    launch_decision_s : float, default 10
        Threat evaluation and weapon assignment.
    launch_prep_s : float, default 5
        From the decision to the interceptor leaving the launcher.
    kill_assessment_s : float, default 10
        After an intercept, until the battery knows whether it killed (the "look").
    salvo_interval_s : float, default 3
        Between the interceptors of one salvo.
    cue_delay_s : float, default 90
        For a battery without its own radar: time after the threat's launch at which an external cue
        counts as its detection.

    Raises
    ------
    ThaadsimError
        For a delay outside [0, 3600] s.
    """

    firm_track_s: float = 20.0
    launch_decision_s: float = 10.0
    launch_prep_s: float = 5.0
    kill_assessment_s: float = 10.0
    salvo_interval_s: float = 3.0
    cue_delay_s: float = 90.0

    def __post_init__(self):
        for name in ("firm_track_s", "launch_decision_s", "launch_prep_s", "kill_assessment_s",
                     "salvo_interval_s", "cue_delay_s"):
            require_range(f"fire_control.{name}", getattr(self, name), 0.0, 3600.0, " s")

    @property
    def detect_to_launch_s(self) -> float:
        """Firm track + decision + preparation: the least time from detection to launch, s."""
        return self.firm_track_s + self.launch_decision_s + self.launch_prep_s


@dataclass(frozen=True)
class Battery:
    """A battery of one interceptor type at one place.

    Parameters
    ----------
    id : str
        Name used in logs and outputs.
    interceptor : Interceptor or str
        The type (a catalog id is loaded).
    lat_deg, lon_deg : float
        Launcher position (geodetic). ``alt_m`` its height.
    launchers, interceptors_per_launcher : int
        Inventory on the launchers (THAAD: 6 x 8 [ref:shephard-seongju-2016, xinhua-cctv-thaad-2016]).
    reload_time_s, reload_loads : float, int
        Reload delay per launcher and number of spare launcher loads.
    pk : float or None
        Single-shot kill probability; None takes the interceptor's catalog default.
    radar : thaadsim.sensors.radar.PlacedRadar or None
        The battery's own radar; None means it fires on an external cue (``fire_control.cue_delay_s``).
    face_az_deg : float or None
        Radar face azimuth; None points it toward each threat's launch point.
    fire_control : FireControl
    layer : int
        Lower numbers engage first when several batteries can (e.g. 0 = SM-3, 1 = THAAD, 2 = PAC-3).
    """

    id: str
    interceptor: Interceptor
    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    launchers: int = 6
    interceptors_per_launcher: int = 8
    reload_time_s: float = 1800.0
    reload_loads: int = 0
    pk: float | None = None
    radar: object | None = None
    face_az_deg: float | None = None
    fire_control: FireControl = field(default_factory=FireControl)
    layer: int = 0

    def __post_init__(self):
        if isinstance(self.interceptor, str):
            object.__setattr__(self, "interceptor", load_interceptor(self.interceptor))
        p = f"battery {self.id}"
        require_range(f"{p}.lat_deg", self.lat_deg, -90.0, 90.0, " deg")
        require_range(f"{p}.lon_deg", self.lon_deg, -180.0, 360.0, " deg")
        require_range(f"{p}.alt_m", self.alt_m, -500.0, 9000.0, " m")
        for name in ("launchers", "interceptors_per_launcher"):
            require_whole(f"{p}.{name}", getattr(self, name), 1,
                          "a battery needs at least one launcher with at least one interceptor")
        require_whole(f"{p}.reload_loads", self.reload_loads, 0)
        require_range(f"{p}.reload_time_s", self.reload_time_s, 0.0, None, " s")
        if self.pk is not None:
            require_range(f"{p}.pk", self.pk, 0.0, 1.0)
        if self.face_az_deg is not None:
            require_finite(f"{p}.face_az_deg", self.face_az_deg)

    @property
    def single_shot_pk(self) -> float:
        """Kill probability of one shot: the battery's ``pk``, else its interceptor's."""
        return self.interceptor.pk if self.pk is None else float(self.pk)

    @property
    def inventory(self) -> int:
        """Rounds on the launchers at the start."""
        return int(self.launchers) * int(self.interceptors_per_launcher)


def make_battery(interceptor: str | Interceptor, lat_deg: float, lon_deg: float, *, id: str | None = None,
                 **kw: Any) -> Battery:
    """Convenience constructor: ``make_battery("thaad", 36.0, 128.2, launchers=6)``.

    Parameters
    ----------
    interceptor : str or Interceptor
        A catalog interceptor id (``"thaad"``, ``"pac3-mse"``, ``"sm3-iia"``, ``"gbi"``) or an
        :class:`~thaadsim.defense.interceptors.Interceptor`.
    lat_deg, lon_deg : float
        The battery's position, degrees (geodetic, WGS84).
    id : str, optional
        The battery's name in results; the interceptor's id by default.
    **kw
        Any other :class:`Battery` field: ``alt_m``, ``radar`` (a placed radar, or None for a battery
        fed by an external cue), ``launchers``, ``interceptors_per_launcher``, ``pk``, ``fire_control``,
        ``layer``, ...

    Returns
    -------
    Battery
    """
    itc = load_interceptor(interceptor) if isinstance(interceptor, str) else interceptor
    return Battery(id=id or itc.id, interceptor=itc, lat_deg=lat_deg, lon_deg=lon_deg, **kw)
