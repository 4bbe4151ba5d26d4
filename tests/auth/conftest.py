"""Fixtures shared by the authentication tests."""

from __future__ import annotations

import pytest

from botsieve.auth.repository import ApiKeyRepository


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the key repository is asked, per question: a guess that costs a lookup each
    is what a flood of random keys exploits."""
    counted = {"row_by_prefix": 0, "active_prefixes": 0, "active_origins": 0}
    for name in counted:
        original = getattr(ApiKeyRepository, name)

        async def counting(self, *args, _original=original, _name=name):
            counted[_name] += 1
            return await _original(self, *args)

        monkeypatch.setattr(ApiKeyRepository, name, counting)
    return counted
