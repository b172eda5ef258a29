"""Regenerate the worked studies' figures and the command outputs their pages quote.

Run from the repository root (about 2 minutes on two busy cores; the Seongju run and the footprint dominate)::

    python docs/studies/make_figures.py            # all figures, into docs/studies/figures/
    python docs/studies/make_figures.py --only loft   # one study: seongju or loft

Every figure is made from thaadsim's own commands, run here exactly as a user would type them
(``python -m thaadsim ...``), or from the public Python API they call. The command behind each
figure is printed, stored beside it in ``figures/<study>_commands.txt`` and quoted on the study page. Each
command's text output goes to ``figures/<name>.txt`` so that the pages' numbers can be checked
against a fresh run. Figures are written as small PNGs (100 dpi, palette-quantised) so the repository
stays light.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

HERE = Path(__file__).resolve().parent
FIGURES = HERE / "figures"
ROOT = HERE.parents[1]

SEONGJU = "35.95,128.18,680"        # the THAAD site, city-level point (README; examples/seongju.toml)
PYONGYANG = "39.0,125.7"            # launch area near Pyongyang
BUSAN = "35.1,129.0"
WASHINGTON = "38.9,-77.0"

# The 2017 lofted tests as published (the same figures and sources as tests/test_catalog_against_lofted_tests.py):
# (label, catalog missile, apogee km, ground range km, flight time min, analysts' boost-modelled range km or None)
LOFTED_TESTS = [
    ("Hwasong-12, 14 May 2017", "hwasong-12", 2111.5, 787.0, 30.0, None),
    ("Hwasong-14, 4 Jul 2017", "hwasong-14", 2802.0, 933.0, 38.0, None),
    ("Hwasong-14, 28 Jul 2017", "hwasong-14", 3724.9, 998.0, 47.2, 10400.0),   # UCS [ref:ucs-hwasong14-2017]
    ("Hwasong-15, 28 Nov 2017", "hwasong-15", 4475.0, 950.0, 53.0, 13000.0),   # UCS [ref:ucs-hwasong15-2017]
]

_log: list[str] = []


def thaadsim(*args: str, name: str | None = None) -> str:
    """Run ``thaadsim ARGS`` as a user would, record the command, and keep its text output."""
    cmd = [sys.executable, "-m", "thaadsim", *args]
    shown = "thaadsim " + " ".join(shlex.quote(a.replace(f"{ROOT}/", "")) for a in args)   # paths as typed
    print("$", shown, flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{shown} failed ({proc.returncode}):\n{proc.stderr}")
    _log.append(shown)
    if name:
        (FIGURES / f"{name}.txt").write_text(f"$ {shown}\n{proc.stdout.replace(f'{ROOT}/', '')}", "utf-8")
    return proc.stdout


def save_small(src: Path, dest_name: str, width_px: int = 900) -> None:
    """Copy a PNG thaadsim wrote, scaled to ``width_px`` and quantised to 128 colours."""
    image = Image.open(src).convert("RGB")
    if image.width > width_px:
        image = image.resize((width_px, round(image.height * width_px / image.width)), Image.LANCZOS)
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(FIGURES / dest_name, optimize=True)


def save_figure(fig, dest_name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / dest_name
        fig.savefig(raw, dpi=100, bbox_inches="tight")
        plt.close(fig)
        save_small(raw, dest_name)


# --- study 1: what could a THAAD battery at Seongju see and shoot? ---------------------------------------------

def threat_table(summary: dict) -> str:
    """One Markdown row per threat from the run's summary.json: flight, first detection, THAAD, raid P(kill)."""
    detections = {d["threat_id"]: d for d in summary["detections"]}
    thaad = {e["threat_id"]: e for e in summary["engagements"] if e["battery_id"].startswith("THAAD")}
    raid = {r["threat_id"]: r for r in summary["raid_per_threat"]}
    rows = ["| threat | shape | range km | apogee km | first seen s (alt km) | THAAD intercepts | "
            "P(kill) in the raid [95 %] |", "| --- | --- | ---: | ---: | --- | --- | --- |"]
    for t in summary["threats"]:
        tid = t["threat_id"]
        d, e, r = detections.get(tid, {}), thaad.get(tid, {}), raid.get(tid, {})
        seen = f"{d['first_detection_s']:.0f} ({d['first_detection_alt_km']:.0f})" if d.get("detected") else "not seen"
        shoot = (f"{e['earliest_intercept_s']:.0f}–{e['latest_intercept_s']:.0f} s, "
                 f"{e['intercept_alt_km_min']:.0f}–{e['intercept_alt_km_max']:.0f} km, {e['shots_possible']} shot{'s' if e['shots_possible'] != 1 else ''}"
                 if e.get("engageable") else "none: radar does not hold it where reachable"
                 if "radar" in str(e.get("not_engageable_reason", "")) else "none")
        pk = (f"{r['p_kill']:.3f} [{r['p_kill_ci95_lo']:.3f}–{r['p_kill_ci95_hi']:.3f}]" if r else "")
        rows.append(f"| {tid} | {t['shape']} | {t['range_km']:,.0f} | {t['apogee_km']:,.0f} | {seen} | {shoot} | {pk} |")
    return "\n".join(rows) + "\n"


