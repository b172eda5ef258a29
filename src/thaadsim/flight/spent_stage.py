"""Spent final stages: the missile's own burnt-out upper stage, flown as a second ballistic object.

At the last burnout the reentry vehicle (RV) separates and the empty final stage flies on beside
it. In vacuum both follow the same Keplerian arc; in the atmosphere the light, bulky stage slows
far sooner than the dense RV. To a radar the stage is the larger target (metres of metal cylinder
against a small cone), so a radar that loses the RV at burnout may still hold the stage for
minutes. This module flies those stages; :mod:`thaadsim.analysis.detections` and the ``radar``
command detect them as a second object of the same threat. It models the missile's own hardware
only: no decoys, debris clouds or countermeasures.

Model
-----
* **Separation:** at the final stage's burnout (``batch.burnout_s``, the thrust cut-off) with the
  RV's state (no separation impulse: a real separation adds metres per second, which moves the two
  objects apart by kilometres over a midcourse; it does not change what a radar sees at hundreds
  of km).
* **Flight:** the engine's ballistic coast (:mod:`thaadsim.flight.kernel`: J2 gravity, rotating
  Earth, co-rotating USSA-76 atmosphere) with drag ``(rho |v_rel| / 2) v_rel / beta`` and the
  stage's own ballistic coefficient ``beta``: the same kernel call the RV's coast uses, started at
  the burnout time and state.
* **Numbers:** ``data/catalog/spent_stages.toml``, one entry per catalog missile, each value a
  labelled estimate made by :func:`estimate_spent_stage` from the catalog's final-stage diameter,
  dry and propellant masses (``tools/make_spent_stages.py`` writes the file):

  - length ``L = 1.4 · m_prop / (rho_prop · π a²)``: the propellant column at a bulk density of
    1,750 kg/m³ (composite solid) or 1,200 kg/m³ (storable liquids), plus 40 % for the nozzle or
    engine, domes and skirts;
  - the mean projected area of the tumbling cylinder, Cauchy's S/4 = (π a² + π a L)/2;
  - ``beta = m_dry / (C_D · S/4)`` with C_D = 1.0 (a tumbling bluff body at hypersonic speed,
    0.9-1.3 in the open literature: Regan 1984 [ref:regan-1984]);
  - RCS: the aspect average of an electrically large body in the optical region, also S/4: the
    broadside return of a cylinder, sigma = 2π a L² / λ (Knott et al. 2004 [ref:knott-2004];
    Mahafza 2000 [ref:mahafza-2000]), averaged over all aspects in physical optics gives
    π a L / 2, the side's quarter-area, and the ends add about their own quarter-area. At X band
    (λ = 3 cm) a 2 m stage is 200 wavelengths across, deep in the optical region, so the
    average does not depend on the frequency; at one aspect the RCS swings by orders of
    magnitude around it.

A missile whose warhead stays on its body (Scud-B/C, Iskander-M) has ``separates = false``: the
catalog's "RV" is then the whole missile and there is no second object.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from thaadsim.errors import ThaadsimError

if TYPE_CHECKING:   # annotations only: the engine loads when a stage is first flown
    from numpy.typing import ArrayLike

    from thaadsim.flight.engine import FlightOptions
    from thaadsim.flight.trajectory import TrajectoryBatch

#: bulk propellant densities used for the stage length (kg/m³), estimates: HTPB/AP composite solids
#: 1,750-1,800; NTO/UDMH or IRFNA/kerosene at their mixture ratios about 1,150-1,250
PROPELLANT_DENSITY_KGM3 = {"solid": 1750.0, "liquid": 1200.0}
#: length added to the propellant column for the nozzle or engine, domes and skirts (estimate)
LENGTH_FACTOR = 1.4
#: drag coefficient of a tumbling cylinder on its mean projected area (estimate)
TUMBLING_CD = 1.0

_KEYS = {"separates", "beta_kgm2", "rcs_m2", "estimate", "propellant", "length_m", "diameter_m", "dry_mass_kg",
         "propellant_mass_kg"}


@dataclass(frozen=True)
class SpentStage:
    """The spent final stage of one missile: ballistic coefficient, RCS, and how they were estimated.

    Parameters
    ----------
    missile_id : str
        The catalog missile the stage belongs to.
    separates : bool
        Whether the RV leaves the stage; ``False`` (Scud-B/C, Iskander-M): no second object.
    beta_kgm2 : float
        Ballistic coefficient of the tumbling stage, kg/m² (NaN when it does not separate).
    rcs_m2 : float
        Aspect-averaged radar cross section, m² (NaN when it does not separate).
    estimate : str
        How the figures were estimated, in words.
    inputs : dict
        The catalog figures the estimate started from (propellant kind, length, diameter, masses).
    """

    missile_id: str
    separates: bool
    beta_kgm2: float = float("nan")
    rcs_m2: float = float("nan")
    estimate: str = ""
    inputs: dict = field(default_factory=dict, compare=False)


def estimate_spent_stage(diameter_m: float, dry_mass_kg: float, propellant_mass_kg: float,
                         propellant: str) -> dict:
    """Length (m), ballistic coefficient (kg/m²) and aspect-averaged RCS (m²) of a spent stage.

    L = 1.4·m_prop/(ρ·π a²); S/4 = (π a² + π a L)/2; β = m_dry/(C_D·S/4), C_D = 1; σ = S/4
    (module notes give the reasoning and sources).

    Parameters
    ----------
    diameter_m : float
        Stage diameter, m (a = diameter / 2).
    dry_mass_kg : float
        Empty stage mass, kg.
    propellant_mass_kg : float
        Propellant the stage burnt, kg (sets the length).
    propellant : {"solid", "liquid"}
        Propellant kind, for the bulk density ``PROPELLANT_DENSITY_KGM3``.

    Returns
    -------
    dict
        ``{"length_m", "beta_kgm2", "rcs_m2"}``.

    Raises
    ------
    ThaadsimError
        For an unknown propellant kind.

    Notes
    -----
    Cauchy's theorem gives a convex body's mean projected area over all orientations as a quarter of
    its surface, S/4; drag coefficient C_D = 1 for a tumbling bluff body [ref:regan-1984]; the
    optical-region aspect average of the RCS is taken as the same quarter-area [ref:knott-2004,
    mahafza-2000].

    Examples
    --------
    >>> from thaadsim.flight.spent_stage import estimate_spent_stage
    >>> e = estimate_spent_stage(2.0, 1000.0, 0.0, "liquid")      # an empty 2 m disc: S/4 = π a²/2
    >>> round(e["rcs_m2"], 4), round(e["beta_kgm2"], 1)
    (1.5708, 636.6)
    """
    if propellant not in PROPELLANT_DENSITY_KGM3:
        raise ThaadsimError("propellant", f"{propellant!r} is not a propellant kind",
                            f"use one of {', '.join(PROPELLANT_DENSITY_KGM3)}")
    a = diameter_m / 2.0
    length = LENGTH_FACTOR * propellant_mass_kg / (PROPELLANT_DENSITY_KGM3[propellant] * math.pi * a * a)
    quarter_area = (math.pi * a * a + math.pi * a * length) / 2.0
    return {"length_m": length, "beta_kgm2": dry_mass_kg / (TUMBLING_CD * quarter_area), "rcs_m2": quarter_area}


def _data_path():
    return resources.files("thaadsim") / "data" / "catalog" / "spent_stages.toml"


@lru_cache(maxsize=None)
def _table() -> dict:
    raw = tomllib.loads(_data_path().read_text(encoding="utf-8"))
    return {k: v for k, v in raw.items() if isinstance(v, dict)}


def spent_stage_for(missile_id: str) -> SpentStage | None:
    """The :class:`SpentStage` of a catalog missile; None for a missile the file does not list
    (a user's own missile file), which then flies without a second object.

    Parameters
    ----------
    missile_id : str
        A catalog id, e.g. ``"hwasong-15"`` (case and surrounding blanks ignored).

    Returns
    -------
    SpentStage or None
        The entry of ``data/catalog/spent_stages.toml``, or ``None`` when it has none.

    Raises
    ------
    ThaadsimError
        For an entry with an unknown key or a ``beta_kgm2`` / ``rcs_m2`` out of bounds.
    """
    entry = _table().get(str(missile_id).strip().lower())
    if entry is None:
        return None
    origin = f"spent_stages.toml: {missile_id}"
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise ThaadsimError(f"{origin}.{unknown[0]}", "unknown key", f"valid keys: {', '.join(sorted(_KEYS))}")
    if not entry.get("separates", True):
        return SpentStage(str(missile_id), False, estimate=str(entry.get("estimate", "")))
    beta, rcs = entry.get("beta_kgm2"), entry.get("rcs_m2")
    for name, v, lo, hi in (("beta_kgm2", beta, 1.0, 1e5), ("rcs_m2", rcs, 1e-4, 1e4)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (lo <= v <= hi):
            raise ThaadsimError(f"{origin}.{name}", f"{v!r} is not a number in [{lo:g}, {hi:g}]",
                                "fix the data file (tools/make_spent_stages.py writes it)")
    inputs = {k: entry[k] for k in ("propellant", "length_m", "diameter_m", "dry_mass_kg", "propellant_mass_kg")
              if k in entry}
    return SpentStage(str(missile_id), True, float(beta), float(rcs), str(entry.get("estimate", "")), inputs)


def fly_spent_stages(batch: TrajectoryBatch, *, beta_kgm2: ArrayLike | None = None,
                     options: FlightOptions | None = None,
                     sample_dt_s: float | None = 2.0) -> tuple[TrajectoryBatch | None, np.ndarray]:
    """Fly the spent final stage of every row of ``batch`` whose missile separates its RV.

    Parameters
    ----------
    batch : TrajectoryBatch
        Flown missiles (``fly_targeted`` / ``fly_powered``), sampled: each row's burnout state is
        read from its sample at ``burnout_s``.
    beta_kgm2 : float or (N,) array, optional
        The stages' ballistic coefficients; default each missile's from ``spent_stages.toml``.
    options : FlightOptions, optional
        Earth model and switches; use the ones the batch was flown with (default: the engine's).
    sample_dt_s : float or None
        Output sampling of the stage flights, from each burnout.

    Returns
    -------
    (TrajectoryBatch, ndarray of int)
        The stage trajectories (times since the missile's launch, so they line up with the RV's)
        and, for each, the row of ``batch`` it belongs to. Rows without a separating stage, or
        that never burnt out, are left out; an empty selection gives ``(None, empty array)``.

    Raises
    ------
    ThaadsimError
        For a ``beta_kgm2`` that is not positive and finite.

    Notes
    -----
    The stage coasts under J2 gravity with drag a = -(ρ |v_rel| / 2β) v_rel through the co-rotating
    1976 standard atmosphere [ref:ussa-1976], from the RV's burnout state.
    """
    from thaadsim.flight import engine as E

    options = options or E.FlightOptions()
    n = len(batch)
    mids = [str(m) for m in np.asarray(batch.missile_id).ravel()]
    if beta_kgm2 is None:
        stages = [spent_stage_for(m) for m in mids]
        beta = np.array([s.beta_kgm2 if (s is not None and s.separates) else np.nan for s in stages])
    else:
        beta = np.broadcast_to(np.asarray(beta_kgm2, float), (n,)).copy()
        if np.any(~np.isfinite(beta) | (beta <= 0)):
            raise ThaadsimError("beta_kgm2", "must be positive and finite", "e.g. 200 kg/m² for a spent stage")
    t_b = np.asarray(batch.burnout_s, float)
    t = np.asarray(batch.t_s, float)
    with np.errstate(invalid="ignore"):
        gap = np.abs(t - t_b[:, None])
    col = np.argmin(np.where(np.isfinite(gap), gap, np.inf), axis=1)
    found = np.take_along_axis(np.nan_to_num(gap, nan=np.inf), col[:, None], 1)[:, 0] < 1e-6
    rows = np.flatnonzero(np.isfinite(beta) & np.isfinite(t_b) & found
                          & ~(np.asarray(batch.impact_s, float) <= t_b))
    if rows.size == 0:
        return None, rows
    c = col[rows]
    y0 = np.ascontiguousarray(np.concatenate([batch.r_eci_m[rows, c], batch.v_eci_ms[rows, c]], axis=1))
    m = rows.size
    params = np.zeros((m, 6))
    params[:, 0] = -1.0                 # no thrust: the coast branch of the kernel from the first step
    params[:, 5] = 1.0 / beta[rows]
    empty = np.zeros((m, 1))
    stage_pack = (empty, empty, empty, np.ones((m, 1)), empty, np.zeros(m, np.int64))
    cd_pack = (np.array([[0.0, 1.0]] * m), np.array([[0.0, 0.0]] * m), np.full(m, 2, np.int64))
    raw = E._run_kernel(y0, np.ascontiguousarray(t_b[rows]), np.ascontiguousarray(params), stage_pack, cd_pack,
                        np.zeros(m), options, sample_dt_s)
    stage_ids = np.array([f"{mids[i]} spent stage" for i in rows])
    out = E.build_batch(*raw, launch_lat_deg=np.asarray(batch.launch_lat_deg, float)[rows],
                        launch_lon_deg=np.asarray(batch.launch_lon_deg, float)[rows], missile_id=stage_ids,
                        model=options.model())
    return out, rows
