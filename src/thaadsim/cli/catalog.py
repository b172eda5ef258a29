"""``thaadsim catalog``: list and show catalog entries with their sources."""

from __future__ import annotations

import click

from thaadsim.cli._args import dumps
from thaadsim.errors import ThaadsimError


@click.group("catalog")
def catalog():
    """Catalog entries (missiles, radars, interceptors; every number with its source or calibration note)."""


@catalog.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json):
    """List the catalog missiles."""
    from thaadsim.flight.catalog import load_missile, missile_ids

    rows = []
    for mid in missile_ids():
        m = load_missile(mid)
        rows.append({"id": m.id, "name": m.name, "country": m.meta.get("country", ""),
                     "class": m.meta.get("class", ""), "stages": len(m.stages),
                     "published_range_km": m.meta.get("published_range_km"),
                     "range_km_low": m.meta.get("range_km_low"), "range_km_high": m.meta.get("range_km_high"),
                     "launch_mass_kg": round(m.launch_mass_kg, 1)})
    if as_json:
        for r in rows:
            click.echo(dumps(r))
        return
    wn = max([4] + [len(r["name"]) for r in rows])
    # "range km" is the nominal figure of the published band, in the catalog's convention (non-rotating)
    click.echo(f"{'id':<12} {'name':<{wn}} {'country':<8} {'class':<6} {'stages':>6} {'range km':>9} "
               f"{'band km':>13} {'mass t':>7}")
    for r in rows:
        rng = r["published_range_km"]
        band = f"{r['range_km_low']:,.0f}-{r['range_km_high']:,.0f}" if r.get("range_km_low") else "-"
        click.echo(f"{r['id']:<12} {r['name']:<{wn}} {r['country']:<8} {r['class']:<6} {r['stages']:>6} "
                   f"{(f'{rng:,.0f}' if rng else '-'):>9} {band:>13} {r['launch_mass_kg'] / 1e3:>7.1f}")
    click.echo("ranges: maximum ground range on a non-rotating Earth (see `thaadsim catalog show ID` for the "
               "rotating-Earth reach east, north and west)")


@catalog.command("show")
@click.argument("missile_id")
@click.option("--json", "as_json", is_flag=True)
def show(missile_id, as_json):
    """Show one missile, radar or interceptor with every number, its source and the full references cited."""
    import tomllib
    from importlib import resources

    from thaadsim.defense.interceptors import interceptor_ids, load_interceptor
    from thaadsim.flight.catalog import load_missile, missile_ids
    from thaadsim.references import references_for, render_text
    from thaadsim.sensors.radar import load_radar, radar_ids

    kind = "radars" if missile_id in radar_ids() else "interceptors" if missile_id in interceptor_ids() else None
    if kind:
        (load_radar if kind == "radars" else load_interceptor)(missile_id)   # refuses a number without provenance
        path = resources.files("thaadsim") / "data" / "catalog" / kind / f"{missile_id}.toml"
        data = tomllib.loads(path.read_text("utf-8"))   # the file's own words: value and source per number
    elif missile_id not in missile_ids():
        raise ThaadsimError("id", f"{missile_id!r} is not in the catalog",
                            f"use a missile ({', '.join(missile_ids())}), radar ({', '.join(radar_ids())}) "
                            f"or interceptor ({', '.join(interceptor_ids())})")
    else:
        m = load_missile(missile_id)
        data = dict(m.meta)
        data["launch_mass_kg"] = m.launch_mass_kg
        data["total_burn_time_s"] = m.total_burn_time_s
        data["ideal_delta_v_kms"] = m.ideal_delta_v_ms() / 1e3
        data.update(range_figures(m))
    refs = references_for(data)   # every [ref:KEY] the entry cites; an unknown key is a one-line error
    if as_json:
        click.echo(dumps({**data, "references": [r.as_dict() for r in refs]}))
        return
    for k, v in data.items():
        if k == "stages":
            for i, s in enumerate(v):
                click.echo(f"stage {i + 1}:")
                for kk, vv in s.items():
                    click.echo(f"    {kk:<22} {vv}")
        elif isinstance(v, dict):
            click.echo(f"{k}:")
            for kk, vv in v.items():
                click.echo(f"    {kk:<22} {vv}")
        else:
            click.echo(f"{k:<26} {v}")
    if refs:
        click.echo("references:")
        click.echo(render_text(refs))