def seongju(out: Path) -> None:
    # 1. the shipped example, as `make run` runs it
    thaadsim("run", "examples/seongju.toml", "--out", str(out / "seongju"), name="seongju_run")
    save_small(out / "seongju" / "map.png", "seongju_map.png")
    summary = json.loads((out / "seongju" / "summary.json").read_text("utf-8"))
    (FIGURES / "seongju_answers.txt").write_text("\n".join(summary["answers"]) + "\n", "utf-8")
    (FIGURES / "seongju_threats.md").write_text(threat_table(summary), "utf-8")

    # 2. the radar: what limits the TPY-2's range at Seongju, for RV cross sections from 0.001 to 1 m^2
    rcs = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
    rows = []
    for sigma in rcs:
        text = thaadsim("radar", "--radar", "tpy2-tm", "--at", SEONGJU, "--face-az-deg", "325",
                        "--rcs-m2", f"{sigma}", "--altitude-km", "300", "--json")
        rows.append(json.loads(text))
    header = f"{'RCS m²':>8} {'radar eq. km':>13} {'horizon km':>11} {'5° elev. km':>12} {'instr. km':>10} " \
             f"{'effective km':>13}  limited by"
    (FIGURES / "seongju_radar.txt").write_text(
        "$ thaadsim radar --radar tpy2-tm --at 35.95,128.18,680 --face-az-deg 325 --rcs-m2 X --altitude-km 300 --json\n"
        "  (one JSON object per X; its range fields, target at 300 km)\n" + header + "\n"
        + "\n".join(f"{s:>8g} {r['detection_range_km']:>13,.0f} {r['horizon_range_km']:>11,.0f} "
                    f"{r['elevation_limited_range_km']:>12,.0f} {r['instrumented_range_km']:>10,.0f} "
                    f"{r['effective_range_km']:>13,.0f}  {r['limited_by']}" for s, r in zip(rcs, rows)) + "\n",
        "utf-8")
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.loglog(rcs, [r["detection_range_km"] for r in rows], "o-", label="radar equation (track)")
    for key, style, label in (("horizon_range_km", "--", "refracted horizon (4/3 Earth)"),
                              ("elevation_limited_range_km", "-.", "5° minimum elevation"),
                              ("instrumented_range_km", ":", "instrumented range")):
        ax.axhline(rows[0][key], ls=style, color="0.35", lw=1)
        ax.text(rcs[0], rows[0][key] * 1.04, label, fontsize=8, color="0.25")
    ax.loglog(rcs, [r["effective_range_km"] for r in rows], "s-", color="C3", lw=2,
              label="effective range (smallest limit)")
    ax.set(xlabel="target radar cross section, m²", ylabel="slant range to a target at 300 km, km",
           title="AN/TPY-2 (terminal mode) at Seongju: what limits detection")
    ax.legend(loc="center right", fontsize=8)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_yticks([500, 700, 1000, 1500, 2000, 3000])
    ax.grid(True, which="both", alpha=0.3)
    save_figure(fig, "seongju_radar_limits.png")

    # 3. one engagement: a Nodong from near Pyongyang on Busan
    thaadsim("engage", "--battery", "thaad", "--at", "35.95,128.18", "--missile", "nodong", "--from", PYONGYANG,
             "--to", BUSAN, name="seongju_engage")

    # 4. the defended footprint against Nodongs from near Pyongyang
    fp = out / "footprint"
    thaadsim("footprint", "--battery", "thaad", "--at", SEONGJU, "--missile", "nodong", "--from", PYONGYANG,
             "--grid", "24", "--span-km", "700", "--workers", "1", "--out", str(fp), name="seongju_footprint")
    save_small(fp / "footprint.png", "seongju_footprint.png", width_px=760)


# --- study 2: what do the 2017 lofted tests imply? --------------------------------------------------------------

