"""The blocks of the integration guides, read from the Markdown as a researcher copies them."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "integrations"
FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
SERVICE = "https://botsieve.example.org"


def blocks(guide: str, language: str) -> list[str]:
    text = (DOCS / guide).read_text()
    return [body for lang, body in FENCE.findall(text) if lang == language]


def one_block(guide: str, language: str, containing: str = "") -> str:
    found = [b for b in blocks(guide, language) if containing in b]
    assert len(found) == 1, f"{guide}: expected one {language} block with {containing!r}"
    return found[0]


def curl_json_body(block: str) -> str:
    """The ``-d '...'`` payload of a curl command."""
    match = re.search(r"-d '(.*?)'", block, re.DOTALL)
    assert match, "no -d payload"
    return match.group(1)
