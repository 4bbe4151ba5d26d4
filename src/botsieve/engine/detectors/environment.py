"""Automation and environment: the browser's own record of what it is.

The open-source BotD checks, plus the consistency checks stealth plugins miss (main page vs Web
Worker, user agent vs platform vs GPU vs screen, patched native functions, timezone vs
languages, touch claimed vs touch used). Every value in the record may be ``{"error": ...}``
or missing; such values are skipped, never guessed. Nothing here is learned: synthetic
training records cannot teach what real browsers look like, so the weights are hand-set
log-odds (docs/detection.md lists them) and the strongest are proof. Records that real
browsers sent with no automation (``tests/engine/detectors/fixtures/``) must raise nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from botsieve.engine.arrays import count
from botsieve.engine.detectors.base import Evidence
from botsieve.engine.types import Reason, SessionInput

AUTOMATION_GLOBALS = (
    "cdc_",
    "$cdc_",
    "__webdriver",
    "__driver",
    "__selenium",
    "_selenium",
    "callSelenium",
    "__playwright",
    "__pwInitScripts",
    "__puppeteer",
    "puppeteer",
    "domAutomation",
    "domAutomationController",
    "_phantom",
    "callPhantom",
    "__nightmare",
    "Buffer",
    "emit",
    "spawn",
    "webdriver",
    "__lastWatirAlert",
    "__fxdriver",
)
HEADLESS_MARKERS = ("headlesschrome", "phantomjs", "slimerjs", "electron", "puppeteer")
SOFTWARE_GPU = ("swiftshader", "llvmpipe", "mesa offscreen", "software rasterizer")
# Real machines without a GPU (virtual machines, remote desktops, Linux without drivers) render
# WebGL in software too, so it only adds to other evidence of automation, never alone.
SOFTWARE_GPU_LOGIT = 1.5
CORROBORATED_LOGIT = 2.0
# The coarsest clock a browser is known to offer (resistFingerprinting: 16.67 or 100 ms).
MAX_TIMER_RESOLUTION_MS = 1000.0
EVAL_LENGTH = {"chrome": 33, "firefox": 37, "safari": 37}
PRODUCT_SUB = {"chrome": "20030107", "safari": "20030107", "firefox": "20100101"}
VENDOR = {"chrome": "Google Inc.", "safari": "Apple Computer, Inc.", "firefox": ""}


def value(env: dict[str, Any], *path: str) -> Any:
    """The value at ``path``, or None when missing or reported as an error."""
    node: Any = env
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    if isinstance(node, dict) and "error" in node:
        return None
    return node


def timer_resolution(env: dict[str, Any]) -> float | None:
    """The step of the browser's clock in ms (``timerResolution``), or None when the record has
    none or it is not a step a browser clock can have. Time differences finer than this are
    the clock's rounding, not the person."""
    step = value(env, "timerResolution")
    if isinstance(step, bool) or not isinstance(step, int | float):
        return None
    step = float(step)
    return step if math.isfinite(step) and 0 < step <= MAX_TIMER_RESOLUTION_MS else None


def browser_family(user_agent: str) -> str | None:
    ua = user_agent.lower()
    if "firefox/" in ua:
        return "firefox"
    if "chrome/" in ua or "crios/" in ua or "edg/" in ua:
        return "chrome"
    if "safari/" in ua and "version/" in ua:
        return "safari"
    return None


def os_family(text: str) -> str | None:
    t = text.lower()
    for needle, name in (
        ("iphone", "ios"),
        ("ipad", "ios"),
        ("android", "android"),
        ("windows", "windows"),
        ("win32", "windows"),
        ("win64", "windows"),
        ("mac", "mac"),
        ("cros", "chromeos"),
        ("linux", "linux"),
    ):
        if needle in t:
            return name
    return None


def _gpu_os_mismatch(os_name: str | None, renderer: str) -> bool:
    r = renderer.lower()
    if not r or os_name is None:
        return False
    if os_name == "windows" and ("apple" in r or "metal" in r):
        return True
    if os_name == "mac" and "direct3d" in r:
        return True
    return os_name in ("ios", "android") and ("direct3d" in r or "geforce" in r)


