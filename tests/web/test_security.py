"""Accounts and security: argon2, cookies, CSRF, tokens hashed at rest, login limits,
headers, language choice."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import PASSWORD, Site, bearer, log_in

pytestmark = pytest.mark.shared_data


def test_passwords_are_argon2_and_tokens_are_digests(client: Any, site: Site) -> None:
    store = client.app.state.diogel.store
    hashes = [r[0] for r in store.query_rows("SELECT password_hash FROM web_users")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    stored = [r[0] for r in store.query_rows("SELECT token_hash FROM web_tokens")]
    assert site.tokens["viewer"] not in stored
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in stored)


def test_login_sets_a_secure_session_cookie(client: Any) -> None:
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)[1]
    done = client.post("/login", data={"username": "vic", "password": PASSWORD, "csrf": csrf},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/"
    cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith("diogel_session="))
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie
    store = client.app.state.diogel.store
    value = cookie.split(";")[0].split("=", 1)[1]
    assert (
        store.query_rows("SELECT COUNT(*) FROM web_sessions WHERE session_hash = ?", [value])[0][0]
        == 0
    )
    assert client.get("/").status_code == 200


def test_login_refuses_a_form_without_its_token(client: Any) -> None:
    got = client.post("/login", data={"username": "vic", "password": PASSWORD, "csrf": "x"})
    assert got.status_code == 400 and "diogel_session" not in got.cookies


def test_login_does_not_follow_redirects_off_the_site(client: Any) -> None:
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)[1]
    done = client.post("/login", data={"username": "vic", "password": PASSWORD, "csrf": csrf,
                                       "next": "//evil.example/"}, follow_redirects=False)  # fmt: skip
    assert done.headers["location"] == "/"


def test_forms_need_the_session_csrf_token(client: Any) -> None:
    log_in(client, "ann")
    refused = client.post(
        "/admin/users", data={"username": "zed", "password": PASSWORD, "role": "viewer"}
    )
    assert refused.status_code == 403
    page = client.get("/admin/users")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]
    added = client.post("/admin/users", data={"username": "zed", "password": PASSWORD,
                                              "role": "viewer", "csrf": csrf})  # fmt: skip
    assert added.status_code == 200 and "zed" in added.text
    assert client.post("/logout", data={}).status_code == 403
    out = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303 and client.get("/", follow_redirects=False).status_code == 303


def test_failed_logins_are_limited(client: Any) -> None:
    for _ in range(5):
        form = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)[1]
        wrong = client.post(
            "/login", data={"username": "vic", "password": "wrong password!", "csrf": csrf}
        )
        assert wrong.status_code == 401
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)[1]
    blocked = client.post("/login", data={"username": "vic", "password": PASSWORD, "csrf": csrf})
    assert blocked.status_code == 429


def test_revoked_tokens_and_disabled_users_stop_working(client: Any, site: Site) -> None:
    from diogel.web import accounts

    state = client.app.state.diogel
    token_id, token = state.run(accounts.create_token, "ana", "partner system")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/areas", headers=headers).status_code == 200
    state.run(accounts.revoke_token, token_id)
    state.forget_logins()  # what the web pages that revoke and disable do
    assert client.get("/api/v1/areas", headers=headers).status_code == 401
    state.run(accounts.set_disabled, "vic", True)
    state.forget_logins()
    assert client.get("/api/v1/areas", headers=bearer(site, "viewer")).status_code == 401


def test_security_headers(client: Any) -> None:
    got = client.get("/login")
    csp = got.headers["content-security-policy"]
    assert (
        "default-src 'self'" in csp
        and "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
    )
    assert got.headers["x-frame-options"] == "DENY"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["referrer-policy"] == "same-origin"
    assert client.get("/api/v1/health").headers["cache-control"] == "no-store"


def test_language_from_query_then_cookie_then_browser(client: Any) -> None:
    assert '<html lang="en">' in client.get("/login").text
    assert (
        '<html lang="cy">' in client.get("/login", headers={"accept-language": "cy,en;q=0.5"}).text
    )
    chosen = client.get("/login?lang=cy")
    assert '<html lang="cy">' in chosen.text and "Mewngofnodi" in chosen.text
    assert chosen.cookies.get("diogel_lang") == "cy"
    assert '<html lang="cy">' in client.get("/login").text  # remembered
    assert '<html lang="en">' in client.get("/login?lang=en").text


def test_a_tile_server_can_be_configured(site: Site) -> None:
    from fastapi.testclient import TestClient

    from diogel.config import Settings
    from diogel.storage import open_store
    from diogel.web import create_app

    tiles = "https://tiles.example.org/{z}/{x}/{y}.png"
    store = open_store(str(site.db))
    extra = {"web": {"files_dir": str(site.files), "tile_url": tiles,
                     "tile_attribution": "© Example contributors"}}  # fmt: skip
    try:
        with TestClient(create_app(Settings(str(site.db), extra=extra), store),
                        base_url="https://testserver") as client:  # fmt: skip
            log_in(client, "vic")
            page = client.get("/map?area=Newport")
            assert f'data-tiles="{tiles}"' in page.text
            assert (
                "img-src 'self' data: https://tiles.example.org;"
                in page.headers["content-security-policy"]
            )
    finally:
        store.close()


def _login(client: Any, username: str) -> str:
    """Log in through the form; returns the session cookie value set."""
    form = client.get("/login")
    # the login form's own token (a signed-in page also has the log-out form's)
    csrf = re.findall(r'name="csrf" value="([^"]+)"', form.text)[-1]
    done = client.post("/login", data={"username": username, "password": PASSWORD, "csrf": csrf},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith("diogel_session="))
    return cookie.split(";")[0].split("=", 1)[1]


def test_a_session_is_never_fixed_from_outside(client: Any) -> None:
    """Session fixation: a session id planted in the browser before login is not adopted,
    and logging in again (as someone else) ends the session the browser held."""
    planted = "an-attacker-chose-this-session-id"
    client.cookies.set("diogel_session", planted)
    value = _login(client, "vic")
    assert value != planted and len(value) >= 32
    client.cookies.clear()
    client.cookies.set("diogel_session", planted)
    assert client.get("/", follow_redirects=False).status_code == 303  # planted id: no one

    client.cookies.clear()
    client.cookies.set("diogel_session", value)
    assert client.get("/", follow_redirects=False).status_code == 200  # vic's session
    second = _login(client, "ann")  # the same browser, another person
    assert second != value
    client.cookies.clear()
    client.cookies.set("diogel_session", value)
    assert client.get("/", follow_redirects=False).status_code == 303  # vic's session ended
    client.cookies.clear()
    client.cookies.set("diogel_session", second)
    assert client.get("/admin/users", follow_redirects=False).status_code == 200
