"""Settings refuse default secrets outside development."""

from __future__ import annotations

import secrets

import pytest
from pydantic import ValidationError

from botsieve.kit.settings import Settings


def test_production_without_a_secret_is_refused(monkeypatch):
    monkeypatch.delenv("BOTSIEVE_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="BOTSIEVE_SECRET_KEY must be set"):
        Settings(env="production")


def test_short_secret_is_refused():
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env="production", secret_key="short")


def test_development_makes_and_keeps_a_secret(tmp_path):
    first = Settings(env="development", data_dir=tmp_path).secret
    again = Settings(env="development", data_dir=tmp_path).secret
    assert first == again and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_the_data_dir(tmp_path):
    settings = Settings(env="development", data_dir=tmp_path)
    assert settings.resolved_database_url.startswith("sqlite+inline:///")
    assert str(tmp_path.resolve()) in settings.resolved_database_url


def test_environment_variables_use_the_prefix(monkeypatch, tmp_path):
    monkeypatch.setenv("BOTSIEVE_RETENTION_DAYS", "7")
    monkeypatch.setenv("BOTSIEVE_DATA_DIR", str(tmp_path))
    assert Settings().retention_days == 7


@pytest.mark.parametrize("secret", ["x" * 32, "ab" * 20, "password" * 4], ids=str)
def test_a_low_entropy_secret_is_refused_in_production(secret):
    with pytest.raises(ValidationError, match="too little entropy"):
        Settings(env="production", secret_key=secret)


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(32), lambda: secrets.token_hex(24)])
def test_a_generated_secret_is_accepted_in_production(make):
    assert Settings(env="production", secret_key=make()).env == "production"