#: crewed launch vehicles' peak ascent dynamic pressure (Shuttle, Saturn V), the only sourced figure found
REFERENCE_MAX_Q_KPA = (28.7, 33.8)


def ascent_max_q(m) -> dict:
    """Peak ascent dynamic pressure (kPa) of the range-maximising ascent, and of the steepest one.

    Both at full burn on a non-rotating Earth (the range convention's flight). The steepest ascent
    (a 0.5 deg kick: nearly vertical) is the floor any pitch programme can reach; above it only a
    lower thrust (longer burn or a throttle, as launch vehicles do [ref:nasa-sts107-maxq-2003])
    lowers q. Crewed launch vehicles peak at 29-34 kPa [ref:spacese-saturn-maxq]. With the class
    ceiling on (``FlightOptions.max_q_ceiling``, the default) both ascents throttle to stay under it.
    """
    from thaadsim.flight import fly_powered
    from thaadsim.flight.engine import FlightOptions
    from thaadsim.flight.targeting import shape_table

    opts = FlightOptions(rotation=False)
    kick = float(shape_table(m, opts).kick_opt(m.total_burn_time_s))
    b = fly_powered([m], [0, 0], 0.0, 0.0, 90.0, [kick, 0.5], options=opts, sample_dt_s=None)
    return {"max_q_range_maximising_ascent_kpa": round(float(b.max_q_kpa[0]), 1),
            "max_q_steepest_ascent_kpa": round(float(b.max_q_kpa[1]), 1),
            "max_q_reference_launch_vehicles_kpa": f"{REFERENCE_MAX_Q_KPA[0]:g}-{REFERENCE_MAX_Q_KPA[1]:g} "
                                                   "(Shuttle, Saturn V; thaadsim catalog refs spacese-saturn-maxq)",
            "max_q_ceiling_kpa": (f"{m.max_q_kpa:g} ({'on' if opts.max_q_ceiling else 'off'}; class "
                                  f"{m.meta.get('class', '?')}, a labelled estimate: thaadsim.flight.vehicle."
                                  "CLASS_MAX_Q_KPA)")}


def range_figures(m) -> dict:
    """The range convention, the model's figure in it, and the rotating-Earth reach east, north and west.

    ``model_max_range_nonrotating_km`` is what the calibration matches to ``range_km_nominal``; the
    ``rotating_max_range_*_km`` figures are the maximum ranges toward targets due east, north and west
    of the missile's home launch area (a regional point) on the rotating WGS84 Earth.
    """
    from thaadsim.flight.catalog import RANGE_CONVENTION
    from thaadsim.flight.targeting import max_range_km, max_range_on_azimuth_km

    out = {"range_convention": RANGE_CONVENTION, "model_max_range_nonrotating_km": round(max_range_km(m), 1)}
    out.update(ascent_max_q(m))
    lat, lon = m.meta.get("home_launch_lat_deg"), m.meta.get("home_launch_lon_deg")
    if lat is not None and lon is not None:
        east, north, west = max_range_on_azimuth_km(m, lat, lon, [90.0, 0.0, 270.0])
        out.update(rotating_max_range_east_km=round(float(east), 1), rotating_max_range_north_km=round(float(north), 1),
                   rotating_max_range_west_km=round(float(west), 1))
    return out


@catalog.command("refs")
@click.argument("keys", nargs=-1)
@click.option("--markdown", is_flag=True, help="Print the whole bibliography as Markdown (docs/references.md).")
@click.option("--json", "as_json", is_flag=True)
def refs(keys, markdown, as_json):
    """Print the bibliography (all entries, or the KEYS given); catalog sources cite it as [ref:KEY]."""
    from thaadsim.references import bibliography, render_markdown, render_text, resolve

    entries = resolve(keys) if keys else list(bibliography().values())
    if markdown:
        click.echo(render_markdown(entries), nl=False)
    elif as_json:
        for r in entries:
            click.echo(dumps(r.as_dict()))
    else:
        click.echo(render_text(entries))
