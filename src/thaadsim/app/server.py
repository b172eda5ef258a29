"""The app's web server: Starlette routes over one :class:`~thaadsim.app.session.AppSession`.

Why Starlette (served by uvicorn): the page needs a handful of JSON routes and static files, and
the map is drawn with plotly.js, which the installed ``plotly`` package already ships (offline).
Starlette is a small, established ASGI framework (the base of FastAPI) with no front-end of its
own to download or to keep in step with; Panel/Bokeh would bring a second plotting stack and a
websocket protocol for what a few ``fetch`` calls do. Nothing is fetched from the network: the
page, its script, plotly.js and the map outlines (``thaadsim/data/maps``) are all served from the
package.

Routes (JSON unless stated; every error is ``{"error": "<one line>"}`` with status 400):

* ``GET /`` the page; ``GET /static/{app.js,app.css,plotly.min.js}``; ``GET /map.geojson``;
* ``GET /api/layout`` the editable layout; ``GET /api/answers`` the answers (``status`` ``ready``,
  ``flying`` while new threats fly, or ``error``);
* ``POST /api/change`` ``{"changes": [{"path": "batteries.0.lat_deg", "value": 36.2}, ...]}``;
* ``POST /api/threats/add`` ``{"threat": {...}}``, ``POST /api/threats/remove`` ``{"index": 3}``;
* ``POST /api/save`` ``{"name": "my_layout"}`` -> ``{"path", "toml"}``;
* ``POST /api/footprint`` starts the defended footprints of the current layout; ``GET
  /api/footprint`` their state and polygons (with the layout ``revision`` they are of);
* ``POST /api/strategic`` starts the strategic table of the current layout (``[analysis.strategic]``);
  ``GET /api/strategic`` its state, answer line and fractions (with the layout ``revision``);
* ``POST /api/report`` starts the full report; ``GET /api/report`` its state and link;
  ``GET /reports/<n>/report.html`` the written report.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import traceback
from importlib import resources
from pathlib import Path

from thaadsim.app.session import AppSession
from thaadsim.errors import ThaadsimError

#: the page's own files, shipped in the package's data (packaged with the catalog and the maps)
STATIC_DIR = resources.files("thaadsim") / "data" / "app"
#: request bodies above this are refused (a change is a few hundred bytes)
MAX_BODY_BYTES = 64 * 1024


def plotly_js_path() -> Path:
    """plotly.js as shipped inside the installed ``plotly`` Python package (no CDN)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise ThaadsimError("plotly", f"the plotly package has no {path.name}", "reinstall plotly (pip install plotly)")
    return path


def map_outline_path(session: AppSession) -> Path:
    """The shipped outlines covering the scenario: East Asia at 1:50m when every site is in its box
    (90–160 E, 0–60 N), else the world at 1:110m."""
    lay = session.layout()
    pts = [(p["lat_deg"], p["lon_deg"]) for k in ("radars", "batteries", "assets", "launch_areas") for p in lay[k]]
    maps = resources.files("thaadsim") / "data" / "maps"
    inside = all(0 <= la <= 60 and 90 <= lo <= 160 for la, lo in pts)
    return Path(str(maps / ("east_asia_50m.geojson" if inside else "world_110m.geojson")))


