"""Per-session write tokens: an HMAC of the session id, so checking one needs no lookup."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid


def session_token(secret: bytes, session_id: uuid.UUID) -> str:
    digest = hmac.new(secret, b"session-write:" + session_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def token_matches(secret: bytes, session_id: uuid.UUID, presented: str | None) -> bool:
    if not presented:
        return False
    return hmac.compare_digest(session_token(secret, session_id), presented)
