"""The review tracker in the browser: workstreams, recommendations, actions and
milestones with drift alerts; updating an action (each change kept in its history);
and the update paper for a board meeting as a download (HTML or PDF, English or Welsh).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from diogel.errors import InputError, NotFoundError
from diogel.governance.fields import BadValue, FieldError, to_date
from diogel.governance.model import Register, Review
from diogel.governance.paper import build_paper
from diogel.governance.paper_text import change_text
from diogel.governance.registry import update_action
from diogel.governance.tracker import describe_alert, review_status
from diogel.i18n import LANGUAGES, Translator, translator
from diogel.web.governance_context import common, language, stored_register
from diogel.web.render import page
from diogel.web.security import check_csrf, require, state_of

router = APIRouter(include_in_schema=False)
#: Recent history entries the tracker lists.
RECENT = 15
#: Formats the update paper can be downloaded in.
PAPER_FORMATS = ("pdf", "html")


def _review(reg: Register, review_id: str) -> Review:
    review = reg.review(review_id)
    if review is None:
        raise NotFoundError(f"the register has no review called '{review_id}'",
                            hint="go back to the governance map")  # fmt: skip
    return review


def _day(value: str | None, field: str) -> dt.date | None:
    """A date typed in a form (YYYY-MM-DD), or None when left empty."""
    try:
        return to_date(value.strip() if value and value.strip() else None)
    except BadValue as bad:
        raise FieldError(field, bad.message, hint=bad.hint) from None


def _paper_default(review: Review, today: dt.date) -> dt.date:
    """The meeting a paper is most likely wanted for: the next one, else the last."""
    coming = [m for m in review.meetings if m >= today]
    return min(coming) if coming else max(review.meetings, default=today)


def _tracker(
    request: Request, reg: Register, review: Review, t: Translator, *,
    day: dt.date, problems: dict[str, FieldError | InputError] | None = None,
    paper: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    status = review_status(reg, review.id, today=day)
    recent = sorted(review.history, key=lambda h: h.changed_on, reverse=True)[:RECENT]
    today = dt.date.today()
    return page(
        request, "governance_review.html", "Review tracker",
        status=400 if problems else 200, review=review, state=status, day=day, today=today,
        alerts=[describe_alert(a, status.review, t) for a in status.alerts],
        recent=[(h, change_text(h, t)) for h in recent], problems=problems or {},
        paper=paper or {"meeting": _paper_default(review, today).isoformat(), "lang": t.lang,
                        "format": "pdf"},
        **common(request, reg, t),
    )  # fmt: skip


@router.get("/governance/{region}/reviews/{review_id}")
def tracker(request: Request, region: str, review_id: str) -> Response:
    require(request, "viewer")
    _, t = language(request)
    reg = stored_register(request, region)
    review = _review(reg, review_id)
    try:
        day = _day(request.query_params.get("on"), "on") or dt.date.today()
    except FieldError as exc:
        return _tracker(request, reg, review, t, day=dt.date.today(), problems={"on": exc})
    return _tracker(request, reg, review, t, day=day)


@router.get("/governance/{region}/reviews/{review_id}/paper")
def paper(request: Request, region: str, review_id: str) -> Response:
    require(request, "viewer")
    _, t = language(request)
    reg = stored_register(request, region)
    review = _review(reg, review_id)
    q = request.query_params
    asked = {"meeting": q.get("meeting", ""), "lang": q.get("paper_lang", t.lang),
             "format": q.get("format", "pdf")}  # fmt: skip
    try:
        if asked["lang"] not in LANGUAGES or asked["format"] not in PAPER_FORMATS:
            raise InputError("choose English or Welsh, and PDF or HTML",
                             hint="use the form on the review tracker")  # fmt: skip
        meeting = _day(asked["meeting"], "meeting")
        if meeting is None:
            raise FieldError("meeting", "give the date of the meeting",
                             hint="write it as YYYY-MM-DD, e.g. 2023-03-16")  # fmt: skip
        built = build_paper(reg, meeting, review.id)
    except InputError as exc:
        return _tracker(request, reg, review, t, day=dt.date.today(),
                        problems={"meeting": exc}, paper=asked)  # fmt: skip
    body, media = _paper_file(built, asked["lang"], asked["format"])
    name = f"{reg.region}-{review.id}-update-{meeting.isoformat()}-{asked['lang']}"
    return Response(body, media_type=media, headers={
        "content-disposition": f'attachment; filename="{name}.{asked["format"]}"'})  # fmt: skip


def _paper_file(built: Any, lang: str, fmt: str) -> tuple[bytes, str]:
    """The paper as bytes and its media type (PDF through a temporary file)."""
    from diogel.reports.governance_paper import paper_html, render_paper

    if fmt == "html":
        return paper_html(built, translator=translator(lang)).encode(), "text/html; charset=utf-8"
    with tempfile.TemporaryDirectory(prefix="diogel-paper-") as folder:
        path = render_paper(built, Path(folder) / "paper.pdf", lang=lang)
        return path.read_bytes(), "application/pdf"


def _action_page(
    request: Request, reg: Register, review: Review, action_id: str, t: Translator, *,
    values: dict[str, str] | None = None, problems: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    action = review.action(action_id)
    if action is None:
        raise NotFoundError(f"review '{review.id}' has no action '{action_id}'",
                            hint="go back to the review tracker")  # fmt: skip
    today = dt.date.today()
    state = review_status(reg, review.id, today=today).state(action.id)
    shown = values or {
        "status": action.status, "due": action.due.isoformat() if action.due else "",
        "rag": action.rag or "", "note": "", "note_cy": "", "on": today.isoformat(),
    }  # fmt: skip
    history = [(h, change_text(h, t)) for h in review.history if h.action == action.id]
    return page(
        request, "governance_action.html", "Update an action", status=400 if problems else 200,
        review=review, action=action, action_state=state, values=shown,
        problems=problems or {}, history=list(reversed(history)), **common(request, reg, t),
    )  # fmt: skip


@router.get("/governance/{region}/reviews/{review_id}/actions/{action_id}")
def action_form(request: Request, region: str, review_id: str, action_id: str) -> Response:
    require(request, "viewer")
    _, t = language(request)
    reg = stored_register(request, region)
    return _action_page(request, reg, _review(reg, review_id), action_id, t)


@router.post("/governance/{region}/reviews/{review_id}/actions/{action_id}")
async def update(request: Request, region: str, review_id: str, action_id: str) -> Response:
    require(request, "analyst")
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    _, t = language(request)
    values = {k: str(form.get(k) or "") for k in ("status", "due", "rag", "note", "note_cy", "on")}
    given = {k: (v.strip() or None) for k, v in values.items()}
    try:
        on = _day(values["on"], "on") or dt.date.today()
        await run_in_threadpool(
            state_of(request).run, update_action, action_id, on=on, region=region,
            review_id=review_id, status=given["status"], due=given["due"], rag=given["rag"],
            note=given["note"], note_cy=given["note_cy"],
        )  # fmt: skip
    except InputError as exc:
        reg = await run_in_threadpool(stored_register, request, region)
        field = exc.field if isinstance(exc, FieldError) else "form"
        return _action_page(request, reg, _review(reg, review_id), action_id, t, values=values,
                            problems={field: exc})  # fmt: skip
    query = urlencode({"done": "updated", "item": action_id})
    return RedirectResponse(
        f"/governance/{region}/reviews/{review_id}?{query}#action-{action_id}", status_code=303
    )
