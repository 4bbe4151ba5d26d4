"""The README quotes the collector snippet the dashboard's Quick start shows, from one template."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "docs" / "snippets" / "quick-start.html"
README_VALUES = {
    "endpoint": "https://botsieve.example.org",
    "key": "bs_pk_...",
    "surveyId": "SV_123",
    "respondentId": "R_456",
}


def _filled(values: dict[str, str]) -> str:
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def test_the_readme_quotes_the_template():
    assert _filled(README_VALUES) in (ROOT / "README.md").read_text()


def test_the_snippet_calls_the_global_the_collector_defines():
    bundle = (ROOT / "src" / "botsieve" / "demo" / "static" / "botsieve.min.js").read_text()
    assert "window.botsieve.start(" in TEMPLATE.read_text()
    assert "{{" not in _filled(README_VALUES)
    # The script-tag bundle assigns its exports to a global named botsieve (esbuild's IIFE);
    # the browser run of the pasted snippet is in dashboard/e2e.
    assert bundle.startswith('"use strict";var botsieve=')
