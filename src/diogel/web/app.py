"""``create_app(settings, store)``: the Diogel web app and REST API, composed explicitly."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from diogel.config import Settings
from diogel.errors import DiogelError
from diogel.i18n import translator
from diogel.storage import Store
from diogel.web import api, api_partners, pages, pages_governance, pages_sharing, pages_work
from diogel.web.context import AppState
from diogel.web.jobs import JobRunner
from diogel.web.render import page
from diogel.web.security import NotLoggedIn, SecurityHeaders, choose_language, status_of

log = logging.getLogger("diogel.web")
#: The heading of an error page for each status (messages translated when shown).
ERROR_TITLES = {
    400: "Something is not right", 401: "Please log in", 403: "Not allowed", 404: "Not found",
    429: "Too many attempts", 500: "Something went wrong",
}  # fmt: skip


def _version() -> str:
    try:
        return version("diogel")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def create_app(settings: Settings, store: Store) -> FastAPI:
    """The web app and API for one store.

    Parameters
    ----------
    settings : Settings
        Where things are; the ``[web]`` table of the settings file sets the files folder,
        an optional map tile URL and cookie options (see ``diogel.web.context``).
    store : Store
        The open database; it stays open (the caller closes it).

    Returns
    -------
    FastAPI
        An ASGI app: pages at ``/``, the API at ``/api/v1`` (OpenAPI at
        ``/api/v1/openapi.json``, interactive docs at ``/api/v1/docs``).
    """
    state = AppState(settings, store)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.jobs.shutdown()
        state.close()

    app = FastAPI(
        title="Diogel API",
        version=_version(),
        description="Data, analysis and strategic assessments for community safety "
        "partnerships. Send an API token as `Authorization: Bearer TOKEN` "
        "(create one with 'diogel tokens create'). Errors have one shape: "
        "{error, message, hint}.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.diogel = state
    state.jobs = JobRunner(state)
    app.include_router(api.router)
    app.include_router(api_partners.router)
    app.include_router(pages.router)
    app.include_router(pages_work.router)
    app.include_router(pages_sharing.router)
    app.include_router(pages_governance.router)
    static = resources.files("diogel.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_api_route("/api/v1/docs", _docs, include_in_schema=False)
    app.add_exception_handler(DiogelError, _diogel_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
    app.add_middleware(SecurityHeaders, tile_url=state.options.tile_url)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _docs(request: Request) -> Response:
    return page(request, "api_docs.html", "API documentation")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or (
        "application/json" in request.headers.get("accept", "")
        and "text/html" not in request.headers.get("accept", "")
    )


def _error_response(
    request: Request, body: dict[str, Any], status: int, error: DiogelError | None = None
) -> Response:
    """The error as JSON for the API (always English), or as a page in the reader's
    language: Diogel's own errors in Welsh where they have a translation, others in
    English, said to be so."""
    if _wants_json(request):
        headers = {"www-authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)
    t = translator(choose_language(request))
    text = t.error(error) if error is not None else None
    return page(request, "error.html", ERROR_TITLES.get(status, "Something went wrong"),
                status=status, message=text.message if text else body["message"],
                hint=text.hint if text else body.get("hint"),
                english_only=t.lang != "en" and (text is None or text.english))  # fmt: skip


async def _diogel_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DiogelError)
    if isinstance(exc, NotLoggedIn) and not _wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)
    return _error_response(request, exc.to_dict(), status_of(exc), exc)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "body"))
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    body = {"error": "invalid_input", "message": "; ".join(problems) or "invalid request",
            "hint": "see the API documentation at /api/v1/docs"}  # fmt: skip
    return _error_response(request, body, 400)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    body = {"error": codes.get(exc.status_code, "http_error"), "message": str(exc.detail),
            "hint": None}  # fmt: skip
    return _error_response(request, body, exc.status_code)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    body = {"error": "internal", "message": "something went wrong on the server",
            "hint": "try again; if it happens again, tell your administrator"}  # fmt: skip
    return _error_response(request, body, 500)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document: bearer tokens, and 400 (not FastAPI's 422) for bad input."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)  # fmt: skip
    schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
        "type": "http", "scheme": "bearer",
        "description": "An API token from 'diogel tokens create'",
    }  # fmt: skip
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
            if path == "/api/v1/health":
                operation["security"] = []
                operation.get("responses", {}).clear()
                operation["responses"] = {"200": {
                    "description": "Up", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Health"}}}}}  # fmt: skip
            else:
                operation["security"] = [{"bearer": []}]
    for name in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(name, None)
    app.openapi_schema = schema
    return schema
