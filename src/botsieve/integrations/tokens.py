"""Integration tokens remembered by each process for a few seconds.

Every score call and entry check presents its integration's token; looking it up was a third
of such a call's own work (py-spy, ``python -m bench.integrations_burst``). A row found is kept
for ``key_cache_seconds``, as API keys are (auth/keys.py): a change made through this process
(an edit, a rotation, a deletion) forgets every remembered row at once, and other processes
see it within those seconds. Unknown tokens are never remembered, so wrong guesses cannot fill
the memory; they go to the database (and the failed-authentication gate) every time.
"""

from __future__ import annotations

import datetime as dt
import time

from botsieve.models import Integration

MAX_REMEMBERED = 4096
_rows: dict[str, tuple[Integration, float]] = {}


def still_accepts(row: Integration, token_hash: str, now: dt.datetime) -> bool:
    """What the database lookup asks: active, and the current token or the previous one
    during its grace (which may have ended since the row was remembered)."""
    if not row.active:
        return False
    if row.token_hash == token_hash:
        return True
    grace = row.previous_token_until
    return row.previous_token_hash == token_hash and grace is not None and grace > now


def recall(token_hash: str, ttl: float) -> Integration | None:
    found = _rows.get(token_hash)
    if found is None:
        return None
    row, at = found
    if time.monotonic() - at > ttl:
        del _rows[token_hash]
        return None
    return row


def remember(token_hash: str, row: Integration) -> None:
    if len(_rows) >= MAX_REMEMBERED:
        _rows.clear()  # rare (thousands of live integrations): start over, not an LRU's cost
    _rows[token_hash] = (row, time.monotonic())


def forget_all() -> None:
    _rows.clear()
