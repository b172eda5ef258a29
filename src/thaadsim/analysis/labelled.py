"""A scenario run in labelled forms: one xarray Dataset, one long DataFrame, one HTML summary.

:meth:`ScenarioResult.to_xarray` gathers what the run's tables hold on named dimensions —
``threat`` (the scenario's threat ids), ``sample`` (the trajectory samples), ``radar`` and
``battery`` — with CF ``units`` and ``long_name`` on every variable (the conventions of
:meth:`TrajectoryBatch.to_xarray`, CF-1.8: ``degrees_north``, ``km s-1``, ``1`` for counts and
probabilities), so it writes to NetCDF as it is and ``ds.alt_km.plot.line(x="t_s", hue="threat")``
draws every trajectory. :meth:`ScenarioResult.to_long_dataframe` is every sample of every threat, one
row each, with the scenario clock beside the time since launch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# the samples carried from TrajectoryBatch.to_xarray (its summary figures come from the threats table instead)
SAMPLE_VARIABLES = ("t_s", "lat_deg", "lon_deg", "alt_km", "speed_kms", "phase", "n_samples")

LONG_NAMES = {
    "launch_time_s": "launch time on the scenario clock",
    "range_km": "ground range launch point to impact",
    "apogee_km": "apogee altitude",
    "flight_time_s": "launch to impact",
    "burnout_speed_kms": "Earth-relative speed at burnout",
    "max_speed_kms": "largest Earth-relative speed",
    "impact_lat_deg": "impact latitude",
    "impact_lon_deg": "impact longitude",
    "miss_km": "impact to aimpoint distance",
    "impact_scenario_s": "impact time on the scenario clock",
    "detected": "the radar detects the threat",
    "first_detection_s": "first detection, time since launch",
    "first_detection_alt_km": "threat altitude at first detection",
    "first_detection_range_km": "slant range at first detection",
    "last_detection_s": "last detection, time since launch",
    "track_time_s": "time the radar holds the threat in track",
    "engageable": "the battery can engage the threat",
    "earliest_launch_s": "earliest interceptor launch, time since threat launch",
    "earliest_intercept_s": "earliest intercept, time since threat launch",
    "latest_intercept_s": "latest intercept, time since threat launch",
    "fly_out_time_s": "interceptor fly-out time",
    "closing_speed_kms": "closing speed at intercept",
    "shots_possible": "shoot-look-shoot opportunities",
    "p_kill": "probability the threat is killed (Monte Carlo)",
    "p_kill_ci95_lo": "95 % Wilson interval of p_kill, lower end",
    "p_kill_ci95_hi": "95 % Wilson interval of p_kill, upper end",
    "mean_shots": "interceptors fired at the threat, mean per run",
}


def cf_units(name: str, dtype=None) -> str:
    """The CF ``units`` string a thaadsim column name implies by its suffix (``_km`` -> ``km``,
    ``_kms`` -> ``km s-1``, ``_lat_deg`` -> ``degrees_north`` ...); ``1`` for flags, counts, probabilities."""
    if dtype is not None and np.dtype(dtype) == bool:
        return "1"
    for suffix, units in (("lat_deg", "degrees_north"), ("lon_deg", "degrees_east"), ("_deg", "degree"),
                          ("_km2", "km2"), ("_kms", "km s-1"), ("_km", "km"), ("_m2", "m2"), ("_s", "s"),
                          ("_m", "m")):
        if name.endswith(suffix):
            return units
    return "1"


def _attrs(name: str, values) -> dict:
    return {"units": cf_units(name, getattr(values, "dtype", None)),
            "long_name": LONG_NAMES.get(name, name.replace("_", " "))}


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series)


def _pairs(df: pd.DataFrame, key: str, threats: list[str], others: list[str], dims: tuple[str, str]) -> dict:
    """Each numeric column of a (threat, other) table as a 2-D variable; missing pairs are NaN (False for flags)."""
    import xarray as xr

    out = {}
    if df is None or not len(df):
        return out
    ti = {t: i for i, t in enumerate(threats)}
    oi = {o: j for j, o in enumerate(others)}
    rows = np.array([ti[t] for t in df["threat_id"]])
    cols = np.array([oi[o] for o in df[key]])
    for c in df.columns:
        if c in ("threat_id", key, "missile_id") or not _is_numeric(df[c]):
            continue
        v = df[c].to_numpy()
        grid = np.zeros((len(threats), len(others)), bool) if v.dtype == bool else np.full((len(threats), len(others)), np.nan)
        grid[rows, cols] = v
        out[c] = xr.Variable(dims, grid, _attrs(c, v))
    if "not_engageable_reason" in df:
        grid = np.full((len(threats), len(others)), "", dtype=object)
        grid[rows, cols] = df["not_engageable_reason"].fillna("").astype(str).to_numpy()
        out["not_engageable_reason"] = xr.Variable(dims, grid.astype(str), {"long_name": "why the battery cannot engage"})
    return out


def scenario_dataset(result):
    """The run as an :class:`xarray.Dataset` (see the module docstring for the layout)."""
    import xarray as xr

    import thaadsim

    plan = result.plan
    th = result.threats
    threats = [str(t) for t in th["threat_id"]]
    data: dict = {}
    coords: dict = {"threat": threats}
    for c in th.columns:
        if c == "threat_id":
            continue
        if _is_numeric(th[c]):
            data[c] = xr.Variable(("threat",), th[c].to_numpy(float), _attrs(c, th[c].to_numpy(float)))
        else:
            coords[c] = ("threat", th[c].astype(str).to_numpy())
    if result.batch is not None:
        traj = result.batch.to_xarray()[list(SAMPLE_VARIABLES)].rename({"trajectory": "threat"})
        for name in SAMPLE_VARIABLES:
            data[name] = traj[name].variable
        coords["sample"] = np.arange(result.batch.t_s.shape[1])
    radars = [str(getattr(r, "id", r)) for r in plan.radars]
    batteries = [str(getattr(b, "id", b)) for b in (getattr(plan, "batteries", None) or [])]
    if result.detections is not None and len(result.detections):
        radars = list(dict.fromkeys([*radars, *result.detections["radar_id"]]))
        data.update({f"{k}": v for k, v in _pairs(result.detections, "radar_id", threats, radars,
                                                  ("threat", "radar")).items()})
    if result.engagements is not None and len(result.engagements):
        batteries = list(dict.fromkeys([*batteries, *result.engagements["battery_id"]]))
        eng = _pairs(result.engagements, "battery_id", threats, batteries, ("threat", "battery"))
        # detections and engagements both have a detection time: keep both, named by their table
        data.update({(f"engagement_{k}" if k in data else k): v for k, v in eng.items()})
    if radars:
        coords["radar"] = [str(r) for r in radars]
    if batteries:
        coords["battery"] = [str(b) for b in batteries]
    if result.raid_table is not None and len(result.raid_table):
        rt = result.raid_table.set_index("threat_id").reindex(threats)
        for c in ("p_kill", "p_kill_ci95_lo", "p_kill_ci95_hi", "mean_shots"):
            if c in rt:
                data[c] = xr.Variable(("threat",), rt[c].to_numpy(float), _attrs(c, rt[c].to_numpy(float)))
    if result.raid_summary:
        r = result.raid_summary
        for key, long in (("p_no_leaker", "probability that no threat leaks (Monte Carlo)"),
                          ("expected_leakers", "expected number of leakers"),
                          ("expected_leakers_se", "standard error of expected_leakers"),
                          ("interceptors_expended_mean", "interceptors expended per run, mean"),
                          ("interceptors_expended_mean_se", "standard error of interceptors_expended_mean")):
            if r.get(key) is not None:
                data[key] = xr.Variable((), float(r[key]), {"units": "1", "long_name": long})
        ci = r.get("p_no_leaker_ci95")
        if ci:
            data["p_no_leaker_ci95"] = xr.Variable(("bound",), np.asarray(ci, float),
                                                   {"units": "1", "long_name": "95 % Wilson interval of p_no_leaker"})
            coords["bound"] = ["lower", "upper"]
    attrs = {"title": plan.title or plan.name, "scenario": plan.name, "scenario_sha256": plan.scenario_sha256 or "",
             "seed": int(plan.seed) if plan.seed is not None else -1, "thaadsim_version": thaadsim.__version__,
             "Conventions": "CF-1.8",
             "source": "thaadsim: public physics and public figures (see each catalog entry's sources)"}
    if result.raid_summary:
        attrs["montecarlo_runs"] = int(result.raid_summary["runs"])
    return xr.Dataset(data, coords=coords, attrs=attrs)


def scenario_long_frame(result) -> pd.DataFrame:
    """Every sample of every threat's trajectory, one row each: the threat's id, missile and target,
    time since launch and on the scenario clock, position, altitude, speed and flight phase."""
    if result.batch is None:
        return pd.DataFrame(columns=["threat_id", "missile_id", "target", "t_s", "t_scenario_s", "lat_deg",
                                     "lon_deg", "alt_km", "speed_kms", "phase"])
    long = result.batch.to_long_dataframe()
    th = result.threats
    row = long.pop("trajectory").to_numpy()
    long.insert(0, "threat_id", th["threat_id"].to_numpy()[row])
    long.insert(2, "target", th["target"].to_numpy()[row])
    launch = th["launch_time_s"].to_numpy(float)[row]
    long.insert(long.columns.get_loc("t_s") + 1, "t_scenario_s", launch + long["t_s"].to_numpy())
    return long


def scenario_html(result) -> str:
    """The key answers and figures, then the threats table, as compact HTML (no JavaScript)."""
    from thaadsim.html_repr import block, figures_table, rows_table

    plan = result.plan
    figs = figures_table((f.label, f.value, f.unit, f.note) for f in result.figures)
    parts = [figs]
    th = result.threats
    if th is not None and len(th):
        cols = [c for c in ("threat_id", "missile_id", "shape", "target", "range_km", "apogee_km", "flight_time_s")
                if c in th]
        extra = []
        if result.raid_table is not None and len(result.raid_table):
            pk = result.raid_table.set_index("threat_id")["p_kill"].reindex(th["threat_id"]).to_numpy()
            extra = [("p_kill", pk)]
        values = [th[c].to_numpy() for c in cols] + [v for _, v in extra]
        parts.append(rows_table(cols + [n for n, _ in extra], zip(*values), limit=12, total=len(th)))
    n = len(plan.threats)
    title = (f"{plan.title or plan.name}: {n} threat{'s' if n != 1 else ''}, {len(plan.radars)} radars, "
             f"{len(plan.batteries)} batteries")
    return block(title, *parts, lines=[f"asks: {q}" for q in plan.questions] + list(result.answers))
