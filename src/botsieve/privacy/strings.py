"""Free strings in events leave the request either in a closed format or as a keyed hash.

The collector sends three free strings: ``field`` (inputs, pastes), ``target`` (focus) and
``mark`` (pages). A page could put anything there, typed text included, so none is stored as
sent. Field ids and focus targets are replaced by a keyed hash (HMAC-SHA256 under the install's
salt, 16 hex digits): the detectors only compare them with each other, which equal hashes
allow, and nobody can read a word back out of one. ``window`` stays, a closed word. Page marks
are shown to researchers, so a mark in the format of a page or question id (letters, digits
and ``_ - . : ~ / # [ ]``, no spaces) is kept; any other mark is hashed like a field id.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re

HASH_PREFIX = "h:"
CLOSED_TARGETS = frozenset({"window"})
PAGE_MARK = re.compile(r"[A-Za-z0-9_.:~/#\[\]-]{1,128}")


class EventStrings:
    """Turns a free string of an event into what is stored; one per install (its salt)."""

    def __init__(self, salt: bytes) -> None:
        self._key = hmac.new(salt, b"event-strings", hashlib.sha256).digest()
        self._seen: dict[str, str] = {}

    def stored(self, field: str, value: str) -> str:
        if field == "mark":
            return value if PAGE_MARK.fullmatch(value) else self._hashed(value)
        if field == "target" and value in CLOSED_TARGETS:
            return value
        return self._hashed(value)

    def _hashed(self, value: str) -> str:
        hashed = self._seen.get(value)
        if hashed is None:
            digest = hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()
            hashed = HASH_PREFIX + digest[:16]
            if len(self._seen) < 10_000:  # the same few ids come in every batch
                self._seen[value] = hashed
        return hashed


@functools.lru_cache(maxsize=4)
def event_strings(salt: bytes) -> EventStrings:
    """The install's policy, kept across requests so that its cache of hashes is reused."""
    return EventStrings(salt)
