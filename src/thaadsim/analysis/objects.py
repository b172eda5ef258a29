"""The plain objects an analysis hands to the outputs: tracks, sites, areas, key figures, report content.

They hold data only (numbers, names, shapely polygons, DataFrames) and know nothing of files or
formats, so the analysis layer can build them without depending on the writers downstream
(:mod:`thaadsim.io.exports` for GeoJSON/KML/CZML, :mod:`thaadsim.report` for the HTML report and
the map), which import them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

__all__ = ["Track", "Site", "Area", "Figure", "ReportContent"]


@dataclass
class Track:
    """A trajectory in time. Arrays of equal length; NaN samples are dropped on export."""

    id: str
    name: str
    times_s: Sequence[float]
    lat_deg: Sequence[float]
    lon_deg: Sequence[float]
    alt_m: Sequence[float]
    kind: str = "threat"
    properties: dict[str, Any] = field(default_factory=dict)

    def arrays(self):
        t, la, lo, h = (np.asarray(a, dtype=float).ravel()
                        for a in (self.times_s, self.lat_deg, self.lon_deg, self.alt_m))
        if not (t.size == la.size == lo.size == h.size):
            from thaadsim.errors import ThaadsimError

            raise ThaadsimError(f"track {self.id}", "times_s, lat_deg, lon_deg, alt_m differ in length",
                                "give arrays of one length")
        ok = np.isfinite(t) & np.isfinite(la) & np.isfinite(lo) & np.isfinite(h)
        return t[ok], la[ok], lo[ok], h[ok]


@dataclass
class Site:
    """A point feature: radar, battery, intercept point, defended asset, launch area."""

    id: str
    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    kind: str = "site"
    time_s: float | None = None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class Area:
    """A polygon (shapely Polygon/MultiPolygon, x = lon_deg, y = lat_deg)."""

    id: str
    name: str
    geometry: Any
    kind: str = "area"
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class Figure:
    """A key figure: ``value`` in ``unit``, with a short note of what it is and where it comes from."""

    label: str
    value: Any
    unit: str = ""
    note: str = ""


@dataclass
class ReportContent:
    """Everything the report shows (plain data)."""

    title: str
    description: str = ""
    questions: list[str] = field(default_factory=list)   # what the scenario asks, shown above the answers
    #: parallel to questions: the linked view's answer line under each (None: a plain question)
    question_answers: list[str | None] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tracks: list[Track] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    #: long-form profile data: columns ``name``, ``kind``, ``ground_range_km``, ``alt_km``
    profiles: pd.DataFrame | None = None
    #: timeline: columns ``row`` (label of the bar's line), ``start_s``, ``end_s``, ``kind``, ``text``,
    #: optionally ``series`` (the radar or battery id: one legend entry each)
    timeline: pd.DataFrame | None = None
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    images: list[tuple[str, bytes]] = field(default_factory=list)   # (caption, PNG bytes), shown inline
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scenario_text: str = ""
    scenario_name: str = ""
    version: str = ""
    scenario_sha256: str = ""