def create_app(session: AppSession, save_dir, report_dir):
    """The Starlette application serving ``session``; saves go to ``save_dir``, reports to
    ``report_dir/<n>/``."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import FileResponse, JSONResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from thaadsim.io.atomic import json_text

    save_dir, report_dir = Path(save_dir), Path(report_dir)
    compute_lock = threading.Lock()           # one recomputation at a time: 2 cores, and ordered answers
    reports = {"state": "idle", "url": None, "error": None}
    footprints = {"state": "idle", "result": None, "error": None}
    strategic = {"state": "idle", "result": None, "error": None}
    report_numbers = itertools.count(1)

    def ok(obj) -> Response:
        return Response(json_text(obj, indent=None), media_type="application/json")

    def user_error(exc: ThaadsimError) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=400)

    async def body(request: Request) -> dict:
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            raise ThaadsimError("request", f"{len(raw):,} bytes is above {MAX_BODY_BYTES:,}", "send one change at a time")
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            raise ThaadsimError("request", "is not JSON", "send a JSON object") from None
        if not isinstance(data, dict):
            raise ThaadsimError("request", "is not a JSON object", "send {\"changes\": [...]}")
        return data

    def guarded(handler):
        async def run(request):
            try:
                return await handler(request)
            except ThaadsimError as exc:
                return user_error(exc)
            except Exception as exc:   # a bug, not a user mistake: one line in the page, the trace on the console
                traceback.print_exc()
                return JSONResponse({"error": f"internal error ({type(exc).__name__}: {exc}); "
                                              f"please report it with the scenario"}, status_code=500)
        return run

    def answers_now() -> dict:
        with compute_lock:
            return session.compute()

    async def index(_request):
        return FileResponse(str(STATIC_DIR / "index.html"), media_type="text/html")

    async def plotly_js(_request):
        return FileResponse(str(plotly_js_path()), media_type="text/javascript")

    async def outline(_request):
        return FileResponse(str(map_outline_path(session)), media_type="application/geo+json")

    async def layout(_request):
        return ok(session.layout())

    async def answers(_request):
        return ok(await run_in_threadpool(answers_now))

    async def change(request):
        data = await body(request)
        await run_in_threadpool(session.change, data.get("changes"))
        return ok({"layout": session.layout(), "answers": await run_in_threadpool(answers_now)})

    async def add_threat(request):
        data = await body(request)
        await run_in_threadpool(session.add_threat, data.get("threat"))
        return ok({"layout": session.layout(), "answers": await run_in_threadpool(answers_now)})

    async def remove_threat(request):
        data = await body(request)
        await run_in_threadpool(session.remove_threat, data.get("index"))
        return ok({"layout": session.layout(), "answers": await run_in_threadpool(answers_now)})

    async def save(request):
        data = await body(request)
        path = await run_in_threadpool(session.save, save_dir, data.get("name"))
        return ok({"path": str(path.resolve()), "toml": path.read_text(encoding="utf-8")})

    def background_job(name: str, state: dict, busy: str, cleared: str, work):
        """The POST (start) and GET (state) handlers of a job the page polls: ``work()`` runs in a
        thread and returns the fields of its finished state; a user mistake or a bug ends it as one
        line in ``error`` (a bug is also traced on the console)."""
        def run() -> None:
            try:
                state.update(state="done", error=None, **work())
            except ThaadsimError as exc:
                state.update(state="error", error=str(exc))
            except Exception as exc:   # noqa: BLE001 - shown in the page as one line, traced on the console
                traceback.print_exc()
                state.update(state="error", error=f"internal error ({type(exc).__name__}: {exc})")

        async def start(_request):
            if state["state"] == "running":
                raise ThaadsimError(name, busy, "wait for it to finish")
            state.update({"state": "running", cleared: None, "error": None})
            threading.Thread(target=run, daemon=True, name=f"thaadsim-app-{name}").start()
            return ok(state)

        async def current(_request):
            return ok(state)

        return start, current

    def write_report() -> dict:
        number = next(report_numbers)
        out = report_dir / str(number)
        session.report(out)
        return {"url": f"/reports/{number}/report.html", "path": str(out.resolve())}

    report_start, report_state = background_job("report", reports, "a report is already being written", "url",
                                                 write_report)
    footprint_start, footprint_state = background_job(
        "footprint", footprints, "a footprint is already being computed", "result",
        lambda: {"result": session.footprint()})
    strategic_start, strategic_state = background_job(
        "strategic", strategic, "the strategic table is already being computed", "result",
        lambda: {"result": session.strategic()})

    report_dir.mkdir(parents=True, exist_ok=True)
    routes = [
        Route("/", guarded(index)),
        Route("/static/plotly.min.js", guarded(plotly_js)),
        Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static"),
        Route("/map.geojson", guarded(outline)),
        Route("/api/layout", guarded(layout)),
        Route("/api/answers", guarded(answers)),
        Route("/api/change", guarded(change), methods=["POST"]),
        Route("/api/threats/add", guarded(add_threat), methods=["POST"]),
        Route("/api/threats/remove", guarded(remove_threat), methods=["POST"]),
        Route("/api/save", guarded(save), methods=["POST"]),
        Route("/api/report", guarded(report_start), methods=["POST"]),
        Route("/api/report", guarded(report_state), methods=["GET"]),
        Route("/api/footprint", guarded(footprint_start), methods=["POST"]),
        Route("/api/footprint", guarded(footprint_state), methods=["GET"]),
        Route("/api/strategic", guarded(strategic_start), methods=["POST"]),
        Route("/api/strategic", guarded(strategic_state), methods=["GET"]),
        Mount("/reports", StaticFiles(directory=str(report_dir)), name="reports"),
    ]
    return Starlette(routes=routes)


def check_port_free(host: str, port: int) -> None:
    """ThaadsimError naming ``--port`` if ``host:port`` cannot be bound (in use, or not allowed)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ThaadsimError("--host", f"{host!r} is not an address of this machine ({exc.strerror})",
                            "e.g. --host 127.0.0.1") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as exc:
            raise ThaadsimError("--port", f"cannot listen on {host}:{port} ({exc.strerror or exc})",
                                f"choose another port, e.g. --port {port + 1 if port < 65535 else 8050}") from None


def serve(session: AppSession, host: str, port: int, save_dir, report_dir, ready=None) -> None:
    """Serve until interrupted. ``ready(url)`` is called once the server listens."""
    import uvicorn

    app = create_app(session, save_dir, report_dir)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)

    async def main():
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.05)
        if server.started and ready is not None:
            ready(f"http://{host if ':' not in host else f'[{host}]'}:{port}/")
        await task

    asyncio.run(main())
