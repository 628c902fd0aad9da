"""Pages: log in and out, the dashboard, the map, comparing areas, and their charts."""

from __future__ import annotations

import json
import secrets
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from diogel.assess.words import category_name, change_statement
from diogel.errors import DiogelError
from diogel.i18n import translator
from diogel.web import accounts, queries
from diogel.web.render import page
from diogel.web.security import (
    SESSION_COOKIE,
    TooManyAttempts,
    check_csrf,
    choose_language,
    reader_of,
    require,
    state_of,
)

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "diogel_login_csrf"


def _local(target: str | None) -> str:
    """Only paths on this site are followed after login (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", "Log in", login_csrf=token, next=_local(next))
    state = state_of(request)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict",
                        secure=state.options.secure_cookies, max_age=3600)  # fmt: skip
    return response


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf: str = Form(""),
    next: str = Form("/"),
) -> Response:
    state = state_of(request)
    t = translator(choose_language(request))
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not secrets.compare_digest(expected, csrf):
        return _login_again(request, t("Your login form expired. Please try again."), 400)
    client = request.client.host if request.client else "unknown"
    wait = state.limiter.blocked(username, client)
    if wait:
        raise TooManyAttempts(
            f"too many failed logins; try again in {wait // 60 + 1} minutes",
            hint="ask an administrator if you have forgotten your password",
        )
    user = state.run(accounts.authenticate, username, password)
    if user is None:
        state.limiter.failed(username, client)
        return _login_again(request, t("The user name or password is not right."), 401)
    state.limiter.succeeded(username)
    # Against session fixation: a session is always new at login, made by the server; a
    # session cookie the browser already holds (planted, or someone else's) is ended.
    earlier = request.cookies.get(SESSION_COOKIE)
    if earlier:
        state.run(accounts.end_session, earlier)
        state.forget_logins()
    value, _ = state.run(accounts.start_session, user)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, value, max_age=accounts.SESSION_DAYS * 24 * 3600, httponly=True,
        samesite="lax", secure=state.options.secure_cookies, path="/",
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF)
    return response


def _login_again(request: Request, message: str, status: int) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", "Log in", status=status, error=message,
                    login_csrf=token, next="/")  # fmt: skip
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict",
                        secure=state_of(request).options.secure_cookies, max_age=3600)  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    require(request, "viewer")
    check_csrf(request, csrf)
    state = state_of(request)
    state.run(accounts.end_session, request.cookies.get(SESSION_COOKIE, ""))
    state.forget_logins()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def choices(request: Request, months: int = 12) -> dict[str, Any]:
    """The area and period a page shows: from the query, else the latest loaded months."""
    state = reader_of(request)
    latest = queries.latest_period(state, months) or ("", "")
    q = request.query_params
    return {
        "area_text": q.get("area") or "Newport",
        "start": q.get("from") or latest[0],
        "end": q.get("to") or latest[1],
        "category": q.get("category") or None,
        "councils": queries.councils(choose_language(request), state),
        "has_data": bool(latest[0]),
    }


@router.get("/")
def dashboard(request: Request) -> Response:
    require(request, "viewer")
    form = choices(request)
    view: dict[str, Any] = {}
    if form["has_data"]:
        view = _dashboard_view(request, form)
    return page(request, "dashboard.html", "Dashboard", form=form, **view)


def _dashboard_view(request: Request, form: dict[str, Any]) -> dict[str, Any]:
    state, lang = reader_of(request), choose_language(request)
    t = translator(lang)
    try:
        area, period = queries.area_and_period(state, form["area_text"], form["start"], form["end"])
        summary = json.loads(queries.summary_json(state, area, period, lang))
        report = queries.trends(state, area, period, None) if period.months >= 2 else None
    except DiogelError as exc:
        return {"problem": str(exc)}
    change = None
    rows = []
    if report is not None and report.comparison is not None:
        change = change_statement(t("Crime and anti-social behaviour"), report.comparison, t)
    for category, count in summary["by_category"].items():
        c = report.category_changes.get(category) if report is not None else None
        rows.append({
            "name": category_name(category, t, start=True), "count": count,
            "share": count / summary["total"] if summary["total"] else 0,
            "change": None if c is None or c.pct_change is None else c.pct_change / 100,
            "significant": bool(c is not None and c.significant),
        })  # fmt: skip
    trend = report.as_dict(lang) if report is not None else None
    return {
        "area": area, "period": period, "summary": summary, "change": change,
        "categories": rows, "trend": trend,
        "chart_url": f"/charts/trend.svg?area={area.code}&from={form['start']}&to={form['end']}"
        f"&lang={lang}",
    }  # fmt: skip


@router.get("/map")
def map_page(request: Request) -> Response:
    require(request, "viewer")
    state, lang = reader_of(request), choose_language(request)
    form = choices(request)
    view: dict[str, Any] = {}
    if form["has_data"]:
        try:
            area, period = queries.area_and_period(
                state, form["area_text"], form["start"], form["end"]
            )
            view = {
                "area": area, "period": period,
                "categories": queries.categories_in(state, area, period),
                "lsoas": queries.rates(state, area, period, form["category"]).lsoas.head(20)
                .to_dict("records"),
                "hot": _hot_rows(state, area, period, form["category"]),
            }  # fmt: skip
        except DiogelError as exc:
            view = {"problem": str(exc)}
    return page(request, "map.html", "Map", form=form, lang_code=lang, **view)


def _hot_rows(state: Any, area: Any, period: Any, category: str | None) -> list[dict[str, Any]]:
    """How many Gi* cells fell in each class: the table beside the map."""
    data = json.loads(queries.hotspots_json(
        state, area, period, method="gistar", category=category, cell_size=None,
        significant_only=True,
    ))  # fmt: skip
    counts: dict[str, list[int]] = {}
    for feature in data["features"]:
        props = feature["properties"]
        got = counts.setdefault(str(props["class"]), [0, 0])
        got[0] += 1
        got[1] += int(props.get("count") or 0)
    return [{"class": k, "cells": v[0], "incidents": v[1]} for k, v in sorted(counts.items())]


@router.get("/compare")
def compare(request: Request) -> Response:
    require(request, "viewer")
    state, lang = reader_of(request), choose_language(request)
    form = choices(request)
    view: dict[str, Any] = {}
    if form["has_data"]:
        try:
            area, period = queries.area_and_period(
                state, form["area_text"], form["start"], form["end"]
            )
            table = queries.funnel_table(state, area, period, form["category"], lang)
            view = {"area": area, "period": period, "rows": table.to_dict("records"),
                    "categories": queries.categories_in(state, area, period)}  # fmt: skip
        except DiogelError as exc:
            view = {"problem": str(exc)}
    return page(request, "compare.html", "Compare areas", form=form, **view)


@router.get("/charts/{name}.svg")
def chart(request: Request, name: str) -> Response:
    require(request, "viewer")
    state, lang = reader_of(request), choose_language(request)
    q = request.query_params
    found, period = queries.area_and_period(state, q.get("area", ""), q.get("from", ""),
                                            q.get("to", ""))  # fmt: skip
    if name == "trend":
        svg = queries.trend_chart_svg(state, found, period, lang)
    elif name == "funnel":
        category = request.query_params.get("category") or None
        svg = queries.funnel_chart_svg(state, found, period, category, lang)
    else:
        return Response(status_code=404)
    if "xmlns=" not in svg[: svg.index(">")]:  # an SVG file (not inline) needs its namespace
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    return Response(svg, media_type="image/svg+xml", headers={
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
        "cache-control": "private, max-age=60",
    })  # fmt: skip