class EnvironmentDetector:
    name = "environment"
    title = "Automation and environment"
    learned = False
    feature_names = ("env_rule_logit", "env_proof_count", "env_error_count")
    sides: Mapping[str, int] = MappingProxyType({})

    describe: Mapping[str, tuple[str, str]] = MappingProxyType({})

    def extract(self, session: SessionInput) -> Evidence:
        env = session.environment or {}
        proof: list[Reason] = []
        soft: list[tuple[float, Reason]] = []

        def flag(code: str, text: str, val: Any, logit: float | None) -> None:
            reason = Reason(code, text, val if isinstance(val, str | bool | float | int) else None)
            if logit is None:
                proof.append(reason)
            else:
                soft.append((logit, reason))

        ua = str(value(env, "userAgent") or "")
        app_version = str(value(env, "appVersion") or "")
        family = browser_family(ua)
        ua_os = os_family(ua)
        mobile = ua_os in ("ios", "android")

        if value(env, "webdriver") is True:
            flag("webdriver", "The browser reports it is driven by automation.", True, None)
        globals_found = value(env, "automationGlobals") or []
        if isinstance(globals_found, list) and globals_found:
            names = [str(g) for g in globals_found][:5]
            flag("automation_globals", "Automation tool globals present.", ", ".join(names), None)
        for field, text in ((ua, "userAgent"), (app_version, "appVersion")):
            if any(m in field.lower() for m in HEADLESS_MARKERS):
                flag(f"headless_{text}", f"The {text} names a headless browser.", field[:80], None)

        worker_ua = value(env, "worker", "userAgent")
        if isinstance(worker_ua, str) and ua and worker_ua != ua:
            flag(
                "worker_user_agent",
                "The page and its Web Worker report different user agents (spoofed).",
                worker_ua[:80],
                None,
            )
        for key, label in (
            ("platform", "platform"),
            ("hardwareConcurrency", "CPU core count"),
        ):
            main_v, worker_v = value(env, key), value(env, "worker", key)
            if main_v is not None and worker_v is not None and main_v != worker_v:
                flag(
                    f"worker_{key}",
                    f"Page and Web Worker disagree on the {label}.",
                    str(worker_v),
                    4.0,
                )
        main_lang, worker_lang = value(env, "languages"), value(env, "worker", "languages")
        if (
            isinstance(main_lang, list)
            and isinstance(worker_lang, list)
            and main_lang != worker_lang
        ):
            flag("worker_languages", "Page and Web Worker disagree on languages.", None, 3.0)
        renderer = str(value(env, "webgl", "renderer") or "")
        worker_gl = value(env, "worker", "webglRenderer")
        if isinstance(worker_gl, str) and renderer and worker_gl and worker_gl != renderer:
            flag("worker_webgl", "Page and Web Worker report different GPUs.", worker_gl[:80], 4.0)

        patched = value(env, "nativeFunctionsPatched") or []
        if isinstance(patched, list) and patched:
            flag(
                "native_functions_patched",
                "Built-in browser functions were replaced (toString or Proxy traps).",
                ", ".join(str(p) for p in patched[:5]),
                3.0,
            )
        plugins = value(env, "plugins", "count")
        if plugins is None and isinstance(value(env, "plugins"), int | float):
            plugins = value(env, "plugins")
        if family in ("chrome", "firefox") and not mobile and plugins == 0:
            flag("no_plugins", "A desktop browser with no plugins, as headless Chrome has.", 0, 2.0)
        if family in ("chrome", "firefox") and not mobile and value(env, "mimeTypes", "count") == 0:
            flag("no_mime_types", "A desktop browser with no MIME types.", 0, 1.0)
        languages = value(env, "languages")
        if isinstance(languages, list) and not languages:
            flag("no_languages", "The browser lists no languages.", 0, 3.0)
        if (
            value(env, "notificationPermission") == "denied"
            and value(env, "permissionsQueryState") == "prompt"
        ):
            flag(
                "permission_mismatch",
                "Notification permission is denied yet queries as prompt (headless Chrome).",
                None,
                3.0,
            )
        if value(env, "window", "outerWidth") == 0 and value(env, "window", "outerHeight") == 0:
            flag("zero_window", "The browser window has zero size.", 0, 3.0)
        eval_length = value(env, "evalLength")
        if family and isinstance(eval_length, int) and eval_length != EVAL_LENGTH[family]:
            flag("eval_length", f"eval.toString() length does not fit {family}.", eval_length, 3.0)
        product_sub = value(env, "productSub")
        if family and isinstance(product_sub, str) and product_sub != PRODUCT_SUB[family]:
            flag("product_sub", f"navigator.productSub does not fit {family}.", product_sub, 2.0)
        vendor = value(env, "vendor")
        if family and isinstance(vendor, str) and vendor != VENDOR[family]:
            flag("vendor", f"navigator.vendor does not fit {family}.", vendor, 1.5)

        platform = str(value(env, "platform") or "")
        platform_os = os_family(platform)
        if (
            ua_os
            and platform_os
            and ua_os != platform_os
            and not (ua_os in ("android", "chromeos") and platform_os == "linux")
        ):
            flag(
                "platform_mismatch",
                "User agent and platform name different systems.",
                platform,
                3.0,
            )
        hints_platform = value(env, "userAgentData", "platform")
        hints_os = os_family(str(hints_platform or ""))
        if ua_os and hints_os and hints_os != ua_os and ua_os != "chromeos":
            flag(
                "client_hints_mismatch",
                "Client hints and user agent disagree.",
                str(hints_platform),
                2.0,
            )
        if _gpu_os_mismatch(ua_os, renderer):
            flag(
                "gpu_mismatch", "The GPU does not exist on the claimed system.", renderer[:80], 3.0
            )
        screen_w = value(env, "screen", "width")
        inner_w = value(env, "window", "innerWidth")
        if isinstance(screen_w, int | float) and isinstance(inner_w, int | float) and screen_w > 0:
            if inner_w > screen_w * 1.05 + 50:
                flag(
                    "window_wider_than_screen", "The window is wider than the screen.", inner_w, 1.5
                )
            if not mobile and (screen_w, value(env, "screen", "height")) == (800, 600):
                flag("headless_screen", "An 800x600 screen, the headless default.", "800x600", 1.0)

        touch_points = value(env, "touch", "maxTouchPoints")
        touches = count(session, "touchstart")
        if touch_points == 0 and touches > 0:
            flag(
                "touch_without_touchscreen",
                "Touch events from a device with no touch.",
                touches,
                3.0,
            )
        if mobile and touch_points == 0:
            flag("mobile_without_touch", "A phone user agent without a touchscreen.", 0, 2.0)
        timezone = str(value(env, "timezone") or "")
        if (
            isinstance(languages, list)
            and languages
            and timezone
            and _timezone_language_mismatch(timezone, [str(x) for x in languages])
        ):
            flag(
                "timezone_languages",
                "Timezone and languages point to different places.",
                timezone,
                0.5,
            )

        software_gpu = any(s in renderer.lower() for s in SOFTWARE_GPU)
        if software_gpu and (proof or any(w >= CORROBORATED_LOGIT for w, _ in soft)):
            flag(
                "software_gpu",
                "WebGL renders in software, beside other signs of automation.",
                renderer[:80],
                SOFTWARE_GPU_LOGIT,
            )

        error_count = sum(1 for v in env.values() if isinstance(v, dict) and "error" in v)
        rule_logit = sum(w for w, _ in soft)
        reasons = tuple(r for _, r in soft)
        return Evidence(
            features={
                "env_rule_logit": float(rule_logit),
                "env_proof_count": float(len(proof)),
                "env_error_count": float(error_count),
            },
            reasons=tuple(proof) + reasons,
            proof=tuple(proof),
            rule_logit=float(rule_logit),
            observed=bool(env),
            extra=_clock(env),
        )


def _clock(env: dict[str, Any]) -> dict[str, float]:
    step = timer_resolution(env)
    return {} if step is None else {"timer_resolution_ms": step}


# Timezone regions whose people almost always list a language of that region.
_REGION_LANGUAGES = {
    "Asia/Shanghai": ("zh",),
    "Asia/Tokyo": ("ja",),
    "Asia/Seoul": ("ko",),
    "Europe/Moscow": ("ru",),
    "America/Sao_Paulo": ("pt",),
}


def _timezone_language_mismatch(timezone: str, languages: list[str]) -> bool:
    expected = _REGION_LANGUAGES.get(timezone)
    if not expected:
        return False
    prefixes = {lang.split("-")[0].lower() for lang in languages}
    return not prefixes.intersection(expected) and "en" not in prefixes
