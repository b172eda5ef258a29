"""``thaadsim fly``: fly catalog or kinematic missiles and print their summary figures."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import click
import numpy as np

from thaadsim.cli._args import APOGEE_KM, AZIMUTH_DEG, Bounded, as_options, dumps, parse_latlon
from thaadsim.earth.constants import WGS84
from thaadsim.errors import ThaadsimError

MU_M3S2 = WGS84.mu_m3s2  # the sphere uses the same GM

JSON_KEYS = ("missile", "shape", "range_km", "apogee_km", "flight_time_s", "impact_lat", "impact_lon",
             "burnout_speed_kms", "burnout_angle_deg", "burnout_altitude_km", "max_speed_kms", "max_q_kpa")


#: at most this many aimpoints in --targets-csv: every one is a sampled flight held in memory at
#: once (the scenario file allows 10,000 missiles at 1 s sample spacing for the same reason)
MAX_TARGETS = 10_000


def _read_targets(path: str):
    p = Path(path)
    if not p.is_file():
        problem = "is a directory" if p.is_dir() else "not found"
        raise ThaadsimError("--targets-csv", f"{path} {problem}", "give a CSV file with columns lat,lon")
    try:
        # utf-8-sig: spreadsheets save CSV with a byte-order mark, which would glue itself to 'lat'
        with p.open(newline="", encoding="utf-8-sig") as fh:
            return _parse_targets(path, csv.DictReader(fh))
    except UnicodeDecodeError:
        raise ThaadsimError("--targets-csv", f"{path} is not UTF-8 text",
                            "save it as a plain UTF-8 CSV with a header lat,lon") from None


def _parse_targets(path, reader):
    cols = [c.strip().lower() for c in (reader.fieldnames or [])]
    if "lat" not in cols or "lon" not in cols:
        raise ThaadsimError("--targets-csv", f"{path} has columns {cols}", "it needs a header with lat,lon")
    lats, lons, lines, names = [], [], [], []
    for row in reader:
        line = reader.line_num          # the file's own line number (blank lines are skipped)
        row = {k.strip().lower(): v for k, v in row.items() if k}
        for key in ("lat", "lon"):
            if row.get(key) is None or not row[key].strip():
                raise ThaadsimError(f"--targets-csv {path} line {line}", f"has no {key} value",
                                    "give both lat and lon on every row")
        if len(lats) == MAX_TARGETS:
            raise ThaadsimError(f"--targets-csv {path} line {line}", f"more than {MAX_TARGETS:,} targets",
                                "split the file (each target is one flight held in memory)")
        lat, lon = parse_latlon(f"--targets-csv {path} line {line}", f"{row['lat']},{row['lon']}")
        lats.append(lat)
        lons.append(lon)
        lines.append(line)
        names.append((row.get("name") or "").strip() or None)   # an optional name column is carried through
    if not lats:
        raise ThaadsimError("--targets-csv", f"{path} has no rows", "add one target per line: lat,lon")
    return lats, lons, lines, names


# the library's argument names, as the options a user typed
_OPTION = {"apogee_km": "--apogee-km", "shape": "--shape", "missile": "--missile",
           "launch_lat_deg": "--from", "launch_lon_deg": "--from", "target_lat_deg": "--to", "target_lon_deg": "--to"}


def _in_user_terms(exc: ThaadsimError, targets_csv, lines) -> ThaadsimError:
    """Name a targeting error as the user knows it: the option, and the CSV line or --to."""
    field = _OPTION.get(exc.field, exc.field)
    problem = re.sub(r"^row \d+(: | )", "", exc.problem)
    if not exc.rows or (not lines and exc.field != "target"):
        return as_options(exc, _OPTION, problem)
    where = f"--targets-csv {targets_csv} line {lines[exc.rows[0]]}" if lines else "--to"
    return ThaadsimError(f"{where}: {field}" if exc.field != "target" else where, problem, exc.fix)


def _records(batch, shape):
    df = batch.summary()
    out = []
    for i, row in df.iterrows():
        rec = {
            "missile": row["missile_id"], "shape": shape, "range_km": row["range_km"], "apogee_km": row["apogee_km"],
            "flight_time_s": row["flight_time_s"], "impact_lat": row["impact_lat_deg"],
            "impact_lon": row["impact_lon_deg"], "burnout_speed_kms": row["burnout_speed_kms"],
            "burnout_angle_deg": row["burnout_angle_deg"], "burnout_altitude_km": row["burnout_altitude_km"],
            "max_speed_kms": row["max_speed_kms"], "burnout_time_s": row["burnout_s"],
            # peak dynamic pressure of the ascent (launch to burnout), kPa: 0 for a kinematic coast
            "max_q_kpa": row["max_q_kpa"] if "max_q_kpa" in df else None,
            # the phase events in flight order: the last burnout is when the RV separates
            "rv_separation_s": row["burnout_s"], "apogee_s": row["apogee_s"],
            "reentry_100km_s": row["reentry_100km_s"], "impact_s": row["impact_s"],
        }
        stage_cols = [c for c in df.columns if c.startswith("stage") and c.endswith("_burnout_s")]
        if stage_cols:
            rec["stage_burnout_s"] = [row[c] for c in stage_cols if row[c] == row[c]]
        if "target_lat_deg" in df:
            rec.update(target_lat=row["target_lat_deg"], target_lon=row["target_lon_deg"], miss_km=row["miss_km"])
        out.append(rec)
    return out


def _table(records) -> str:
    cols = [("target_name", "target", "{}")] if records and "target_name" in records[0] else []
    cols += [("missile", "missile", "{}"), ("shape", "shape", "{}"), ("range_km", "range km", "{:,.0f}"),
            ("apogee_km", "apogee km", "{:,.0f}"), ("flight_time_s", "time s", "{:,.0f}"),
            ("burnout_speed_kms", "v_bo km/s", "{:.2f}"), ("burnout_angle_deg", "gamma_bo deg", "{:.1f}"),
            ("burnout_altitude_km", "h_bo km", "{:.0f}"), ("impact_lat", "impact lat", "{:.3f}"),
            ("impact_lon", "impact lon", "{:.3f}")]
    if records and "miss_km" in records[0]:
        cols.append(("miss_km", "miss km", "{:.3f}"))
    rows = [[h for _, h, _ in cols]]
    for r in records:
        rows.append(["-" if r[k] is None or r[k] != r[k] else f.format(r[k]) for k, _, f in cols])
    widths = [max(len(row[i]) for row in rows) for i in range(len(cols))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows)


@click.command("fly")
@click.option("--missile", help="Catalog id (see `thaadsim catalog list`) or a missile TOML file.")
@click.option("--from", "from_", required=True, help="Launch point LAT,LON (degrees).")
@click.option("--to", help="Aimpoint LAT,LON (degrees).")
@click.option("--targets-csv", type=click.Path(), help="CSV of aimpoints with columns lat,lon: one trajectory each.")
@click.option("--shape", type=click.Choice(["min-energy", "lofted", "depressed"]),
              help="Trajectory shape for --missile flights.  [default: min-energy]")
@click.option("--apogee-km", type=APOGEE_KM, help="Requested apogee for lofted/depressed shapes.")
# (0, 20] km/s: escape speed is 11.2 km/s; _require_impact explains an arc that never lands
@click.option("--burnout-speed-kms", type=Bounded(0.0, 20.0, " km/s", lo_open=True), help="Kinematic missile: burnout speed relative to the ground.")
# a flight-path angle: from straight down (-90) to straight up (90)
@click.option("--burnout-angle-deg", type=Bounded(-90.0, 90.0, " deg"), help="Kinematic missile: flight-path angle at burnout.")
# [0, 1,000] km: missiles burn out below ~400 km; 1,000 km leaves room for notional boosts
@click.option("--burnout-altitude-km", type=Bounded(0.0, 1000.0, " km"), help="Kinematic missile: altitude at burnout.  [default: 0]")
@click.option("--azimuth-deg", type=AZIMUTH_DEG, help="Kinematic missile: heading at burnout, degrees from north.")
# (0, 1e6] kg/m²: re-entry vehicles are ~1e3-1e5 kg/m²; omit the option for no drag
@click.option("--beta-kgm2", type=Bounded(0.0, 1e6, " kg/m²", lo_open=True), help="Kinematic missile: ballistic coefficient (no drag if omitted).")
# (0, 100,000] kg: a bound on the number only; each missile's own span (catalog payload_kg_min/max) is checked after
@click.option("--payload-kg", type=Bounded(0.0, 1e5, " kg", lo_open=True),
              help="RV mass for --missile flights, within the missile's catalog span (where its published range band "
                   "comes from payload; see `thaadsim catalog show ID`).  [default: the catalog RV]")
@click.option("--earth", type=click.Choice(["wgs84", "sphere"]), default="wgs84", show_default=True)
@click.option("--no-rotation", is_flag=True, help="Non-rotating Earth.")
@click.option("--no-atmosphere", is_flag=True, help="Vacuum: no drag.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per trajectory.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Write altitude vs ground range to this PNG.")
def fly(missile, from_, to, targets_csv, shape, apogee_km, burnout_speed_kms, burnout_angle_deg,
        burnout_altitude_km, azimuth_deg, beta_kgm2, payload_kg, earth, no_rotation, no_atmosphere, as_json, plot):
    """Fly ballistic missiles: a catalog missile to an aimpoint (or a CSV of them), or a kinematic burnout state."""
    lat0, lon0 = parse_latlon("--from", from_)
    if plot:
        from thaadsim.io.outdir import claim_out_dir

        # an unwritable --plot is one line before the flight (it was a traceback after it); shared:
        # other one-file writers may use the folder at the same time, a run writing a set may not
        click.get_current_context().with_resource(
            claim_out_dir(Path(plot).parent, option="--plot", shared=True))
    kinematic = burnout_speed_kms is not None or burnout_angle_deg is not None
    # samples only when the plot draws them: the JSON and the table need the summary figures alone
    physics = dict(earth=earth, rotation=not no_rotation, atmosphere=not no_atmosphere,
                   sample_dt_s=2.0 if plot else None)
    if kinematic:
        for name, given in (("--missile", missile), ("--to", to), ("--targets-csv", targets_csv),
                            ("--shape", shape), ("--apogee-km", apogee_km), ("--payload-kg", payload_kg)):
            if given is not None:
                raise ThaadsimError(name, "does not apply to a kinematic flight (--burnout-speed-kms/--burnout-angle-deg)",
                                    f"drop {name}, or fly a catalog missile with --missile ID --to LAT,LON")
        for name, v in (("--burnout-speed-kms", burnout_speed_kms), ("--burnout-angle-deg", burnout_angle_deg),
                        ("--azimuth-deg", azimuth_deg)):
            if v is None:
                raise ThaadsimError(name, "is required for a kinematic flight", f"add {name} VALUE")
        from thaadsim.flight import fly_kinematic

        batch = fly_kinematic(burnout_speed_kms, burnout_angle_deg, azimuth_deg, lat0, lon0,
                              burnout_altitude_km or 0.0, beta_kgm2, **physics)
        _require_impact(batch, burnout_speed_kms)
        records = _records(batch, "kinematic")
    else:
        for name, given in (("--azimuth-deg", azimuth_deg), ("--beta-kgm2", beta_kgm2),
                            ("--burnout-altitude-km", burnout_altitude_km)):
            if given is not None:
                raise ThaadsimError(name, "applies to a kinematic flight only (it would be ignored here)",
                                    f"drop {name}, or give --burnout-speed-kms and --burnout-angle-deg instead of --missile")
        shape = shape or "min-energy"
        if not missile:
            raise ThaadsimError("--missile", "is required", "give a catalog id (thaadsim catalog list) or use "
                                "--burnout-speed-kms for a kinematic flight")
        if bool(to) == bool(targets_csv):
            raise ThaadsimError("--to", "give exactly one of --to LAT,LON or --targets-csv FILE",
                                "e.g. --to 38.9,-77.0")
        if to:
            lat1, lon1 = parse_latlon("--to", to)
            lats, lons, lines, names = [lat1], [lon1], None, [None]
        else:
            lats, lons, lines, names = _read_targets(targets_csv)
        from thaadsim.flight import fly_targeted
        from thaadsim.flight.catalog import with_payload

        if payload_kg is not None:
            try:
                missile = with_payload(missile, payload_kg)
            except ThaadsimError as exc:
                raise as_options(exc, {"payload_kg": "--payload-kg"}, exc.problem) from None
        try:
            batch = fly_targeted(missile, lat0, lon0, lats, lons, shape=shape, apogee_km=apogee_km, **physics)
        except ThaadsimError as exc:
            raise _in_user_terms(exc, targets_csv, lines) from None
        records = _records(batch, shape)
        if any(names):
            for rec, name in zip(records, names):
                rec["target_name"] = name
    if plot:
        _plot(batch, plot)
    if as_json:
        for r in records:
            click.echo(dumps(r))
    else:
        click.echo(_table(records))
        if plot:
            click.echo(f"plot written to {plot}")


def _require_impact(batch, speed_kms) -> None:
    """A kinematic burnout state that never comes down has no range, impact or flight time to report."""
    if np.isfinite(batch.impact_s[0]):
        return
    r = batch.r_eci_m[0, 0]
    v_inertial = float(np.linalg.norm(batch.v_eci_ms[0, 0])) / 1e3
    v_escape = float(np.sqrt(2.0 * MU_M3S2 / np.linalg.norm(r))) / 1e3
    from thaadsim.flight.engine import FlightOptions

    hours = FlightOptions().max_time_s / 3600.0
    what = ("escapes the Earth: it never comes down" if v_inertial >= v_escape else
            f"does not come down within {hours:g} h (an orbit, or an arc far higher than any missile's)")
    raise ThaadsimError("--burnout-speed-kms", f"{speed_kms:g} km/s {what} "
                        f"(inertial speed {v_inertial:.2f} km/s, escape speed there {v_escape:.2f} km/s)",
                        "give a lower burnout speed, a steeper angle or a lower burnout altitude")


def _plot(batch, path, labels=None, option="--plot"):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import io

    from thaadsim.io.atomic import write_bytes

    ax = batch.plot(labels=labels)
    ax.set_title("thaadsim: altitude vs ground range")
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(ax.figure)
    try:
        write_bytes(path, buf.getvalue())
    except OSError as exc:
        raise ThaadsimError(option, f"cannot write {str(path)!r} ({exc.strerror or exc})",
                            "give a path in a folder you can write to") from None
