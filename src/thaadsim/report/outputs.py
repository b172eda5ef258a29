"""Write every output file of a scenario run, each atomically, into one directory.

=================  ==============================================================================
``summary.json``   every figure the report shows, the thaadsim version, the scenario's sha256
``report.html``    the self-contained interactive report (works offline)
``map.png``        static map: coastlines, borders, coverage, tracks, sites, intercepts
``events.jsonl``   the event log, one JSON object per line, in time order
``scenario.geojson`` / ``scenario.kml`` / ``scenario.czml``   GIS, Google Earth and Cesium exports
``strategic.csv``  with ``[analysis.strategic]``: the launch-area x target table, and
``strategic.png``  its north-polar map
=================  ==============================================================================
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

OUTPUT_FILES = ("summary.json", "report.html", "map.png", "events.jsonl", "scenario.geojson", "scenario.kml",
                "scenario.czml")


def write_outputs(result, out_dir, progress: Callable[[str, float], None] | None = None) -> dict[str, Path]:
    """Write all outputs of ``result`` (a ScenarioResult) into ``out_dir``; returns name -> path.

    Every file is rendered in memory first and then written as one set
    (:func:`thaadsim.io.atomic.write_many`): if rendering or writing fails, the directory keeps
    the previous run's files, all of them, and no new one.
    """
    from thaadsim.io import atomic
    from thaadsim.io.exports import to_czml, to_geojson, to_kml
    from thaadsim.report.html import build_html
    from thaadsim.report.map_png import render_png

    progress = progress or (lambda _s, _f: None)
    out = Path(out_dir)
    tracks, sites, areas = result.export_objects()
    # map.png draws what the report's map draws (for a large raid a thinned sample of the tracks)
    map_objects = result.map_objects() if hasattr(result, "map_objects") else (tracks, sites, areas)
    name = result.plan.title or result.plan.name
    steps = [
        ("summary.json", lambda: atomic.json_text(result.summary())),
        ("events.jsonl", lambda: atomic.jsonl_text(result.events)),
        ("scenario.geojson", lambda: json.dumps(to_geojson(tracks, sites, areas), separators=(",", ":"),
                                                allow_nan=False) + "\n"),
        ("scenario.kml", lambda: to_kml(tracks, sites, areas, name=name)),
        ("scenario.czml", lambda: to_czml(tracks, sites, areas, name=name)),
        ("map.png", lambda: render_png(*map_objects, title=name)),
        ("report.html", lambda: build_html(result.report_content())),
    ]
    if getattr(result, "strategic", None) is not None:
        steps += [("strategic.csv", lambda: result.strategic["table"].to_csv(index=False)),
                  ("strategic.png", result.strategic_png)]
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
