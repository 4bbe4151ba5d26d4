"""Client addresses: X-Forwarded-For is believed only from trusted proxies."""

from __future__ import annotations

from starlette.requests import Request

from botsieve.kit.clientip import client_ip, hash_ip


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (peer, 1234), "headers": headers})


def test_socket_peer_without_proxies():
    assert client_ip(_request("203.0.113.9", "198.51.100.1"), []) == "203.0.113.9"


def test_forwarded_address_from_a_trusted_proxy():
    request = _request("10.0.0.2", "198.51.100.1, 10.0.0.7")
    assert client_ip(request, ["10.0.0.0/8"]) == "198.51.100.1"


def test_forwarded_header_from_an_untrusted_peer_is_ignored():
    request = _request("203.0.113.9", "198.51.100.1")
    assert client_ip(request, ["10.0.0.0/8"]) == "203.0.113.9"


def test_spoofed_left_entries_are_not_believed():
    # The client wrote "1.1.1.1" itself; the proxy appended the real address.
    request = _request("10.0.0.2", "1.1.1.1, 198.51.100.1")
    assert client_ip(request, ["10.0.0.0/8"]) == "198.51.100.1"


def test_ip_hash_depends_on_the_install_salt():
    assert hash_ip("198.51.100.1", b"a") == hash_ip("198.51.100.1", b"a")
    assert hash_ip("198.51.100.1", b"a") != hash_ip("198.51.100.1", b"b")
    assert "198" not in hash_ip("198.51.100.1", b"a")
