"""Server-rendered pages: the Jinja environment, the words of the page, the language cookie."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from diogel.assess.words import category_name
from diogel.i18n import LANGUAGES, translator
from diogel.web.security import LANG_COOKIE, choose_language, csrf_token, current_user, state_of

#: The main navigation: path, message, the role needed to see it.
NAV = (
    ("/", "Dashboard", "viewer"),
    ("/map", "Map", "viewer"),
    ("/compare", "Compare", "viewer"),
    ("/data", "Data", "viewer"),
    ("/assessments", "Assessments", "viewer"),
    ("/governance", "Governance", "viewer"),
    ("/admin/users", "Users", "admin"),
    ("/admin/agreements", "Information sharing", "admin"),
)


@cache
def environment() -> Environment:
    """The template environment (autoescaping on)."""
    env = Environment(
        loader=PackageLoader("diogel.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def with_query(request: Request, **changes: str | None) -> str:
    """This page's URL with some query parameters changed (None removes one).

    Examples
    --------
    >>> from starlette.requests import Request
    >>> r = Request({"type": "http", "path": "/map", "query_string": b"area=Newport&lang=en",
    ...              "headers": []})
    >>> with_query(r, lang="cy")
    '/map?area=Newport&lang=cy'
    """
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def page(
    request: Request, template: str, title: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page in the request's language, remembering a language chosen by ``?lang=``.

    ``title`` is an English message; it is translated here.
    """
    lang = choose_language(request)
    t = translator(lang)
    user = current_user(request)
    other = "cy" if lang == "en" else "en"
    state = state_of(request)
    html = environment().get_template(template).render(
        _=t.gettext, t=t, lang=lang, other_lang=other, title=t(title), user=user,
        csrf=csrf_token(request), path=request.url.path,
        switch_url=with_query(request, lang=other),
        nav=[(href, t(label)) for href, label, role in NAV if user and user.can(role)],
        options=state.options, category_label=lambda c: category_name(c, t, start=True),
        **context,
    )  # fmt: skip
    response = HTMLResponse(html, status_code=status)
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, str(asked), max_age=365 * 24 * 3600, httponly=True, samesite="lax",
            secure=state.options.secure_cookies,
        )  # fmt: skip
    return response
