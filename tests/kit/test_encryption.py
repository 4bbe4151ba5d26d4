"""The keyring: values open only under a configured key, older keys decrypt, tampering fails."""

from __future__ import annotations

import pytest

from botsieve.kit.encryption import PREFIX, Keyring, UndecryptableValue
from botsieve.kit.settings import Settings

OLD, NEW = b"o" * 8 + b"ld-key-material-0123456789", b"new-key-material-abcdefghijkl"


def test_a_value_is_stored_encrypted_and_opens_again():
    ring = Keyring(OLD)
    stored = ring.encrypt("whsec_plain-secret")
    assert stored.startswith(PREFIX) and "plain-secret" not in stored
    assert ring.decrypt(stored) == "whsec_plain-secret"
    assert ring.encrypt("same") != ring.encrypt("same"), "each encryption has its own IV"


def test_another_key_cannot_open_it():
    stored = Keyring(OLD).encrypt("token")
    with pytest.raises(UndecryptableValue):
        Keyring(NEW).decrypt(stored)


def test_a_tampered_value_is_refused():
    stored = Keyring(OLD).encrypt("token")
    body = stored[len(PREFIX) :]
    flipped = body[:40] + ("A" if body[40] != "A" else "B") + body[41:]
    with pytest.raises(UndecryptableValue):
        Keyring(OLD).decrypt(PREFIX + flipped)


def test_rotation_moves_a_value_to_the_current_key():
    stored = Keyring(OLD).encrypt("token")
    during = Keyring(NEW, [OLD])
    assert during.decrypt(stored) == "token"
    rotated = during.reencrypt(stored)
    assert Keyring(NEW).decrypt(rotated) == "token"
    with pytest.raises(UndecryptableValue):
        Keyring(OLD).decrypt(rotated)


def test_a_value_stored_before_encryption_reads_as_it_is_and_is_encrypted_on_rotation():
    ring = Keyring(NEW)
    assert ring.decrypt("legacy-plain") == "legacy-plain"
    assert ring.decrypt(ring.reencrypt("legacy-plain")) == "legacy-plain"


def test_the_key_comes_from_the_setting_else_from_the_installation_secret(tmp_path):
    base = {"env": "test", "data_dir": tmp_path, "secret_key": "s" * 8 + "-install-secret-x" * 3}
    from_secret = Keyring.from_settings(Settings(**base)).encrypt("v")
    explicit = Settings(**base, encryption_key="k" * 4 + "-explicit-encryption-key-1234567")
    assert Keyring.from_settings(explicit).decrypt(Keyring.from_settings(explicit).encrypt("v"))
    with pytest.raises(UndecryptableValue):
        Keyring.from_settings(explicit).decrypt(from_secret)


def test_a_short_or_hand_made_encryption_key_is_refused(tmp_path):
    good_secret = "Zq3v9LmX2pR7tY1wK8sD4fG6hJ0aB5nC-e_Qx"
    with pytest.raises(ValueError, match="at least 32"):
        Settings(env="test", data_dir=tmp_path, secret_key=good_secret, encryption_key="short")
    with pytest.raises(ValueError, match="ENCRYPTION_KEY looks made by hand"):
        Settings(
            env="production", data_dir=tmp_path, secret_key=good_secret, encryption_key="x" * 40
        )
