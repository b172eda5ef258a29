"""``thaadsim app``'s user mistakes, against the project's error contract (README: a user mistake is
one line naming what to fix; the CLI exits with status 2, the app's JSON routes answer 400 with
``{"error": "<one line>"}``; never a traceback).
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from importlib import resources

import pytest

SEONGJU = str(resources.files("thaadsim") / "data" / "examples" / "seongju.toml")


def _cli(*args):
    env = dict(os.environ, NUMBA_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "thaadsim", "app", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def _one_line_error(proc, *words):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "Traceback" not in proc.stderr, proc.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_cli_refuses_bad_port_runs_file_and_busy_port(tmp_path):
    _one_line_error(_cli("--port", "0"), "--port", "65535")
    _one_line_error(_cli("--port", "70000"), "--port")
    _one_line_error(_cli(str(tmp_path / "missing.toml"), "--port", "8999"), "missing.toml", "not found")
    bad = tmp_path / "bad.toml"
    bad.write_text(open(SEONGJU).read().replace("lat_deg = 36.0", "lat_deg = 136.0", 1))
    _one_line_error(_cli(str(bad), "--port", "8999"), "bad.toml", "radars.0.lat_deg")
    _one_line_error(_cli("--runs", "5", "--port", "8999"), "--runs")
    _one_line_error(_cli("--save-dir", str(tmp_path / "nope"), "--port", "8999"), "--save-dir")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        _one_line_error(_cli("--port", str(s.getsockname()[1])), "--port", "cannot listen")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    import uvicorn

    from thaadsim.app.server import create_app
    from thaadsim.app.session import AppSession

    tmp = tmp_path_factory.mktemp("app")
    session = AppSession(SEONGJU)
    session.start_flight(wait=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(session, tmp, tmp / "reports"), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive()
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _post(url, raw: bytes):
    req = urllib.request.Request(url, data=raw, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize("route, raw, words", [
    ("/api/change", b"not json", ["request", "JSON"]),
    ("/api/change", b"[1, 2]", ["JSON object"]),
    ("/api/change", json.dumps({"changes": [{"path": "batteries.0.lon_deg", "value": 400}]}).encode(),
     ["batteries.0.lon_deg", "out of range"]),
    ("/api/change", json.dumps({"changes": [{"path": "radars.0.radar", "value": "tpy2-xx"}]}).encode(),
     ["radars.0.radar"]),
    ("/api/change", json.dumps({"changes": [{"path": "flight.sample_dt_s", "value": 1.0}]}).encode(),
     ["flight.sample_dt_s", "cannot be changed"]),
    ("/api/change", b"{\"changes\": [{\"path\": \"batteries.0.pk\", \"value\": NaN}]}", ["batteries.0.pk"]),
    ("/api/threats/add", json.dumps({"threat": {"missile": "nodong", "launch_area": "Wonsan area",
                                                "aimpoint": "Busan", "shape": "lofted"}}).encode(), ["apogee_km"]),
    ("/api/threats/remove", json.dumps({"index": -1}).encode(), ["threat"]),
    ("/api/save", json.dumps({"name": "a/b"}).encode(), ["file name"]),
    ("/api/change", b"x" * 70000, ["bytes"]),
])
def test_routes_answer_400_with_one_line(base_url, route, raw, words):
    status, body = _post(base_url + route, raw)
    assert status == 400 and set(body) == {"error"}, (status, body)
    assert "\n" not in body["error"] and "Traceback" not in body["error"]
    for w in words:
        assert w in body["error"], (w, body["error"])
    # the layout is untouched: the answers are still the shipped file's
    with urllib.request.urlopen(base_url + "/api/layout") as r:
        lay = json.loads(r.read())
    assert lay["batteries"][0]["lon_deg"] == 128.2 and len(lay["threats"]) == 6 and lay["radars"][0]["radar"] == "tpy2-tm"


def test_page_assets_are_served_locally(base_url):
    with urllib.request.urlopen(base_url + "/") as r:
        html = r.read().decode()
    assert "http://" not in html and "https://" not in html    # no CDN: every script is this server's
    for path in ("/static/app.js", "/static/app.css", "/static/plotly.min.js", "/map.geojson"):
        with urllib.request.urlopen(base_url + path) as r:
            assert r.status == 200 and len(r.read()) > 500, path
