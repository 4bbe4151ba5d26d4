"""Logins: argon2 passwords, a secure HTTP-only cookie, CSRF on changes, rate limits."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from botsieve.kit.db import transaction
from botsieve.models import User
from tests.users.conftest import PASSWORD, https_client, login, make_user


async def test_passwords_are_stored_as_argon2_hashes(app):
    await make_user(app, "admin")
    async with transaction(app.state.botsieve.sessionmaker) as db:
        user = await db.scalar(select(User))
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


async def test_login_sets_a_secure_http_only_session_cookie(app, web):
    await make_user(app, "viewer")
    response = await web.post(
        "/api/v1/auth/login", json={"email": "VIEWER@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("botsieve_session="))
    assert "HttpOnly" in session and "Secure" in session and "SameSite=strict" in session
    csrf = next(c for c in cookies if c.startswith("botsieve_csrf="))
    assert "HttpOnly" not in csrf
    me = (await web.get("/api/v1/auth/me")).json()
    assert me["role"] == "viewer" and me["user"]["email"] == "viewer@example.org"


async def test_wrong_password_and_unknown_email_get_the_same_answer(app, web):
    await make_user(app, "viewer")
    wrong = await web.post(
        "/api/v1/auth/login", json={"email": "viewer@example.org", "password": "nope nope"}
    )
    unknown = await web.post(
        "/api/v1/auth/login", json={"email": "who@example.org", "password": "nope nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]


async def test_changes_need_the_csrf_header(app, web):
    await make_user(app, "admin")
    csrf = await login(web, "admin@example.org")
    body = {"retention": {"retention_days": 30}}
    refused = await web.put("/api/v1/settings", json=body)
    assert refused.status_code == 403
    wrong = await web.put("/api/v1/settings", json=body, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    accepted = await web.put("/api/v1/settings", json=body, headers=csrf)
    assert accepted.status_code == 200


async def test_a_csrf_header_that_is_not_ascii_is_refused_not_a_server_error(app, web):
    await make_user(app, "admin")
    await login(web, "admin@example.org")
    body = {"retention": {"retention_days": 30}}
    # Header bytes arrive as latin-1 text: "é" and a UTF-8 sequence alike.
    for sent in ("caf\u00e9".encode("latin-1"), "\u2603".encode()):
        wrong = await web.put("/api/v1/settings", json=body, headers={"X-CSRF-Token": sent})
        assert wrong.status_code == 403, wrong.text


async def test_logout_voids_the_cookie_even_if_replayed(app, web):
    await make_user(app, "viewer")
    csrf = await login(web, "viewer@example.org")
    stolen = web.cookies.get("botsieve_session")
    assert (await web.post("/api/v1/auth/logout", headers=csrf)).status_code == 204
    async with https_client(app) as thief:
        replay = await thief.get(
            "/api/v1/auth/me", headers={"Cookie": f"botsieve_session={stolen}"}
        )
    assert replay.status_code == 401


async def test_login_attempts_are_rate_limited(app, web):
    await make_user(app, "viewer")
    codes = []
    for _ in range(12):
        response = await web.post(
            "/api/v1/auth/login", json={"email": "viewer@example.org", "password": "guess guess"}
        )
        codes.append(response.status_code)
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]


async def test_the_last_admin_cannot_be_demoted(app, web):
    await make_user(app, "admin")
    csrf = await login(web, "admin@example.org")
    users = (await web.get("/api/v1/users")).json()
    response = await web.patch(
        f"/api/v1/users/{users[0]['id']}", json={"role": "viewer"}, headers=csrf
    )
    assert response.status_code == 400


async def test_a_role_change_signs_the_user_out(app, web):
    await make_user(app, "admin")
    await make_user(app, "analyst")
    csrf = await login(web, "admin@example.org")
    async with https_client(app) as other:
        await login(other, "analyst@example.org")
        users = {u["email"]: u["id"] for u in (await web.get("/api/v1/users")).json()}
        await web.patch(
            f"/api/v1/users/{users['analyst@example.org']}", json={"role": "viewer"}, headers=csrf
        )
        assert (await other.get("/api/v1/auth/me")).status_code == 401


async def test_an_attacker_elsewhere_cannot_lock_the_owner_out(settings):
    from botsieve.app import create_app
    from tests.conftest import start_clean

    proxied = settings.model_copy(update={"trusted_proxies": ["127.0.0.1/32"]})
    app = create_app(proxied)
    async with app.router.lifespan_context(app):
        await start_clean(app)
        email = await make_user(app, "admin", "owner@example.org")
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="https://t") as web:
            attacker = {"X-Forwarded-For": "203.0.113.9"}
            wrong = {"email": email, "password": "guess guess"}
            codes = [
                (await web.post("/api/v1/auth/login", json=wrong, headers=attacker)).status_code
                for _ in range(12)
            ]
            assert codes[-1] == 429
            owner = {"X-Forwarded-For": "198.51.100.20"}
            right = {"email": email, "password": PASSWORD}
            reply = await web.post("/api/v1/auth/login", json=right, headers=owner)
            assert reply.status_code == 200, reply.text
