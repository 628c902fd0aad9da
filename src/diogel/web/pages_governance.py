"""Governance pages: the registers, the governance map of one region, import and export.

The map shows duty coverage (council area by duty, gaps and overlaps), the load on
officers and organisations, where agendas overlap, and the network of bodies and
people. Editing the register (:mod:`diogel.web.pages_governance_edit`) and the review
tracker (:mod:`diogel.web.pages_governance_review`) have routers of their own, included
in :data:`router`, so the app includes one router for all of governance.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from diogel.errors import InputError
from diogel.governance import example_path
from diogel.governance.coverage import duty_coverage
from diogel.governance.export import csv_zip, to_yaml
from diogel.governance.network import network_svg, network_table
from diogel.governance.overlap import agenda_overlap
from diogel.governance.registry import load_register_file, load_register_upload, register_names
from diogel.governance.sources import RegisterError
from diogel.governance.workload import officer_load
from diogel.web import pages_governance_edit, pages_governance_review
from diogel.web.governance_context import common, language, stored_register
from diogel.web.render import page
from diogel.web.security import check_csrf, require, state_of

router = APIRouter(include_in_schema=False)
#: The largest register file an upload may be (the Gwent example is about 50 kB).
MAX_UPLOAD = 5 * 1024 * 1024
#: Overlapping pairs listed before the rest are folded away.
TOP_OVERLAPS = 10


@router.get("/governance")
def registers(request: Request) -> Response:
    require(request, "viewer")
    names = state_of(request).run(register_names)
    if len(names) == 1:
        return RedirectResponse(f"/governance/{next(iter(names))}", status_code=303)
    _, t = language(request)
    return page(request, "governance_landing.html", "Governance", regions=names,
                **common(request, None, t))  # fmt: skip


@router.post("/governance/example")
def load_example(request: Request, csrf: str = Form("")) -> Response:
    require(request, "analyst")
    check_csrf(request, csrf)
    register = state_of(request).run(load_register_file, example_path("gwent"))
    return RedirectResponse(f"/governance/{register.region}?done=imported", status_code=303)


@router.get("/governance/import")
def import_form(request: Request) -> Response:
    require(request, "analyst")
    _, t = language(request)
    return page(request, "governance_import.html", "Import a register",
                **common(request, None, t))  # fmt: skip


@router.post("/governance/import")
async def import_file(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    require(request, "analyst")
    check_csrf(request, csrf)
    _, t = language(request)
    problem: RegisterError | InputError | None = None
    if file is None or not file.filename:
        problem = InputError("choose a register file to upload", hint="a .yaml file")
    else:
        data = await file.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            problem = InputError(
                f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MB",
                hint="a register file is usually well under 1 MB",
            )
        else:
            try:
                register = await run_in_threadpool(
                    state_of(request).run, load_register_upload, data, file.filename
                )
            except (RegisterError, InputError) as exc:
                problem = exc
            else:
                return RedirectResponse(
                    f"/governance/{register.region}?done=imported", status_code=303
                )
    return page(request, "governance_import.html", "Import a register", status=400,
                problem=problem, **common(request, None, t))  # fmt: skip


@router.get("/governance/{region}")
def governance_map(request: Request, region: str) -> Response:
    require(request, "viewer")
    lang, t = language(request)
    reg = stored_register(request, region)
    overlaps = [o for o in agenda_overlap(reg) if not o.related and o.suggestions]
    return page(
        request, "governance.html", "Governance map",
        coverage=duty_coverage(reg), load=officer_load(reg), overlaps=overlaps,
        top_overlaps=TOP_OVERLAPS, network=network_svg(reg, t),
        seats=network_table(reg, lang).to_dict("records"), **common(request, reg, t),
    )  # fmt: skip


@router.get("/governance/{region}/register.yaml")
def download_yaml(request: Request, region: str) -> Response:
    require(request, "viewer")
    reg = stored_register(request, region)
    return Response(to_yaml(reg), media_type="application/yaml; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{reg.region}-governance.yaml"'})  # fmt: skip


@router.get("/governance/{region}/register-csv.zip")
def download_csv(request: Request, region: str) -> Response:
    require(request, "viewer")
    reg = stored_register(request, region)
    return Response(csv_zip(reg), media_type="application/zip", headers={
        "content-disposition": f'attachment; filename="{reg.region}-governance-csv.zip"'})  # fmt: skip


router.include_router(pages_governance_review.router)
router.include_router(pages_governance_edit.router)
