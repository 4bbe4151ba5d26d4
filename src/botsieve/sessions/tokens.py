"""Per-session write tokens: an HMAC of the session id, so checking one needs no lookup."""

from __future__ import annotations

import base64
import hmac
import uuid

from botsieve.kit.text import same_secret


def session_token(secret: bytes, session_id: uuid.UUID) -> str:
    digest = hmac.digest(secret, b"session-write:" + session_id.bytes, "sha256")
    return base64.urlsafe_b64encode(digest[:24]).decode()


def token_matches(secret: bytes, session_id: uuid.UUID, presented: str | None) -> bool:
    if not presented:
        return False
    return same_secret(session_token(secret, session_id), presented)
