"""``thaadsim fly``: fly catalog or kinematic missiles and print their summary figures."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from thaadsim.cli._args import dumps, parse_latlon
from thaadsim.errors import ThaadsimError

JSON_KEYS = ("missile", "shape", "range_km", "apogee_km", "flight_time_s", "impact_lat", "impact_lon",
             "burnout_speed_kms", "burnout_angle_deg", "burnout_altitude_km", "max_speed_kms")


def _read_targets(path: str):
    p = Path(path)
    if not p.is_file():
        raise ThaadsimError("--targets-csv", f"{path} not found", "give a CSV file with columns lat,lon")
    with p.open(newline="") as fh:
        reader = csv.DictReader(fh)
        cols = [c.strip().lower() for c in (reader.fieldnames or [])]
        if "lat" not in cols or "lon" not in cols:
            raise ThaadsimError("--targets-csv", f"{path} has columns {cols}", "it needs a header with lat,lon")
        lats, lons = [], []
        for n, row in enumerate(reader, start=2):
            row = {k.strip().lower(): v for k, v in row.items() if k}
            lat, lon = parse_latlon(f"--targets-csv line {n}", f"{row['lat']},{row['lon']}")
            lats.append(lat)
            lons.append(lon)
    if not lats:
        raise ThaadsimError("--targets-csv", f"{path} has no rows", "add one target per line: lat,lon")
    return lats, lons


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
            "reentry_100km_s": row["reentry_100km_s"],
        }
        stage_cols = [c for c in df.columns if c.startswith("stage") and c.endswith("_burnout_s")]
        if stage_cols:
            rec["stage_burnout_s"] = [row[c] for c in stage_cols if row[c] == row[c]]
        if "target_lat_deg" in df:
            rec.update(target_lat=row["target_lat_deg"], target_lon=row["target_lon_deg"], miss_km=row["miss_km"])
        out.append(rec)
    return out


def _table(records) -> str:
    cols = [("missile", "missile", "{}"), ("shape", "shape", "{}"), ("range_km", "range km", "{:,.0f}"),
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
@click.option("--shape", type=click.Choice(["min-energy", "lofted", "depressed"]), default="min-energy",
              show_default=True)
@click.option("--apogee-km", type=float, help="Requested apogee for lofted/depressed shapes.")
@click.option("--burnout-speed-kms", type=float, help="Kinematic missile: burnout speed relative to the ground.")
@click.option("--burnout-angle-deg", type=float, help="Kinematic missile: flight-path angle at burnout.")
@click.option("--burnout-altitude-km", type=float, default=0.0, show_default=True)
@click.option("--azimuth-deg", type=float, help="Kinematic missile: heading at burnout, degrees from north.")
@click.option("--beta-kgm2", type=float, help="Kinematic missile: ballistic coefficient (no drag if omitted).")
@click.option("--earth", type=click.Choice(["wgs84", "sphere"]), default="wgs84", show_default=True)
@click.option("--no-rotation", is_flag=True, help="Non-rotating Earth.")
@click.option("--no-atmosphere", is_flag=True, help="Vacuum: no drag.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per trajectory.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Write altitude vs ground range to this PNG.")
def fly(missile, from_, to, targets_csv, shape, apogee_km, burnout_speed_kms, burnout_angle_deg,
        burnout_altitude_km, azimuth_deg, beta_kgm2, earth, no_rotation, no_atmosphere, as_json, plot):
    """Fly ballistic missiles: a catalog missile to an aimpoint (or a CSV of them), or a kinematic burnout state."""
    lat0, lon0 = parse_latlon("--from", from_)
    kinematic = burnout_speed_kms is not None or burnout_angle_deg is not None
    physics = dict(earth=earth, rotation=not no_rotation, atmosphere=not no_atmosphere)
    if kinematic:
        if missile or to or targets_csv:
            raise ThaadsimError("--burnout-speed-kms", "a kinematic flight takes no --missile/--to/--targets-csv",
                                "use either --missile with --to, or --burnout-speed-kms/--burnout-angle-deg/--azimuth-deg")
        for name, v in (("--burnout-speed-kms", burnout_speed_kms), ("--burnout-angle-deg", burnout_angle_deg),
                        ("--azimuth-deg", azimuth_deg)):
            if v is None:
                raise ThaadsimError(name, "is required for a kinematic flight", f"add {name} VALUE")
        from thaadsim.flight import fly_kinematic

        batch = fly_kinematic(burnout_speed_kms, burnout_angle_deg, azimuth_deg, lat0, lon0,
                              burnout_altitude_km, beta_kgm2, **physics)
        records = _records(batch, "kinematic")
    else:
        if not missile:
            raise ThaadsimError("--missile", "is required", "give a catalog id (thaadsim catalog list) or use "
                                "--burnout-speed-kms for a kinematic flight")
        if bool(to) == bool(targets_csv):
            raise ThaadsimError("--to", "give exactly one of --to LAT,LON or --targets-csv FILE",
                                "e.g. --to 38.9,-77.0")
        if to:
            lat1, lon1 = parse_latlon("--to", to)
            lats, lons = [lat1], [lon1]
        else:
            lats, lons = _read_targets(targets_csv)
        from thaadsim.flight import fly_targeted

        batch = fly_targeted(missile, lat0, lon0, lats, lons, shape=shape, apogee_km=apogee_km, **physics)
        records = _records(batch, shape)
    if plot:
        _plot(batch, plot)
    if as_json:
        for r in records:
            click.echo(dumps(r))
    else:
        click.echo(_table(records))
        if plot:
            click.echo(f"plot written to {plot}")


def _plot(batch, path, labels=None):
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
    write_bytes(path, buf.getvalue())
