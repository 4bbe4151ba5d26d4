"""Every rate limit has a finite, documented default, and each one is settable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from limits import parse

from botsieve.kit.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "service.md"
LIMITS = (
    "rate_limit_publishable_per_key",
    "rate_limit_publishable_per_ip",
    "rate_limit_secret_per_key",
    "rate_limit_failed_auth_per_ip",
    "rate_limit_login",
)
# What one 2-core server serves at all (docs/service.md, "Performance"): a key allowed more
# than this is not limited.
MAX_PER_SECOND = 1_000


def _defaults(tmp_path) -> Settings:
    return Settings(env="development", data_dir=tmp_path)


@pytest.mark.parametrize("name", LIMITS)
def test_each_default_is_a_real_limit(tmp_path, name):
    item = parse(getattr(_defaults(tmp_path), name))
    assert item.amount / item.get_expiry() <= MAX_PER_SECOND


@pytest.mark.parametrize("name", LIMITS)
def test_each_default_is_documented_with_its_setting(tmp_path, name):
    default = getattr(_defaults(tmp_path), name)
    row = re.search(rf"\| `BOTSIEVE_{name.upper()}` \| ([^|]+) \|", DOCS.read_text())
    assert row is not None, f"docs/service.md lists no BOTSIEVE_{name.upper()}"
    assert row.group(1).strip() == default


def test_a_limit_is_set_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BOTSIEVE_RATE_LIMIT_SECRET_PER_KEY", "7/second")
    assert _defaults(tmp_path).rate_limit_secret_per_key == "7/second"
