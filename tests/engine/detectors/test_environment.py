from __future__ import annotations

import numpy as np
import pytest

from botsieve.engine.detectors.environment import EnvironmentDetector
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
