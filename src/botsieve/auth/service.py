"""Creating, verifying and revoking API keys.

A key is ``bs_pk_`` or ``bs_sk_``, 8 lookup characters, then 32 secret ones. Only the SHA-256 of
the whole key is stored: keys are long random strings, so a fast hash is as safe as a slow one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from botsieve.auth.prefixes import active_prefixes
from botsieve.auth.repository import ApiKeyRepository
from botsieve.auth.schemas import ApiKeyOut, CreatedApiKey, KeyKind, Principal
from botsieve.kit.db import transaction
from botsieve.kit.errors import BadRequest, NotFound, Unauthorized
from botsieve.models import ApiKey
from botsieve.models.base import utcnow

KIND_PREFIX: dict[str, KeyKind] = {"bs_pk_": "publishable", "bs_sk_": "secret"}
LOOKUP_LENGTH = 14  # "bs_xx_" + 8 characters


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def normalise_origin(origin: str) -> str:
    if origin == "*":
        return origin
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise BadRequest(f"Not an origin (scheme://host[:port]): {origin!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


def _out(key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut.model_validate(key, from_attributes=True)


async def create_key(
    db: AsyncSession, *, name: str, kind: KeyKind, allowed_origins: list[str] | None = None
) -> CreatedApiKey:
    origins = [normalise_origin(o) for o in allowed_origins or []]
    lead = next(p for p, k in KIND_PREFIX.items() if k == kind)
    plaintext = lead + secrets.token_urlsafe(30).replace("-", "x").replace("_", "y")[:40]
    row = await ApiKeyRepository(db).add(
        ApiKey(
            name=name,
            kind=kind,
            prefix=plaintext[:LOOKUP_LENGTH],
            key_hash=_hash(plaintext),
            allowed_origins=origins,
        )
    )
    return CreatedApiKey(**_out(row).model_dump(), key=plaintext)


async def list_keys(db: AsyncSession, include_revoked: bool = False) -> list[ApiKeyOut]:
    return [_out(k) for k in await ApiKeyRepository(db).list(include_revoked)]


async def revoke_key(db: AsyncSession, key_id_or_prefix: str) -> None:
    if "\x00" in key_id_or_prefix or not key_id_or_prefix.isprintable():
        raise NotFound(f"No API key {key_id_or_prefix!r}")  # and no database could store it
    repo = ApiKeyRepository(db)
    key = await repo.by_prefix(key_id_or_prefix[:LOOKUP_LENGTH])
    if key is None:
        try:
            key_id = uuid.UUID(key_id_or_prefix)
        except ValueError:
            raise NotFound(f"No API key {key_id_or_prefix!r}") from None
    else:
        key_id = key.id
    if not await repo.revoke(key_id, utcnow()):
        raise NotFound(f"No active API key {key_id_or_prefix!r}")


class KeyVerifier:
    """Verifies presented keys, caching the answer for a few seconds per key.

    The cache keeps key lookups off the ingestion hot path; a revoked key stops working within
    ``ttl`` seconds on every worker. The prefixes of active keys are kept in memory too
    (auth/prefixes.py), so a key with an unknown prefix (a guess, a flood of random keys) is
    refused without a lookup of its own: it waits for the next shared reload of the prefix set,
    at most one every ``PREFIX_RELOAD_SECONDS`` (never spaced more than ``ttl``). A key made by
    another process or instance is found by that reload, so its first request already works and
    is never counted as a failed authentication.
    """

    PREFIX_RELOAD_SECONDS = 0.25

    def __init__(self, ttl: float, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.ttl = ttl
        self._sessionmaker = sessionmaker
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._prefixes = active_prefixes(sessionmaker, min(ttl, self.PREFIX_RELOAD_SECONDS))

    async def verify(self, presented: str) -> Principal:
        now = time.monotonic()
        cached = self._cache.get(presented)
        if cached is not None and cached[0] >= now:
            principal = cached[1]
        elif not await self._may_exist(presented):
            # Not cached per key: the prefix set already remembers it, and a flood of random
            # keys must not push the real keys' principals out of the cache.
            principal = None
        else:
            principal = await self._lookup(presented)
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[presented] = (now + self.ttl, principal)
        if principal is None:
            raise Unauthorized("Invalid or revoked API key.")
        return principal

    async def _may_exist(self, presented: str) -> bool:
        if KIND_PREFIX.get(presented[:6]) is None or len(presented) < LOOKUP_LENGTH + 16:
            return False
        return await self._prefixes.known(presented[:LOOKUP_LENGTH])

    async def _lookup(self, presented: str) -> Principal | None:
        kind = KIND_PREFIX[presented[:6]]
        async with transaction(self._sessionmaker) as db:
            row = await ApiKeyRepository(db).row_by_prefix(presented[:LOOKUP_LENGTH])
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.key_hash, _hash(presented)):
            return None
        return Principal(row.id, kind, row.name, tuple(row.allowed_origins or ()))

    def is_known_prefix(self, presented: str) -> bool:
        """Whether the key starts like an active key, from memory only (no database)."""
        return len(presented) >= LOOKUP_LENGTH and presented[:LOOKUP_LENGTH] in self._prefixes

    def remember(self, prefix: str) -> None:
        """A key made by this worker works here at once (others find it on its first request)."""
        self._prefixes.add(prefix)

    def forget(self) -> None:
        self._cache.clear()
        self._prefixes.mark_stale()


async def ensure_stored_key(
    db: AsyncSession, key_file: Path, *, name: str, kind: KeyKind, origins: list[str]
) -> str:
    """A development key kept in ``key_file``, reused across restarts while it stays valid.

    Only for development conveniences (the demo survey, the key ``make run`` prints): outside
    development no key is ever written to disk.
    """
    repo = ApiKeyRepository(db)
    if key_file.exists():
        plaintext = key_file.read_text().strip()
        row = await repo.by_prefix(plaintext[:LOOKUP_LENGTH])
        wanted = {normalise_origin(o) for o in origins}
        valid = row is not None and row.revoked_at is None and row.kind == kind
        if valid and row is not None and wanted <= set(row.allowed_origins):
            return plaintext
        if row is not None:
            await repo.revoke(row.id, utcnow())
    created = await create_key(db, name=name, kind=kind, allowed_origins=origins)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(created.key)
    key_file.chmod(0o600)
    return created.key
