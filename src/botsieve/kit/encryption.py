"""Secrets at rest: platform tokens and signing secrets are stored encrypted (Fernet).

A column declared ``EncryptedText()`` holds ``enc1:<Fernet token>``: AES-128-CBC with an
HMAC-SHA256 over it, so a value read from a stolen backup tells nothing and a tampered one is
refused. The key is derived (HKDF-SHA256) from ``encryption_key``, or from the installation
secret when that is unset; neither has a default outside development. Older keys listed in
``encryption_previous_keys`` still decrypt, so a key can be rotated while serving:
``botsieve rotate-encryption-key`` re-encrypts every value under the current key.

The keyring is process-wide because a column type cannot see the app's settings; the app and
the command line install it from their settings (``use_keyring``) before the first query.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, Dialect, Text
from sqlalchemy.types import TypeDecorator

from botsieve.kit.settings import Settings, get_settings

PREFIX = "enc1:"
_HKDF_INFO = b"botsieve secrets at rest v1"


class UndecryptableValue(ValueError):
    """A stored value that no configured key opens (a wrong or missing old key)."""


def fernet_key(material: bytes) -> bytes:
    """A Fernet key derived from key material of any length (a random string, a secret)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        material
    )
    return base64.urlsafe_b64encode(derived)


class Keyring:
    """The current key, which encrypts, and the older ones, which only decrypt."""

    def __init__(self, current: bytes, previous: Iterable[bytes] = ()) -> None:
        self._fernet = MultiFernet([Fernet(fernet_key(k)) for k in (current, *previous)])

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        current = (
            settings.encryption_key.get_secret_value().encode()
            if settings.encryption_key is not None
            else settings.secret
        )
        previous = [k.get_secret_value().encode() for k in settings.encryption_previous_keys]
        return cls(current, previous)

    def encrypt(self, plain: str) -> str:
        return PREFIX + self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, stored: str) -> str:
        """The plain value; a value stored before encryption (no prefix) is returned as it is."""
        if not is_encrypted(stored):
            return stored
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise UndecryptableValue(
                "A stored secret does not open under BOTSIEVE_ENCRYPTION_KEY or any of "
                "BOTSIEVE_ENCRYPTION_PREVIOUS_KEYS."
            ) from None

    def reencrypt(self, stored: str) -> str:
        """The value encrypted under the current key (plain values are encrypted)."""
        if not is_encrypted(stored):
            return self.encrypt(stored)
        try:
            return PREFIX + self._fernet.rotate(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise UndecryptableValue(
                "A stored secret does not open under any configured key; nothing was changed. "
                "Add the key it was written with to BOTSIEVE_ENCRYPTION_PREVIOUS_KEYS."
            ) from None


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


_keyring: Keyring | None = None


def use_keyring(keyring: Keyring) -> None:
    global _keyring
    _keyring = keyring


def current_keyring() -> Keyring:
    """The installed keyring, or one from the environment's settings (migrations, scripts)."""
    global _keyring
    if _keyring is None:
        _keyring = Keyring.from_settings(get_settings())
    return _keyring


class EncryptedText(TypeDecorator[str]):
    """A string column stored encrypted; code reads and writes the plain value."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else current_keyring().encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else current_keyring().decrypt(value)


def rewrite_columns(
    conn: Connection,
    table_name: str,
    key_column: str,
    columns: Iterable[str],
    transform: Callable[[str], str],
) -> int:
    """Rewrite every stored value of ``columns`` with ``transform``; return how many there were.

    Reads and writes the stored text itself (not through ``EncryptedText``), so it serves the
    migration that first encrypts plain values (``Keyring.reencrypt``), its downgrade
    (``Keyring.decrypt``) and the rotation command alike. Every value is transformed before
    anything is written, so a value no key opens changes nothing.
    """
    names = list(columns)
    table = sa.table(table_name, sa.column(key_column), *(sa.column(n, Text) for n in names))
    rows = conn.execute(sa.select(table.c[key_column], *(table.c[n] for n in names))).all()
    updates = []
    for row in rows:
        stored = {n: row._mapping[n] for n in names if row._mapping[n] is not None}
        updates.append((row[0], {n: transform(v) for n, v in stored.items()}))
    for key, values in updates:
        if values:
            conn.execute(sa.update(table).where(table.c[key_column] == key).values(**values))
    return sum(len(values) for _, values in updates)
