"""Text that every database can store: valid UTF-8 (no lone surrogates) and no NUL characters.

JSON allows both ("\\udaf9", "\\u0000"); PostgreSQL refuses them in text and jsonb, and SQLite
cannot encode a lone surrogate, so they are refused at the edge as a validation error.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

import orjson
from pydantic import AfterValidator


def storable_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (no lone surrogates)") from None
    return value


def storable_json_size(value: Any) -> int:
    """The size of ``value`` as JSON, refusing what a database could not store."""
    try:
        encoded = orjson.dumps(value)
    except orjson.JSONEncodeError as exc:
        raise ValueError(f"must be JSON with valid Unicode and 64-bit numbers ({exc})") from None
    if b"\\u0000" in encoded:
        raise ValueError("must not contain NUL characters")
    return len(encoded)


StorableText = Annotated[str, AfterValidator(storable_text)]


def short_url(max_length: int) -> AfterValidator:
    """A URL that fits the column it is stored in (pydantic allows 2,083 characters)."""

    def check(url: Any) -> Any:
        if len(str(url)) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        return url

    return AfterValidator(check)


def storable_json(max_bytes: int) -> AfterValidator:
    """A JSON document every database stores and every reply can carry, of bounded size."""

    def check(value: Any) -> Any:
        if storable_json_size(value) > max_bytes:
            raise ValueError(f"must be at most {max_bytes} bytes as JSON")
        return value

    return AfterValidator(check)


def same_secret(expected: str, presented: str) -> bool:
    """Constant-time comparison of two strings as UTF-8 bytes: ``hmac.compare_digest`` refuses
    a ``str`` that is not ASCII (a TypeError, which would be a 500), and a header or cookie may
    carry any text, a lone surrogate included."""
    return hmac.compare_digest(
        expected.encode("utf-8", "surrogatepass"), presented.encode("utf-8", "surrogatepass")
    )
