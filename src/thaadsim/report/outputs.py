"""Write every output file of a scenario run, each atomically, into one directory.

=================  ==============================================================================
``summary.json``   every figure the report shows, the thaadsim version, the scenario's sha256
``report.html``    the self-contained interactive report (works offline)
``map.png``        static map: coastlines, borders, coverage, tracks, sites, intercepts
``events.jsonl``   the event log, one JSON object per line, in time order
``scenario.geojson`` / ``scenario.kml`` / ``scenario.czml``   GIS, Google Earth and Cesium exports
``scenario.kmz``     the KML with its icons in one file (what Google Earth should open)
``strategic.csv``  with ``[analysis.strategic]``: the launch-area x target table, and
``strategic.png``  its north-polar map
``map.svg`` ...    with ``figure_formats`` (``[outputs]`` or ``--figure-format``): the static maps
                   as SVG / PDF too (vector, text kept as text)
=================  ==============================================================================
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

OUTPUT_FILES = ("summary.json", "report.html", "map.png", "events.jsonl", "scenario.geojson", "scenario.kml",
                "scenario.kmz", "scenario.czml")

if TYPE_CHECKING:   # annotations only
    import os

    from thaadsim.analysis.result import ScenarioResult


def write_outputs(result: ScenarioResult, out_dir: str | os.PathLike[str],
                  progress: Callable[[str, float], None] | None = None,
                  figure_formats: Sequence[str] = ("png",)) -> dict[str, Path]:
    """Write all outputs of ``result`` (a ScenarioResult) into ``out_dir``; returns name -> path.

    ``figure_formats`` beyond "png" (``"svg"``, ``"pdf"``) add map.svg / map.pdf (and
    strategic.svg / strategic.pdf with a strategic table): vector copies of the static maps.

    Every file is rendered in memory first and then written as one set
    (:func:`thaadsim.io.atomic.write_many`): if rendering or writing fails, the directory keeps
    the previous run's files, all of them, and no new one.

    Parameters
    ----------
    result : ScenarioResult
        A finished run (``thaadsim.load_scenario(path).run()``).
    out_dir : str or path-like
        The output directory (created if needed).
    progress : callable or None
        Called as ``progress(step_name, fraction_done)`` while rendering.
    figure_formats : sequence of str
        ``"png"`` and any of ``"svg"``, ``"pdf"``.

    Returns
    -------
    dict of str to Path
        Output name -> the written file.
    """
    from thaadsim.io import atomic
    from thaadsim.io.exports import DEFAULT_EPOCH, to_czml, to_geojson, to_kml, to_kmz
    from thaadsim.report.html import build_html
    from thaadsim.report.map_png import FIGURE_FORMATS, render_png

    progress = progress or (lambda _s, _f: None)
    out = Path(out_dir)
    tracks, sites, areas = result.export_objects()
    # map.png draws what the report's map draws (for a large raid a thinned sample of the tracks)
    map_objects = result.map_objects() if hasattr(result, "map_objects") else (tracks, sites, areas)
    name = result.plan.title or result.plan.name
    epoch = getattr(result.plan, "epoch", None) or DEFAULT_EPOCH
    steps = [
        ("summary.json", lambda: atomic.json_text(result.summary())),
        ("events.jsonl", lambda: atomic.jsonl_text(result.events)),
        ("scenario.geojson", lambda: json.dumps(to_geojson(tracks, sites, areas), separators=(",", ":"),
                                                allow_nan=False) + "\n"),
        # the raid clock's t = 0 is the scenario's epoch; the KMZ carries its icons, the lone KML tints markers
        ("scenario.kml", lambda: to_kml(tracks, sites, areas, name=name, epoch=epoch, icon_dir=None)),
        ("scenario.kmz", lambda: to_kmz(tracks, sites, areas, name=name, epoch=epoch)),
        ("scenario.czml", lambda: to_czml(tracks, sites, areas, name=name, epoch=epoch)),
        ("map.png", lambda: render_png(*map_objects, title=name)),
        ("report.html", lambda: build_html(result.report_content())),
    ]
    extra = [f for f in dict.fromkeys(figure_formats) if f != "png"]
    for fmt in extra:
        if fmt not in FIGURE_FORMATS:
            from thaadsim.errors import ThaadsimError

            raise ThaadsimError("figure_formats", f"{fmt!r} is not one of {', '.join(FIGURE_FORMATS)}",
                                "use png, svg or pdf")
        steps.append((f"map.{fmt}", lambda fmt=fmt: render_png(*map_objects, title=name, fmt=fmt)))
    if getattr(result, "strategic", None) is not None:
        from thaadsim.report.strategic_map import strategic_bytes

        steps += [("strategic.csv", lambda: result.strategic["table"].to_csv(index=False)),
                  ("strategic.png", result.strategic_png)]
        steps += [(f"strategic.{fmt}", lambda fmt=fmt: strategic_bytes(result.strategic["table"],
                                                                        result.strategic["site"], fmt))
                  for fmt in extra]
    data = {}
    from thaadsim.io.atomic import _fault_point

    for k, (fname, fn) in enumerate(steps):
        progress(f"rendering {fname}", k / (len(steps) + 1))
        data[fname] = fn()
        if k == 0:
            _fault_point("rendering")
    progress("writing files", len(steps) / (len(steps) + 1))
    out.mkdir(parents=True, exist_ok=True)
    written = atomic.write_many({out / f: d for f, d in data.items()})
    progress("written", 1.0)
    return {f: written[out / f] for f in data}
