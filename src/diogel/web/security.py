"""Who is asking and in which language: sessions, API tokens, roles, CSRF, headers."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any, Final

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from diogel.errors import AccessDenied, DiogelError
from diogel.i18n import LANGUAGES
from diogel.web import accounts
from diogel.web.accounts import User
from diogel.web.context import AppState, Reader

SESSION_COOKIE: Final = "diogel_session"
LANG_COOKIE: Final = "diogel_lang"


class NotLoggedIn(AccessDenied):
    """No valid session or API token came with the request (HTTP 401)."""

    code = "unauthenticated"


class TooManyAttempts(AccessDenied):
    """Too many failed logins; wait before trying again (HTTP 429)."""

    code = "too_many_attempts"


#: HTTP status of each error code.
STATUS: Final = {
    "invalid_input": 400, "unauthenticated": 401, "access_denied": 403, "not_found": 404,
    "too_many_attempts": 429, "store_error": 503, "config_error": 500,
}  # fmt: skip


def status_of(error: DiogelError) -> int:
    """The HTTP status for a Diogel error."""
    return STATUS.get(error.code, 400)


def state_of(request: Request) -> AppState:
    """The app's shared state."""
    state: AppState = request.app.state.diogel
    return state


def reader_of(request: Request) -> Reader:
    """The signed-in person's reads (through the sharing agreements); 401 if nobody."""
    found: Reader | None = request.scope.get("reader")
    if found is None:
        user = require(request, "viewer")
        found = request.scope["reader"] = Reader(state_of(request), user.username)
    return found


def choose_language(request: Request) -> str:
    """``?lang=``, then the remembered choice (a cookie), then ``Accept-Language``.

    Examples
    --------
    >>> from starlette.requests import Request
    >>> scope = {"type": "http", "query_string": b"", "headers": [
    ...     (b"accept-language", b"cy-GB,cy;q=0.9,en;q=0.8")]}
    >>> choose_language(Request(scope))
    'cy'
    """
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in LANGUAGES:
        return str(remembered)
    best, best_q = "en", -1.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            quality = float(q) if q else 1.0
        except ValueError:
            continue
        primary = tag.split("-")[0].strip().lower()
        if primary in LANGUAGES and quality > best_q:
            best, best_q = primary, quality
    return best


def current_user(request: Request) -> User | None:
    """The user behind a ``Bearer`` API token or a session cookie (looked up once per
    request)."""
    if "user" in request.scope:
        found: User | None = request.scope["user"]
        return found
    state = state_of(request)
    user: User | None = None
    csrf: str | None = None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
        user = state.login(
            "t:" + accounts.digest(token), lambda: state.run(accounts.token_user, token)
        )
    elif request.cookies.get(SESSION_COOKIE):
        value = request.cookies[SESSION_COOKIE]
        found_session = state.login(
            "s:" + accounts.digest(value), lambda: state.run(accounts.session_user, value)
        )
        if found_session is not None:
            user, csrf = found_session
    request.scope["user"] = user
    request.scope["csrf"] = csrf
    return user


def csrf_token(request: Request) -> str | None:
    """The CSRF token of the request's session."""
    current_user(request)
    token: str | None = request.scope.get("csrf")
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a form post whose CSRF token does not match its session's."""
    expected = csrf_token(request)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise AccessDenied(
            "this form has expired or did not come from Diogel",
            hint="go back, reload the page and send it again",
        )


def require(request: Request, role: str) -> User:
    """The request's user if they hold ``role``; else 401 (nobody) or 403 (too low)."""
    user = current_user(request)
    if user is None:
        raise NotLoggedIn(
            "you need to log in (or send an API token) to use this",
            hint="send 'Authorization: Bearer <token>'; see 'diogel tokens create'",
        )
    if not user.can(role):
        raise AccessDenied(
            f"this needs the {role} role; you have {user.role}",
            hint="ask an administrator for access",
        )
    return user


def role_dependency(role: str) -> Callable[[Request], User]:
    """A FastAPI dependency that requires ``role``."""

    def dependency(request: Request) -> User:
        return require(request, role)

    dependency.__name__ = f"require_{role}"
    return dependency


def content_security_policy(tile_url: str | None) -> str:
    """The CSP: everything from this server only (and the tile server's images, if set).

    Examples
    --------
    >>> "frame-ancestors 'none'" in content_security_policy(None)
    True
    >>> "img-src 'self' data: https://tiles.example" in content_security_policy(
    ...     "https://tiles.example/{z}/{x}/{y}.png")
    True
    """
    images = "'self' data:"
    if tile_url:
        scheme, _, rest = tile_url.partition("://")
        images += f" {scheme}://{rest.split('/')[0]}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """ASGI middleware adding security headers to every response."""

    def __init__(self, app: ASGIApp, *, tile_url: str | None = None) -> None:
        self.app = app
        policy = content_security_policy(tile_url)
        self.headers: list[tuple[bytes, bytes]] = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        self.policy = policy.encode()
        # The interactive API docs need their own scripts; they get a policy of their own.
        self.docs_policy = (
            b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
            b"'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                names = {h[0].lower() for h in headers}
                headers.extend(h for h in self.headers if h[0] not in names)
                if b"content-security-policy" not in names:
                    policy = self.docs_policy if path.startswith("/api/v1/docs") else self.policy
                    headers.append((b"content-security-policy", policy))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
