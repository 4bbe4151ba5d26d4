"""Fixtures shared by the authentication tests."""

from __future__ import annotations

from typing import Any

import pytest

from botsieve.auth.repository import ApiKeyRepository


def count_calls(monkeypatch: pytest.MonkeyPatch, cls: type, *names: str) -> dict[str, int]:
    """How often each of ``cls``'s async methods ``names`` is called from here on."""
    counted = dict.fromkeys(names, 0)
    for name in names:
        original = getattr(cls, name)

        async def counting(self: Any, *args: Any, _original: Any = original, _name: str = name):
            counted[_name] += 1
            return await _original(self, *args)

        monkeypatch.setattr(cls, name, counting)
    return counted


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the key repository is asked, per question: a guess that costs a lookup each
    is what a flood of random keys exploits."""
    names = ("row_by_prefix", "active_prefixes", "active_origins")
    return count_calls(monkeypatch, ApiKeyRepository, *names)
