"""The REST API under ``/api/v1``: areas, datasets, summaries, trends, hot spots, jobs and
assessments. Every error has the one JSON shape (``ErrorBody``)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response

from diogel.errors import NotFoundError
from diogel.storage import web as db
from diogel.web import queries
from diogel.web.accounts import User
from diogel.web.jobs import job_dict, restricted_datasets, visible_to
from diogel.web.models import (
    AssessmentRequest,
    Council,
    Dataset,
    ErrorBody,
    FeatureCollection,
    Health,
    Job,
    Reject,
    Summary,
    Trends,
)
from diogel.web.security import reader_of, role_dependency, state_of
from diogel.web.uploads import start_upload

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404)
}
router = APIRouter(prefix="/api/v1", responses=ERRORS)
#: The policy for a downloaded HTML assessment: inline styles and images, never scripts.
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-ancestors 'none'"
)
#: Identifiers in paths: database ids are 64-bit, so larger numbers are refused (422 → 400).
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]

Viewer = Annotated[User, Depends(role_dependency("viewer"))]
Analyst = Annotated[User, Depends(role_dependency("analyst"))]
Admin = Annotated[User, Depends(role_dependency("admin"))]
AreaQ = Annotated[str, Query(min_length=1, max_length=100, description="Council code or name")]
FromQ = Annotated[str, Query(alias="from", description="First month, YYYY-MM")]
ToQ = Annotated[str, Query(alias="to", description="Last month, YYYY-MM")]
LangQ = Annotated[Literal["en", "cy"], Query(description="Language of names")]
CategoryQ = Annotated[str | None, Query(max_length=100, description="A police.uk category")]


def _json(body: bytes, status: int = 200) -> Response:
    return Response(content=body, media_type="application/json", status_code=status)


@router.get("/health", response_model=Health, responses={}, tags=["system"])
def health(request: Request) -> dict[str, Any]:
    """Public: the service is up and its database answers."""
    return {"status": "ok", "schema_version": state_of(request).run(lambda s: s.schema_version())}


@router.get("/areas", response_model=list[Council], tags=["areas"])
def areas(request: Request, user: Viewer, lang: LangQ = "en") -> list[dict[str, str]]:
    """The Welsh councils: codes, names in English and Welsh, police force."""
    return queries.councils(lang, reader_of(request))


@router.get("/boundaries/councils", response_model=FeatureCollection, tags=["areas"])
def council_boundaries(request: Request, user: Viewer, lang: LangQ = "en") -> Response:
    """Council boundaries as GeoJSON (WGS84)."""
    return _json(queries.councils_json(reader_of(request), lang))


@router.get("/datasets", response_model=list[Dataset], tags=["data"])
def datasets(request: Request, user: Viewer) -> list[dict[str, Any]]:
    """Loaded files with rows read, stored and rejected (null where the counts of a
    restricted dataset's file are not the reader's to see)."""
    frame = reader_of(request).run(lambda s: s.files())
    return [
        {"file_id": int(r["file_id"]), "dataset": r["dataset"], "name": r["name"],
         "force": None if pd.isna(r["force"]) else r["force"],
         "month_from": None if pd.isna(r["month_from"]) else f"{r['month_from']:%Y-%m}",
         "month_to": None if pd.isna(r["month_to"]) else f"{r['month_to']:%Y-%m}",
         **{c: None if pd.isna(r[c]) else int(r[c]) for c in ("rows_in", "accepted", "rejected")},
         "loaded_at": r["loaded_at"].isoformat()}
        for r in frame.to_dict("records")
    ]  # fmt: skip


@router.post("/datasets", response_model=Job, status_code=202, tags=["data"])
async def upload(
    request: Request, user: Analyst, files: Annotated[list[UploadFile], File()]
) -> Response:
    """Upload police.uk CSV files or zip archives; they load in the background."""
    state = state_of(request)
    job_id = await start_upload(state, user, files)
    row = state.run(db.job, job_id)
    assert row is not None
    return JSONResponse(job_dict(row), status_code=202)


@router.get("/datasets/{file_id}/rejects", response_model=list[Reject], tags=["data"])
def rejects(
    request: Request,
    user: Viewer,
    file_id: RowId,
    limit: Annotated[int, Query(ge=1, le=10000)] = 500,
) -> list[dict[str, Any]]:
    """Rows of a loaded file that were rejected, with the reason and line number."""
    frame = reader_of(request).run(lambda s: s.rejects(str(file_id))).head(limit)
    return [
        {"file": str(r["file"]), "line": int(r["line"]), "reason": str(r["reason"]),
         "raw": None if pd.isna(r["raw"]) else str(r["raw"])}
        for r in frame.to_dict("records")
    ]  # fmt: skip


@router.get("/summary", response_model=Summary, tags=["analysis"])
def summary(
    request: Request, user: Viewer, area: AreaQ, start: FromQ, end: ToQ, lang: LangQ = "en"
) -> Response:
    """Crimes in an area and period: total, by category and by month."""
    state = reader_of(request)
    found, period = queries.area_and_period(state, area, start, end)
    return _json(queries.summary_json(state, found, period, lang))


@router.get("/trends", response_model=Trends, tags=["analysis"])
def trends(
    request: Request, user: Viewer, area: AreaQ, start: FromQ, end: ToQ,
    category: CategoryQ = None, lang: LangQ = "en",
) -> Response:  # fmt: skip
    """Monthly series, the change between the halves of the period (exact test), alerts."""
    state = reader_of(request)
    found, period = queries.area_and_period(state, area, start, end)
    return _json(queries.trends_json(state, found, period, category, lang))


@router.get("/hotspots", response_model=FeatureCollection, tags=["analysis"])
def hotspots(
    request: Request, user: Viewer, area: AreaQ, start: FromQ, end: ToQ,
    method: Literal["gistar", "kde"] = "gistar", category: CategoryQ = None,
    cell_size: Annotated[float | None, Query(ge=50, le=5000)] = None,
    significant_only: bool = False,
) -> Response:  # fmt: skip
    """Getis-Ord Gi* hot and cold spots, or kernel density, as GeoJSON cells (WGS84)."""
    state = reader_of(request)
    found, period = queries.area_and_period(state, area, start, end)
    return _json(queries.hotspots_json(
        state, found, period, method=method, category=category, cell_size=cell_size,
        significant_only=significant_only,
    ))  # fmt: skip


@router.get("/rates/lsoas", response_model=FeatureCollection, tags=["analysis"])
def lsoa_rates(
    request: Request, user: Viewer, area: AreaQ, start: FromQ, end: ToQ,
    category: CategoryQ = None, lang: LangQ = "en",
) -> Response:  # fmt: skip
    """The area's LSOAs as GeoJSON with counts and crimes per 1,000 residents."""
    state = reader_of(request)
    found, period = queries.area_and_period(state, area, start, end)
    return _json(queries.lsoa_rates_json(state, found, period, category, lang))


