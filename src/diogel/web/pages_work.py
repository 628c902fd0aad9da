"""Pages that change things: uploads and their progress, assessments, user accounts."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from diogel.errors import NotFoundError
from diogel.storage import web as db
from diogel.web import accounts, queries
from diogel.web.jobs import job_dict, visible_to
from diogel.web.pages import choices
from diogel.web.render import page
from diogel.web.security import check_csrf, choose_language, reader_of, require, state_of
from diogel.web.uploads import start_upload

router = APIRouter(include_in_schema=False)

#: Identifiers in page paths: database ids are 64-bit.
PageId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _job_or_404(request: Request, job_id: int, kind: str) -> dict[str, Any]:
    row = state_of(request).run(db.job, job_id)
    if row is None or row.kind != kind or not visible_to(row, require(request, "viewer")):
        raise NotFoundError(f"no {kind} job {job_id}", hint="go back to the list")
    return job_dict(row)


@router.get("/data")
def data(request: Request) -> Response:
    require(request, "viewer")
    state = state_of(request)
    frame = reader_of(request).run(lambda s: s.files())
    files = [
        {**r, "month_from": None if pd.isna(r["month_from"]) else f"{r['month_from']:%Y-%m}",
         "month_to": None if pd.isna(r["month_to"]) else f"{r['month_to']:%Y-%m}"}
        for r in frame.to_dict("records")
    ]  # fmt: skip
    uploads = [job_dict(r) for r in state.run(db.jobs, "upload", 10)]
    return page(request, "data.html", "Data", files=files, uploads=uploads)


@router.post("/data/upload")
async def upload(
    request: Request, files: Annotated[list[UploadFile] | None, File()] = None, csrf: str = Form("")
) -> Response:
    user = require(request, "analyst")
    check_csrf(request, csrf)
    job_id = await start_upload(state_of(request), user, files or [])
    return RedirectResponse(f"/data/jobs/{job_id}", status_code=303)


@router.get("/data/jobs/{job_id}")
def upload_job(request: Request, job_id: PageId) -> Response:
    require(request, "viewer")
    job = _job_or_404(request, job_id, "upload")
    return page(request, "upload_job.html", "Upload", job=job)


@router.get("/data/rejects/{file_id}")
def rejects(request: Request, file_id: PageId) -> Response:
    require(request, "viewer")
    frame = reader_of(request).run(lambda s: s.rejects(str(file_id)))
    rows = frame.head(1000).to_dict("records")
    return page(request, "rejects.html", "Rejected rows", file_id=file_id, rows=rows,
                total=len(frame))  # fmt: skip


@router.get("/assessments")
def assessments(request: Request) -> Response:
    user = require(request, "viewer")
    state = state_of(request)
    form = choices(request, months=6)
    jobs = [job_dict(r) for r in state.run(db.jobs, "assessment") if visible_to(r, user)]
    return page(request, "assessments.html", "Assessments", form=form, jobs=jobs,
                names=_area_names(request))  # fmt: skip


def _area_names(request: Request) -> dict[str, str]:
    """Council names by code, in the page's language (jobs record the code)."""
    return {c["code"]: c["name"] for c in queries.councils(choose_language(request),
                                                          reader_of(request))}  # fmt: skip


@router.post("/assessments")
def create_assessment(
    request: Request,
    area: str = Form(""),
    start: str = Form("", alias="from"),
    end: str = Form("", alias="to"),
    lang: str = Form("en"),
    csrf: str = Form(""),
) -> Response:
    user = require(request, "analyst")
    check_csrf(request, csrf)
    state = state_of(request)
    found, period = queries.area_and_period(reader_of(request), area, start, end)
    doc_lang = lang if lang in ("en", "cy") else choose_language(request)
    job_id = state.jobs.submit_assessment(user, found.code, period, doc_lang)
    return RedirectResponse(f"/assessments/{job_id}", status_code=303)


@router.get("/assessments/{job_id}")
def assessment(request: Request, job_id: PageId) -> Response:
    require(request, "viewer")
    job = _job_or_404(request, job_id, "assessment")
    return page(request, "assessment_job.html", "Assessment", job=job, names=_area_names(request))


@router.get("/admin/users")
def users(request: Request) -> Response:
    require(request, "admin")
    rows = state_of(request).run(db.list_users)
    return page(request, "users.html", "Users", users=rows, roles=accounts.ROLES)


@router.post("/admin/users")
def add_user(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    role: str = Form("viewer"),
    csrf: str = Form(""),
) -> Response:
    require(request, "admin")
    check_csrf(request, csrf)
    state_of(request).run(accounts.create_user, username, password, role)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/disable")
def disable_user(
    request: Request, username: str, csrf: str = Form(""), enable: str = Form("")
) -> Response:
    me = require(request, "admin")
    check_csrf(request, csrf)
    if username.casefold() == me.username.casefold():
        from diogel.errors import InputError

        raise InputError("you cannot disable your own account", hint="ask another administrator")
    state = state_of(request)
    state.run(accounts.set_disabled, username, not enable)
    state.forget_logins()
    return RedirectResponse("/admin/users", status_code=303)
