"""Write every output file of a scenario run, each atomically, into one directory.

=================  ==============================================================================
``summary.json``   every figure the report shows, the thaadsim version, the scenario's sha256
``report.html``    the self-contained interactive report (works offline)
``map.png``        static map: coastlines, borders, coverage, tracks, sites, intercepts
``events.jsonl``   the event log, one JSON object per line, in time order
``scenario.geojson`` / ``scenario.kml`` / ``scenario.czml``   GIS, Google Earth and Cesium exports
=================  ==============================================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

OUTPUT_FILES = ("summary.json", "report.html", "map.png", "events.jsonl", "scenario.geojson", "scenario.kml",
                "scenario.czml")


def write_outputs(result, out_dir, progress: Callable[[str, float], None] | None = None) -> dict[str, Path]:
    """Write all outputs of ``result`` (a ScenarioResult) into ``out_dir``; returns name -> path."""
    from thaadsim.io import atomic
    from thaadsim.io.exports import write_czml, write_geojson, write_kml
    from thaadsim.report.html import write_html
    from thaadsim.report.map_png import write_png

    progress = progress or (lambda _s, _f: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tracks, sites, areas = result.export_objects()
    name = result.plan.title or result.plan.name
    paths = {}
    steps = [
        ("summary.json", lambda p: atomic.write_json(p, result.summary())),
        ("events.jsonl", lambda p: atomic.write_jsonl(p, result.events)),
        ("scenario.geojson", lambda p: write_geojson(p, tracks, sites, areas)),
        ("scenario.kml", lambda p: write_kml(p, tracks, sites, areas, name=name)),
        ("scenario.czml", lambda p: write_czml(p, tracks, sites, areas, name=name)),
        ("map.png", lambda p: write_png(p, tracks, sites, areas, title=name)),
        ("report.html", lambda p: write_html(p, result.report_content())),
    ]
    for k, (fname, fn) in enumerate(steps):
        progress(f"writing {fname}", k / len(steps))
        paths[fname] = fn(out / fname)
    progress("written", 1.0)
    return paths