@router.get("/jobs/{job_id}", response_model=Job, tags=["jobs"])
def job(request: Request, user: Viewer, job_id: RowId) -> dict[str, Any]:
    """A background job's state and progress (0 to 1)."""
    row = state_of(request).run(db.job, job_id)
    if row is None or not visible_to(row, user):
        raise NotFoundError(f"no job {job_id}", hint="use the job_id an upload or assessment gave")
    return job_dict(row)


@router.post("/assessments", response_model=Job, status_code=202, tags=["assessments"])
def create_assessment(request: Request, user: Analyst, body: AssessmentRequest) -> Response:
    """Start writing a strategic assessment (HTML and PDF) in the background."""
    state = state_of(request)
    found, period = queries.area_and_period(reader_of(request), body.area, body.from_, body.to)
    job_id = state.jobs.submit_assessment(user, found.code, period, body.lang)
    row = state.run(db.job, job_id)
    assert row is not None
    return JSONResponse(job_dict(row), status_code=202)


@router.get("/assessments", response_model=list[Job], tags=["assessments"])
def list_assessments(request: Request, user: Viewer) -> list[dict[str, Any]]:
    """Assessments asked for, newest first."""
    rows = state_of(request).run(db.jobs, "assessment")
    return [job_dict(r) for r in rows if visible_to(r, user)]


@router.get("/assessments/{job_id}", response_model=Job, tags=["assessments"])
def assessment(request: Request, user: Viewer, job_id: RowId) -> dict[str, Any]:
    """One assessment job: progress, and the files when done."""
    row = state_of(request).run(db.job, job_id)
    if row is None or row.kind != "assessment" or not visible_to(row, user):
        raise NotFoundError(f"no assessment {job_id}", hint="list them at /api/v1/assessments")
    return job_dict(row)


@router.get(
    "/assessments/{job_id}/download", tags=["assessments"], response_class=FileResponse,
    responses={200: {"content": {"application/pdf": {}, "text/html": {}}}},
)  # fmt: skip
def download(
    request: Request, user: Viewer, job_id: RowId, format: Literal["pdf", "html"] = "pdf"
) -> FileResponse:
    """The assessment document, as PDF or as one self-contained HTML file."""
    state = state_of(request)
    row = state.run(db.job, job_id)
    if row is not None and not visible_to(row, user):
        row = None
    files = json.loads(row.result or "{}") if row and row.kind == "assessment" else {}
    name = files.get("files", {}).get(format)
    if not name:
        raise NotFoundError(
            f"assessment {job_id} has no {format} document",
            hint="wait until its status is done, or check its error",
        )
    path = state.assessments_dir / str(job_id) / name
    if not path.is_file():
        raise NotFoundError(f"the file of assessment {job_id} is missing", hint="generate it again")
    assert row is not None
    # A document holding partner data: only while an agreement still shares it, audited.
    for dataset in restricted_datasets(row):
        reader_of(request).run(
            lambda s, d=dataset: s.note_read(d, {"read": "assessment document", "job": job_id,
                                                 "format": format})
        )  # fmt: skip
    if format == "pdf":
        return FileResponse(path, media_type="application/pdf", filename=name)
    # The HTML document is self-contained (its own styles and images, no scripts).
    return FileResponse(
        path, media_type="text/html; charset=utf-8", filename=name,
        content_disposition_type="inline", headers={"content-security-policy": REPORT_POLICY},
    )  # fmt: skip


@router.get("/users", tags=["admin"])
def users(request: Request, user: Admin) -> list[dict[str, Any]]:
    """Every user with their role (administrators only)."""
    return [
        {"username": u.username, "role": u.role, "disabled": u.disabled,
         "created_at": u.created_at.isoformat()}
        for u in state_of(request).run(db.list_users)
    ]  # fmt: skip


__all__ = ["router"]
