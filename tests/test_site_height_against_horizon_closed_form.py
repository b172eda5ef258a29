"""``--at LAT,LON[,HEIGHT_M]`` on every command that places a site (issue 10, Deliver 7).

Authorities: the 4/3-Earth radar horizon d = sqrt(2·k·R·h) (Skolnik 2001 §8.3) [ref:skolnik-2001] for what the
height changes -- a radar 680 m up (Seongju, [ref:koreaherald-seongju-2016]) sees a low target from further
away -- and the issue's interface: the height is taken from --at, the default is stated as sea level in help
and output, and a contradiction is refused with one line.

The closed-form comparison is :func:`thaadsim.validation.radar.site_height_horizon_gain_against_closed_form`
(the row ``thaadsim validate`` prints, 5 %); the CLI test here checks the command reports the same geometry.
"""

import json

import pytest

from _validation import assert_rows_pass, params
from thaadsim.cli import main
from thaadsim.validation import radar as vr

SEONGJU = "35.95,128.18"


def run(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.mark.parametrize("check", params(vr.site_height_horizon_gain_against_closed_form))
def test_horizon_gain_of_a_site_680_m_up_against_the_closed_form(check):
    assert_rows_pass(check)


def test_radar_height_from_at_moves_the_horizon_as_the_closed_form(capsys):
    res = {}
    for at in (SEONGJU, SEONGJU + ",680"):
        code, out, err = run(["radar", "--radar", "tpy2-tm", "--at", at, "--face-az-deg", "315", "--rcs-m2", "1",
                              "--altitude-km", "10", "--json"], capsys)
        assert code == 0, err
        res[at] = json.loads(out)
    low, high = res[SEONGJU], res[SEONGJU + ",680"]
    assert low["site_height_m"] == 0.0 and low["site_height"].startswith("default: sea level")
    assert high["site_height_m"] == 680.0 and high["site_height"] == "given"
    assert high["antenna_alt_m"] - low["antenna_alt_m"] == pytest.approx(680.0)
    # the gain in horizon range is the closed form's, to the few-% difference of an ellipsoid and refraction model
    gain = high["horizon_range_km"] - low["horizon_range_km"]
    expected = (vr.horizon_closed_form_km(high["antenna_alt_m"], 10e3)
                - vr.horizon_closed_form_km(low["antenna_alt_m"], 10e3))
    assert gain == pytest.approx(expected, rel=0.05)


def test_radar_text_says_sea_level_default(capsys):
    code, out, err = run(["radar", "--radar", "tpy2-tm", "--at", SEONGJU, "--face-az-deg", "315"], capsys)
    assert code == 0 and "sea level, the default" in out
    code, out, err = run(["radar", "--radar", "tpy2-tm", "--at", SEONGJU + ",680", "--face-az-deg", "315"], capsys)
    assert code == 0 and "sea level" not in out and "ground 680 m" in out


@pytest.mark.parametrize("command", ["radar", "engage", "footprint", "strategic"])
def test_help_states_the_default_height(command, capsys):
    code, out, err = run([command, "--help"], capsys)
    assert code == 0
    flat = " ".join(out.split())
    assert "HEIGHT_M" in flat and "default 0 m (sea level)" in flat


def test_engage_takes_the_height_from_at_and_refuses_a_contradiction(capsys):
    base = ["engage", "--battery", "thaad", "--missile", "nodong", "--from", "39.0,125.7", "--to", "35.9,128.3",
            "--json"]
    code, out, err = run(base + ["--at", SEONGJU + ",680"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["site_height_m"] == 680.0 and d["site_height"] == "given"
    code, out, err = run(base + ["--at", SEONGJU], capsys)
    d0 = json.loads(out)
    assert code == 0 and d0["site_height_m"] == 0.0 and "sea level" in d0["site_height"]
    code, out, err = run(base + ["--at", SEONGJU + ",680", "--site-height-m", "5"], capsys)
    assert code == 2 and "--site-height-m" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(base + ["--at", SEONGJU + ",680", "--site-height-m", "680"], capsys)
    assert code == 0 and json.loads(out)["site_height_m"] == 680.0
    code, out, err = run(base + ["--at", SEONGJU + ",99999"], capsys)
    assert code == 2 and "[-500, 9000]" in err
