"""Our webhook signature, outbound and inbound: ``t=<unix>,v1=<hex>[,v1=<hex>]``.

``v1`` is the hex HMAC-SHA256 of ``f"{t}.{body}"`` under the endpoint's secret. During a
rotation both secrets sign, so a receiver that knows either accepts the delivery. The
timestamp bounds replays to a 5-minute window; the event id (``Botsieve-Event-Id`` and the
body's ``id``) lets receivers drop duplicates inside it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import secrets
import socket
import time
from urllib.parse import urlsplit

from botsieve.kit.errors import BadRequest, Unauthorized

SIGNATURE_HEADER = "Botsieve-Signature"
EVENT_ID_HEADER = "Botsieve-Event-Id"
EVENT_TYPE_HEADER = "Botsieve-Event-Type"
TOLERANCE_SECONDS = 300
EVENT_TYPES = ("result.ready", "session.flagged", "quality.ready")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secrets_: list[str], body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    return ",".join([f"t={t}", *(f"v1={_mac(s, t, body)}" for s in secrets_)])


def verify(
    header: str | None, body: bytes, secrets_: list[str], *, now: float | None = None
) -> int:
    """Check a signature header against any valid secret; return its timestamp."""
    if not header:
        raise Unauthorized(f"The {SIGNATURE_HEADER} header is missing.")
    timestamp: int | None = None
    macs: list[bytes] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        # ASCII digits only, as many as a Unix time has: "²³" and 400-digit stamps are refused.
        if key == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1" and value:
            # Bytes, not str: compare_digest refuses a str that is not ASCII (a 500).
            macs.append(value.lower().encode("utf-8", "surrogatepass"))
    if timestamp is None or not macs:
        raise Unauthorized(f"The {SIGNATURE_HEADER} header must be 't=<unix>,v1=<hex>'.")
    current = time.time() if now is None else now
    if abs(current - timestamp) > TOLERANCE_SECONDS:
        raise Unauthorized("The signature's timestamp is more than 5 minutes off: replay refused.")
    matched = False
    for secret in secrets_:
        expected = _mac(secret, timestamp, body).encode()
        for presented in macs:
            matched |= hmac.compare_digest(expected, presented)
    if not matched:
        raise Unauthorized("The signature does not match the body under any valid secret.")
    return timestamp


async def check_destination(url: str, *, allow_private: bool) -> str:
    """Refuse what is not http(s), and (unless allowed) private and loopback destinations.

    The name is resolved here, once, at configuration time; deliveries re-check nothing, so
    this is a guard against mistakes and casual SSRF, not against DNS rebinding.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest(f"Not an http(s) URL: {url!r}")
    if allow_private:
        return url
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP
        )
    except OSError:
        raise BadRequest(f"The host {parts.hostname!r} does not resolve.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        # is_global also rules out shared (carrier-grade NAT, 100.64.0.0/10) and reserved space.
        if not address.is_global or address.is_multicast:
            raise BadRequest(f"{parts.hostname!r} resolves to a private address ({address}).")
    return url
