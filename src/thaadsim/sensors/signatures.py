"""Radar cross section (RCS) of a ballistic missile by flight phase.

What a radar sees changes at burnout:

* **boost** (phase 0): the thrusting booster, a body metres long and 1-2 m across. Its X-band RCS
  depends strongly on aspect (nose-on ~1 m², side-on tens of m²). Default 10 m²: an assumption
  of this tool (no public measurement retrieved), the value used in the missile catalog's layout
  example.
* **midcourse and reentry** (phases 1, 2): the reentry vehicle (RV), separated at the last burnout;
  a small cone built to be hard to see, seen mostly nose-on by a radar the missile flies toward.
  Open analyses of missile-defence radars work with X-band RCS of the order of 0.01-0.1 m² for an
  RV (Lewis & Postol 2012 [ref:lewis-postol-2012] state their RCS cases, e.g. 0.01 m², in the part of
  the page not retrieved). Default 0.05 m², an assumption inside that range; run the sensitivity
  with ``rcs_m2`` (a factor 10 in RCS is a factor 1.78 in detection range).

The spent final stage flies alongside the RV after separation and is a far larger target (a few m²,
estimated per missile in ``data/catalog/spent_stages.toml``): it is flown and detected as a second
object of the threat by :mod:`thaadsim.flight.spent_stage` and
:func:`thaadsim.analysis.detections.run_stage_detections`, not through this per-phase signature, which
stays the missile's own (booster, then RV). Debris and decoys are not modelled (on rocket-body debris
as a decoy see [ref:hankyoreh-postol-2016]).

A missile's catalog entry may override the defaults with a ``[signature]`` table
(``booster_rcs_m2``, ``rv_rcs_m2``; read from ``missile.meta["signature"]``), and a caller may
override both again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # annotations only
    from numpy.typing import ArrayLike

    from thaadsim.flight.vehicle import Missile

import numpy as np

from thaadsim.errors import ThaadsimError, require_positive

DEFAULT_BOOSTER_RCS_M2 = 10.0
DEFAULT_RV_RCS_M2 = 0.05
_ASSUMPTION_BOOSTER = "assumption: booster body at X-band, aspect-averaged, 10 m² (no public measurement retrieved)"
_ASSUMPTION_RV = ("assumption: RV at X-band, mostly nose-on, 0.05 m² (inside the 0.01-0.1 m² range open "
                  "analyses use; no public measurement retrieved)")

_SIGNATURE_KEYS = {"booster_rcs_m2", "rv_rcs_m2", "source", "estimate", "rcs_source"}


@dataclass(frozen=True)
class Signature:
    """RCS of the object a radar tracks in each flight phase, with where each number comes from."""

    booster_rcs_m2: float = DEFAULT_BOOSTER_RCS_M2
    rv_rcs_m2: float = DEFAULT_RV_RCS_M2
    booster_source: str = _ASSUMPTION_BOOSTER
    rv_source: str = _ASSUMPTION_RV

    def rcs_by_phase(self, phase: ArrayLike) -> np.ndarray:
        """RCS (m²) for an array of phase codes (0 boost, 1 midcourse, 2 reentry; NaN for padding).

        Parameters
        ----------
        phase : array_like of int
            Phase codes, as ``TrajectoryBatch.phase``.

        Returns
        -------
        numpy.ndarray
            RCS of each sample, m².
        """
        p = np.asarray(phase)
        out = np.full(p.shape, np.nan)
        out[p == 0] = self.booster_rcs_m2
        out[(p == 1) | (p == 2)] = self.rv_rcs_m2
        return out


def signature_for(missile: Missile | None = None, *, booster_rcs_m2: float | None = None,
                  rv_rcs_m2: float | None = None) -> Signature:
    """The signature of a missile: defaults, then its catalog ``[signature]`` table, then overrides.

    Parameters
    ----------
    missile : thaadsim.flight Missile or None
        Its ``meta["signature"]`` (if any) supplies ``booster_rcs_m2`` / ``rv_rcs_m2`` and optional
        ``source``/``estimate`` text.
    booster_rcs_m2, rv_rcs_m2 : float, optional
        Explicit overrides (e.g. from the CLI's ``--rcs-m2``).

    Returns
    -------
    Signature
        The booster's and the reentry vehicle's RCS (m²), each with where it came from.

    Raises
    ------
    ThaadsimError
        For an unknown key in the missile's ``[signature]`` table or a non-positive RCS.
    """
    sig = Signature()
    table = {}
    if missile is not None:
        table = dict(getattr(missile, "meta", {}).get("signature", {}) or {})
    mid = getattr(missile, "id", "missile")
    unknown = sorted(set(table) - _SIGNATURE_KEYS)
    if unknown:   # a misspelt key (rv_rcs = ...) would otherwise leave the default RCS in place silently
        raise ThaadsimError(f"{mid}: signature.{unknown[0]}", "unknown key",
                            f"valid keys: {', '.join(sorted(_SIGNATURE_KEYS))}")
    note = table.get("source") or table.get("estimate") or table.get("rcs_source")
    b, bs = sig.booster_rcs_m2, sig.booster_source
    r, rs = sig.rv_rcs_m2, sig.rv_source
    if "booster_rcs_m2" in table:
        b = require_positive(f"{mid}: signature.booster_rcs_m2", table["booster_rcs_m2"], " m²")
        bs = f"missile catalog ({mid}): {note}" if note else f"missile catalog ({mid})"
    if "rv_rcs_m2" in table:
        r = require_positive(f"{mid}: signature.rv_rcs_m2", table["rv_rcs_m2"], " m²")
        rs = f"missile catalog ({mid}): {note}" if note else f"missile catalog ({mid})"
    if booster_rcs_m2 is not None:
        b, bs = require_positive("booster_rcs_m2", booster_rcs_m2, " m²"), "user override"
    if rv_rcs_m2 is not None:
        r, rs = require_positive("rcs_m2", rv_rcs_m2, " m²"), "user override"
    return Signature(b, r, bs, rs)
