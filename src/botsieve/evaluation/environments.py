"""Environment records as the collector sends them (docs/detection.md lists the keys).

``human_environment`` draws consistent records of ordinary desktop browsers; stealth bots get
records from the same generator (their stealth plugins make them look like this), so the
measured figures come from behaviour, not from a synthetic artefact. ``naive_bot_environment``
adds the leaks of unpatched automation, for the tests of the hand-set rules.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

_CHROME = "Mozilla/5.0 ({os}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36"
_FIREFOX = "Mozilla/5.0 ({os}; rv:{v}.0) Gecko/20100101 Firefox/{v}.0"
_SAFARI = (
    "Mozilla/5.0 ({os}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{v} Safari/605.1.15"
)

_PROFILES: list[dict[str, Any]] = [
    {
        "os": "Windows NT 10.0; Win64; x64",
        "platform": "Win32",
        "hints": "Windows",
        "browser": "chrome",
        "gpus": [
            "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)",
            "ANGLE (Intel, Intel(R) UHD Graphics 620 Direct3D11 vs_5_0 ps_5_0, D3D11)",
            "ANGLE (AMD, AMD Radeon RX 580 Direct3D11 vs_5_0 ps_5_0, D3D11)",
        ],
        "screens": [(1920, 1080), (1366, 768), (1536, 864), (2560, 1440)],
    },
    {
        "os": "Windows NT 10.0; Win64; x64",
        "platform": "Win32",
        "hints": "Windows",
        "browser": "firefox",
        "gpus": ["ANGLE (Intel, Intel(R) HD Graphics 530 Direct3D11 vs_5_0 ps_5_0)"],
        "screens": [(1920, 1080), (1600, 900)],
    },
    {
        "os": "Macintosh; Intel Mac OS X 10_15_7",
        "platform": "MacIntel",
        "hints": "macOS",
        "browser": "chrome",
        "gpus": [
            "ANGLE (Apple, ANGLE Metal Renderer: Apple M1, Unspecified Version)",
            "ANGLE (Apple, ANGLE Metal Renderer: Apple M2 Pro, Unspecified Version)",
        ],
        "screens": [(1440, 900), (1512, 982), (1728, 1117)],
    },
    {
        "os": "Macintosh; Intel Mac OS X 10_15_7",
        "platform": "MacIntel",
        "hints": None,
        "browser": "safari",
        "gpus": ["Apple GPU"],
        "screens": [(1440, 900), (1680, 1050)],
    },
    {
        "os": "X11; Linux x86_64",
        "platform": "Linux x86_64",
        "hints": "Linux",
        "browser": "chrome",
        "gpus": ["ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)"],
        "screens": [(1920, 1080)],
    },
    {
        "os": "X11; Linux x86_64",
        "platform": "Linux x86_64",
        "hints": None,
        "browser": "firefox",
        "gpus": ["Mesa Intel(R) Xe Graphics (TGL GT2)"],
        "screens": [(1920, 1080), (2560, 1440)],
    },
]
_LOCALES = [
    (["en-US", "en"], "America/New_York"),
    (["en-US"], "America/Chicago"),
    (["en-GB", "en"], "Europe/London"),
    (["de-DE", "de", "en"], "Europe/Berlin"),
    (["fr-FR", "fr"], "Europe/Paris"),
    (["en-US", "en"], "America/Los_Angeles"),
    (["es-ES", "es"], "Europe/Madrid"),
]
_VENDOR = {"chrome": "Google Inc.", "firefox": "", "safari": "Apple Computer, Inc."}
_EVAL = {"chrome": 33, "firefox": 37, "safari": 37}
_PRODUCT_SUB = {"chrome": "20030107", "firefox": "20100101", "safari": "20030107"}


def human_environment(rng: np.random.Generator) -> dict[str, Any]:
    p = _PROFILES[int(rng.integers(len(_PROFILES)))]
    browser = p["browser"]
    version = int(rng.integers(118, 131)) if browser != "safari" else int(rng.integers(0, 6))
    template = {"chrome": _CHROME, "firefox": _FIREFOX, "safari": _SAFARI}[browser]
    ua = template.format(os=p["os"], v=version)
    sw, sh = p["screens"][int(rng.integers(len(p["screens"])))]
    languages, timezone = _LOCALES[int(rng.integers(len(_LOCALES)))]
    gpu = p["gpus"][int(rng.integers(len(p["gpus"])))]
    cores = int(rng.choice([4, 8, 8, 12, 16]))
    inner_w = int(sw - rng.integers(0, 200))
    inner_h = int(sh - rng.integers(80, 200))
    env: dict[str, Any] = {
        "webdriver": False,
        "userAgent": ua,
        "appVersion": ua.removeprefix("Mozilla/"),
        "platform": p["platform"],
        "languages": list(languages),
        "timezone": timezone,
        "screen": {
            "width": sw,
            "height": sh,
            "availWidth": sw,
            "availHeight": sh - 40,
            "colorDepth": 24,
        },
        "window": {
            "innerWidth": inner_w,
            "innerHeight": inner_h,
            "outerWidth": inner_w + 16,
            "outerHeight": inner_h + 90,
        },
        "devicePixelRatio": float(rng.choice([1.0, 1.25, 1.5, 2.0])),
        "touch": {"maxTouchPoints": int(rng.choice([0, 0, 0, 10])), "ontouchstart": False},
        "plugins": {
            "count": 5,
            "names": ["PDF Viewer", "Chrome PDF Viewer", "Chromium PDF Viewer"],
        },
        "mimeTypes": {"count": 2},
        "notificationPermission": "default",
        "permissionsQueryState": "prompt",
        "webgl": {"vendor": "WebKit", "renderer": gpu},
        "hardwareConcurrency": cores,
        "deviceMemory": 8 if browser == "chrome" else {"error": "unsupported"},
        "worker": {
            "userAgent": ua,
            "platform": p["platform"],
            "hardwareConcurrency": cores,
            "languages": list(languages),
            "webglRenderer": gpu,
        },
        "nativeFunctionsPatched": [],
        "automationGlobals": [],
        "evalLength": _EVAL[browser],
        "productSub": _PRODUCT_SUB[browser],
        "vendor": _VENDOR[browser],
    }
    if p["hints"]:
        env["userAgentData"] = {
            "platform": p["hints"],
            "mobile": False,
            "brands": [{"brand": "Chromium", "version": str(version)}],
        }
    # Real collectors lose a value now and then; people and bots alike.
    if rng.random() < 0.1:
        env["webgl"] = {"error": "WebGL unavailable"}
        env["worker"]["webglRenderer"] = {"error": "OffscreenCanvas unavailable"}
    return env


def naive_bot_environment(rng: np.random.Generator, leak: str) -> dict[str, Any]:
    """A stealth-looking record with one automation leak named by ``leak``."""
    env = copy.deepcopy(human_environment(rng))
    ua = env["userAgent"]
    if leak == "webdriver":
        env["webdriver"] = True
    elif leak == "headless":
        env["userAgent"] = _CHROME.format(os="X11; Linux x86_64", v=124).replace(
            "Chrome/", "HeadlessChrome/"
        )
        env["appVersion"] = env["userAgent"].removeprefix("Mozilla/")
        env["worker"]["userAgent"] = env["userAgent"]
    elif leak == "globals":
        env["automationGlobals"] = ["cdc_adoQpoasnfa76pfcZLmcfl_Array"]
    elif leak == "worker":
        env["worker"]["userAgent"] = _CHROME.format(os="X11; Linux x86_64", v=124)
        if env["worker"]["userAgent"] == ua:
            env["worker"]["userAgent"] = _FIREFOX.format(os="X11; Linux x86_64", v=124)
    elif leak == "software_gpu":
        env["webgl"] = {"vendor": "Google Inc.", "renderer": "Google SwiftShader"}
        env["plugins"] = {"count": 0, "names": []}
    else:
        raise ValueError(leak)
    return env


LEAKS = ("webdriver", "headless", "globals", "worker", "software_gpu")
