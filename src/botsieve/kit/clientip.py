"""The client's address, believing X-Forwarded-For only from configured proxies; and its hash."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


@lru_cache(maxsize=4096)
def _is_trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    # Cached (bounded): parsing the address was most of the CPU the failed-auth gate spends on a
    # refused request, and a flood comes from few addresses.
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_ip(request: HTTPConnection, trusted_proxies: Sequence[str]) -> str:
    """The socket's peer, or, behind trusted proxies, the nearest address they did not add."""
    peer = request.client.host if request.client else ""
    proxies = parse_networks(tuple(trusted_proxies))
    if not proxies or not _is_trusted(peer, proxies):
        return peer
    forwarded = request.headers.get("x-forwarded-for", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


@lru_cache(maxsize=4096)
def hash_ip(address: str, salt: bytes) -> str:
    """A salted hash: equal for equal addresses within one install, useless elsewhere.

    Cached: a survey's respondents send many requests each, and an HMAC per request was a
    visible part of session creation's CPU time. The cache holds hashes, never addresses alone.
    """
    return hmac.digest(salt, address.encode(), "sha256").hex()[:32]
