from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from botsieve.engine.detectors.environment import EnvironmentDetector, timer_resolution
from botsieve.engine.types import SessionInput
from botsieve.evaluation.environments import human_environment, naive_bot_environment

DETECTOR = EnvironmentDetector()


def _check(env: dict) -> tuple[set[str], float]:
    ev = DETECTOR.extract(SessionInput(events={}, environment=env))
    return {r.code for r in ev.proof}, ev.rule_logit


@pytest.mark.parametrize("seed", range(30))
def test_ordinary_browsers_raise_nothing(seed: int) -> None:
    proof, logit = _check(human_environment(np.random.default_rng(seed)))
    assert proof == set()
    assert logit == 0.0


@pytest.mark.parametrize(
    ("leak", "code"),
    [
        ("webdriver", "webdriver"),
        ("headless", "headless_userAgent"),
        ("globals", "automation_globals"),
        ("worker", "worker_user_agent"),
    ],
)
def test_automation_leaks_are_proof(leak: str, code: str) -> None:
    proof, _ = _check(naive_bot_environment(np.random.default_rng(0), leak))
    assert code in proof


def test_software_gpu_and_missing_plugins_add_log_odds_without_proof() -> None:
    env = naive_bot_environment(np.random.default_rng(0), "software_gpu")
    env["userAgent"] = env["worker"]["userAgent"] = env["userAgent"].replace("Firefox", "Chrome")
    proof, logit = _check(env)
    assert proof == set()
    assert logit >= 3.0


def test_stealth_inconsistencies_are_caught() -> None:
    env = human_environment(np.random.default_rng(4))
    env["userAgent"] = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
    )
    env["worker"]["userAgent"] = env["userAgent"]
    env["platform"] = "Linux x86_64"
    env["worker"]["platform"] = "MacIntel"
    env["nativeFunctionsPatched"] = ["Function.prototype.toString"]
    env["evalLength"] = 37
    env["languages"] = []
    ev = DETECTOR.extract(SessionInput(events={}, environment=env))
    codes = {r.code for r in ev.reasons}
    assert {
        "platform_mismatch",
        "worker_platform",
        "native_functions_patched",
        "eval_length",
        "no_languages",
    } <= codes
    assert ev.rule_logit > 10


def test_errors_and_odd_types_are_skipped_not_guessed() -> None:
    env = {
        "webdriver": {"error": "denied"},
        "userAgent": {"error": "x"},
        "plugins": "garbage",
        "screen": None,
        "worker": {"error": "no worker"},
        "automationGlobals": {"error": "x"},
    }
    proof, logit = _check(env)
    assert proof == set() and logit == 0.0
    assert (
        DETECTOR.extract(SessionInput(events={}, environment=env)).features["env_error_count"] == 4
    )


def test_touch_events_from_a_device_without_touch() -> None:
    env = human_environment(np.random.default_rng(1))
    env["touch"] = {"maxTouchPoints": 0, "ontouchstart": False}
    events = {
        "touchstart": {
            "t": np.array([10.0, 20.0]),
            "x": np.zeros(2),
            "y": np.zeros(2),
            "trusted": np.ones(2, bool),
        }
    }
    ev = DETECTOR.extract(SessionInput(events=events, environment=env))
    assert "touch_without_touchscreen" in {r.code for r in ev.reasons}


# Records real browsers sent with no automation, made by the browser suite
# (sdk/js/browsers, BOTSIEVE_RECORD_ENVIRONMENTS=1); "-patched" ones come from the same browser
# after the page defined navigator.webdriver itself, put a Proxy over navigator.languages, and
# one over WebGL's getParameter with a toString that lies about it in every frame.
FIXTURES = Path(__file__).parent / "fixtures"
REAL_BROWSERS = ("chromium", "firefox", "firefox-rfp", "epiphany")


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def _evidence(env: dict):
    return DETECTOR.extract(SessionInput(events={}, environment=env))


def test_every_real_browser_has_its_records() -> None:
    names = {path.stem for path in FIXTURES.glob("*.json")}
    assert names == {f"{b}{suffix}" for b in REAL_BROWSERS for suffix in ("", "-patched")}


@pytest.mark.parametrize("browser", REAL_BROWSERS)
def test_real_browsers_without_automation_raise_nothing(browser: str) -> None:
    ev = _evidence(_fixture(browser))
    assert ev.reasons == ()
    assert ev.proof == ()
    assert ev.rule_logit == 0.0


@pytest.mark.parametrize("browser", REAL_BROWSERS)
def test_a_pages_stealth_patches_are_found_in_every_real_browser(browser: str) -> None:
    env = _fixture(f"{browser}-patched")
    assert env["webdriver"] is False
    assert {
        "navigator.webdriver",
        "navigator.languages",
        "WebGLRenderingContext.getParameter",
        "Function.prototype.toString",
    } <= set(env["nativeFunctionsPatched"])
    ev = _evidence(env)
    assert "native_functions_patched" in {r.code for r in ev.reasons}
    assert ev.rule_logit >= 3.0


def test_software_webgl_of_a_machine_without_gpu_is_no_evidence_alone() -> None:
    env = _fixture("firefox")
    assert "llvmpipe" in env["webgl"]["renderer"], "Firefox under Xvfb renders in software"
    assert _evidence(env).rule_logit == 0.0

    env["webdriver"] = True
    ev = _evidence(env)
    assert "software_gpu" in {r.code for r in ev.reasons}, "beside proof it counts"
    env["webdriver"] = False
    env["worker"]["platform"] = "Win32"
    ev = _evidence(env)
    assert {"worker_platform", "software_gpu"} <= {r.code for r in ev.reasons}
    assert ev.rule_logit == 4.0 + 1.5


def test_a_weak_sign_does_not_make_software_webgl_count() -> None:
    env = _fixture("firefox")
    env["screen"] = {**env["screen"], "width": 800, "height": 600}
    env["window"] = {**env["window"], "innerWidth": 800}
    ev = _evidence(env)
    assert {r.code for r in ev.reasons} == {"headless_screen"}


@pytest.mark.parametrize(
    ("browser", "step"),
    [("chromium", 0.1), ("firefox", 1.0), ("firefox-rfp", 16.67), ("epiphany", 1.0)],
)
def test_the_clock_step_real_browsers_report(browser: str, step: float) -> None:
    env = _fixture(browser)
    assert timer_resolution(env) == step
    assert _evidence(env).extra == {"timer_resolution_ms": step}


@pytest.mark.parametrize(
    "raw", [None, True, 0, -1, "0.1", float("nan"), float("inf"), 5000, {"error": "unsupported"}]
)
def test_a_clock_step_no_browser_has_is_not_used(raw: object) -> None:
    env = {} if raw is None else {"timerResolution": raw}
    assert timer_resolution(env) is None
    assert _evidence(env).extra == {}