def lofted(out: Path) -> None:
    results = []
    for label, missile, apogee, rng, minutes, analysts in LOFTED_TESTS:
        for burnout_km in ("300", "0"):
            text = thaadsim("loft", "--apogee-km", f"{apogee}", "--range-km", f"{rng}", "--flight-time-min",
                            f"{minutes}", "--burnout-altitude-km", burnout_km, "--from", PYONGYANG, "--to",
                            WASHINGTON, "--json")
            results.append((label, burnout_km, json.loads(text)))
    thaadsim("loft", "--apogee-km", "4475", "--range-km", "950", "--flight-time-min", "53", "--from", PYONGYANG,
             "--to", WASHINGTON, name="loft_hwasong15")
    (FIGURES / "loft_results.json").write_text(json.dumps(
        [{"test": lab, "burnout_altitude_km": float(b), **r} for lab, b, r in results], indent=1, default=str),
        "utf-8")

    # the catalog's boost models: fly each over its lofted test and at minimum energy to its reach
    from thaadsim.flight import fly_targeted, load_missile, max_range_km
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    lat0, lon0 = (float(v) for v in PYONGYANG.split(","))
    fig, (ax_l, ax_r) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1, 1.3]},
                                     layout="constrained")
    lines, model_reach, model_rows = [], [], []
    for i, (label, missile, apogee, rng, minutes, analysts) in enumerate(LOFTED_TESTS):
        lon, lat, _ = geod.fwd(lon0, lat0, 95.0, rng * 1e3)   # eastward into the Sea of Japan, as the tests flew
        batch = fly_targeted(missile, lat0, lon0, [lat], [lon], shape="lofted", apogee_km=[apogee])
        s = batch.summary().iloc[0]
        df = batch.to_dataframe(0)
        ground = np.asarray(geod.inv(np.full(len(df), lon0), np.full(len(df), lat0), df["lon_deg"].to_numpy(),
                                     df["lat_deg"].to_numpy())[2]) / 1e3
        ax_l.plot(ground, df["alt_km"], color=f"C{i}", label=f"{label} (model)")
        ax_l.plot([rng / 2], [apogee], "x", color=f"C{i}", ms=9)
        reach = max_range_km(load_missile(missile))
        model_reach.append(reach)
        model_rows.append((s["flight_time_s"] / 60, reach, load_missile(missile).meta.get("published_range_km")))
        lines.append(f"{label}: catalog {missile} flown lofted to {rng:.0f} km at apogee {apogee:.0f} km: "
                     f"modelled apogee {s['apogee_km']:.0f} km, flight time {s['flight_time_s'] / 60:.1f} min "
                     f"(observed {minutes} min); the same model's minimum-energy reach {reach:,.0f} km "
                     f"(published {load_missile(missile).meta.get('published_range_km', 0):,} km)")
    ax_l.set(xlabel="ground range, km", ylabel="altitude, km", title="The tests, flown by the catalog's boost models")
    ax_l.legend(fontsize=7, loc="upper left")
    ax_l.set_ylim(0, 6300)
    ax_l.grid(alpha=0.3)
    (FIGURES / "loft_catalog_checks.txt").write_text("\n".join(lines) + "\n", "utf-8")
    by = {(lab, b): r for lab, b, r in results}
    table = ["| test | apogee km | range km | time min | v_bo km/s | boost s | Kepler km: 300 km / ground | "
             "rotating: east / west km | UCS km | model: min / reach km |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for (label, missile, apogee, rng, minutes, analysts), (t_model, reach, published) in zip(LOFTED_TESTS, model_rows):
        hi, lo = by[(label, "300")], by[(label, "0")]
        table.append(f"| {label} | {apogee:,.0f} | {rng:,.0f} | {minutes:.1f} | {hi['burnout_speed_kms']:.2f} | "
                     f"{hi['implied_boost_s']:.0f} | {hi['min_energy_range_km']:,.0f} / {lo['min_energy_range_km']:,.0f} | "
                     f"{hi['rotating']['eastward_range_km']:,.0f} / {hi['rotating']['westward_range_km']:,.0f} | "
                     f"{f'{analysts:,.0f}' if analysts else '–'} | {t_model:.1f} / {reach:,.0f} |")
    (FIGURES / "loft_table.md").write_text("\n".join(table) + "\n", "utf-8")
    # (v_bo, boost s and the rotating-Earth ranges are for burnout at 300 km; "model" is the catalog
    # missile flown lofted over the test: its flight time, and its minimum-energy reach)

    labels = [lab.replace(", ", "\n") for lab, *_ in LOFTED_TESTS]
    y = np.arange(len(labels))
    kep_300 = [r["min_energy_range_km"] for lab, b, r in results if b == "300"]
    kep_0 = [r["min_energy_range_km"] for lab, b, r in results if b == "0"]
    east = [r["rotating"]["eastward_range_km"] for lab, b, r in results if b == "300"]
    ax_r.barh(y + 0.2, kep_300, height=0.35, label="Kepler inversion, burnout at 300 km (lower bound)")
    ax_r.barh(y - 0.2, kep_0, height=0.35, label="Kepler inversion, burnout at the ground")
    analysts = [a for *_, a in LOFTED_TESTS]
    ax_r.plot([a if a else np.nan for a in analysts], y, "D", color="k", label="analysts with the boost modelled (UCS)")
    ax_r.plot(model_reach, y, "*", color="C2", ms=12, label="catalog boost model that flies the test: its reach")
    dist = results[0][2]["rotating"]["target_distance_km"]
    if dist:
        ax_r.axvline(dist, color="C3", ls="--", lw=1)
        ax_r.text(dist, len(labels) - 0.62, " Pyongyang–\n Washington", color="C3", fontsize=8, va="bottom")
    if east:
        ax_r.plot(east, y + 0.2, "|", color="0.2", ms=14, label="300 km burnout, eastward on the rotating Earth")
    ax_r.set_yticks(y, labels, fontsize=8)
    ax_r.set(xlabel="implied minimum-energy range, km", title="What each test implies", xlim=(0, 16500))
    ax_r.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax_r.grid(axis="x", alpha=0.3)
    save_figure(fig, "loft_tests.png")
    infer_figures()


# the published, boost-modelled range estimates for the same tests (tests/test_infer_against_published_estimates.py):
# CSIS ~4,500 [ref:csis-hwasong12-2017]; UCS ~6,700 [ref:taskandpurpose-hwasong14-2017], ~10,400
# [ref:ucs-hwasong14-2017], >13,000 [ref:ucs-hwasong15-2017]
PUBLISHED_KM = {"Hwasong-12, 14 May 2017": (4500.0, "about"), "Hwasong-14, 4 Jul 2017": (6700.0, "about"),
                "Hwasong-14, 28 Jul 2017": (10400.0, "about"), "Hwasong-15, 28 Nov 2017": (13000.0, "more than")}


def infer_figures() -> None:
    """``thaadsim infer`` on each test: the boost-modelled range and its band, beside the Keplerian lower
    bound and the published estimate (table ``infer_table.md``, figure ``infer_tests.png``)."""
    rows = []
    for label, _missile, apogee, rng, minutes, _ in LOFTED_TESTS:
        stages = "1" if label.startswith("Hwasong-12") else "2"
        text = thaadsim("infer", "--apogee-km", f"{apogee}", "--range-km", f"{rng}", "--flight-time-min",
                        f"{minutes}", "--stages", stages, "--json")
        rows.append((label, json.loads(text)))
    thaadsim("infer", "--apogee-km", "4475", "--range-km", "950", "--flight-time-min", "53", "--from", PYONGYANG,
             "--to", WASHINGTON, name="infer_hwasong15")
    table = ["| test | `loft` lower bound km | `infer` km (band) | published km | infer vs published |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for label, r in rows:
        pub, kind = PUBLISHED_KM[label]
        table.append(f"| {label} | {r['closed_form_lower_bound_km']:,.0f} | **{r['met_range_km']:,.0f}** "
                     f"({r['met_range_km_low']:,.0f}–{r['met_range_km_high']:,.0f}) | "
                     f"{'>' if kind == 'more than' else '~'}{pub:,.0f} | {100 * (r['met_range_km'] / pub - 1):+.1f} % |")
    (FIGURES / "infer_table.md").write_text("\n".join(table) + "\n", "utf-8")

    fig, ax = plt.subplots(figsize=(9, 3.8), layout="constrained")
    y = np.arange(len(rows))
    met = np.array([r["met_range_km"] for _, r in rows])
    lo = np.array([r["met_range_km_low"] for _, r in rows])
    hi = np.array([r["met_range_km_high"] for _, r in rows])
    ax.barh(y + 0.2, [r["closed_form_lower_bound_km"] for _, r in rows], height=0.35, color="C0",
            label="`loft`: Keplerian lower bound")
    ax.errorbar(met, y - 0.2, xerr=[met - lo, hi - met], fmt="o", color="C1", capsize=4,
                label="`infer`: boost-modelled fit, band over its assumptions")
    ax.plot([PUBLISHED_KM[lab][0] for lab, _ in rows], y, "D", color="k", label="published estimate")
    ax.set_yticks(y, [lab.replace(", ", "\n") for lab, _ in rows], fontsize=8)
    ax.set(xlabel="minimum-energy range, non-rotating Earth, km", title="What each 2017 test implies",
           xlim=(0, 21000))
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    save_figure(fig, "infer_tests.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["seongju", "loft"])
    parser.add_argument("--out", type=Path, default=Path("out/studies"),
                        help="where the runs write (default: out/studies, relative to the repository root)")
    args = parser.parse_args()
    FIGURES.mkdir(exist_ok=True)
    for study, make in (("seongju", seongju), ("loft", lofted)):
        if args.only in (None, study):
            _log.clear()
            make(ROOT / args.out)
            (FIGURES / f"{study}_commands.txt").write_text("\n".join(_log) + "\n", "utf-8")


if __name__ == "__main__":
    main()
