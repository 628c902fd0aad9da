"""Sharing admin pages: agencies, partnerships, their members, and declared datasets.

Every route needs the admin role; every change is a CSRF-checked form post that calls the
sharing library and redirects back (post, redirect, get). The library checks what is
typed; its message is shown beside the form, in the page's language, and nothing is saved. Agreements and the
audit log have their own module, whose routes this router includes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from diogel.errors import InputError, NotFoundError
from diogel.sharing import registry
from diogel.storage import web as accounts_db
from diogel.web import pages_agreements, pages_audit
from diogel.web.render import page
from diogel.web.security import check_csrf, choose_language, require, state_of
from diogel.web.sharing_forms import councils, done, problem, whole, words

router = APIRouter(include_in_schema=False)
router.include_router(pages_agreements.router)
router.include_router(pages_audit.router)

#: The errors a form shows beside itself (anything else is an error page).
FORM_ERRORS = (InputError, NotFoundError)
#: Each body kind's list page.
LIST_PATH = {"agency": "/admin/agencies", "partnership": "/admin/partnerships"}


def _names(frame: Any, key: str) -> dict[str, str]:
    return dict(zip(frame[key], frame["name"], strict=True))


# -- agencies ------------------------------------------------------------------------------


def _agencies_page(
    request: Request, form: dict[str, str] | None = None, error: Any = None
) -> Response:
    rows = state_of(request).run(registry.list_agencies).to_dict("records")
    return page(request, "sharing_agencies.html", "Agencies", status=400 if error else 200,
                agencies=rows, form=form or {}, error=error, added=request.query_params.get("added"),
                **words())  # fmt: skip


@router.get("/admin/agencies")
def agencies(request: Request) -> Response:
    require(request, "admin")
    return _agencies_page(request)


@router.post("/admin/agencies")
def add_agency(
    request: Request,
    agency_id: str = Form(""),
    name: str = Form(""),
    kind: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    require(request, "admin")
    check_csrf(request, csrf)
    form = {"agency_id": agency_id.strip(), "name": name, "kind": kind}
    try:
        state_of(request).run(registry.add_agency, form["agency_id"], name, kind)
    except FORM_ERRORS as exc:
        return _agencies_page(request, form, problem(exc, choose_language(request)))
    return done("/admin/agencies", added=form["agency_id"])


# -- partnerships --------------------------------------------------------------------------


def _partnerships_page(
    request: Request, form: dict[str, Any] | None = None, error: Any = None
) -> Response:
    state = state_of(request)
    frame = state.run(registry.list_partnerships)
    lang = choose_language(request)
    areas = councils(request, lang)
    return page(request, "sharing_partnerships.html", "Partnerships",
                status=400 if error else 200, partnerships=frame.to_dict("records"),
                names=_names(frame, "partnership_id"), councils=areas,
                council_names={c["code"]: c["name"] for c in areas},
                form=form or {"areas": []}, error=error,
                added=request.query_params.get("added"), **words())  # fmt: skip


@router.get("/admin/partnerships")
def partnerships(request: Request) -> Response:
    require(request, "admin")
    return _partnerships_page(request)


@router.post("/admin/partnerships")
def add_partnership(
    request: Request,
    partnership_id: str = Form(""),
    name: str = Form(""),
    kind: str = Form(""),
    parent: str = Form(""),
    areas: Annotated[list[str] | None, Form()] = None,
    csrf: str = Form(""),
) -> Response:
    require(request, "admin")
    check_csrf(request, csrf)
    chosen, new_id = areas or [], partnership_id.strip()
    form = {"partnership_id": new_id, "name": name, "kind": kind, "parent": parent,
            "areas": chosen}  # fmt: skip
    try:
        state_of(request).run(registry.add_partnership, new_id, name, kind, chosen,
                              parent=parent or None)  # fmt: skip
    except FORM_ERRORS as exc:
        return _partnerships_page(request, form, problem(exc, choose_language(request)))
    return done("/admin/partnerships", added=new_id)


# -- members of an agency or partnership ---------------------------------------------------


def _body_page(
    request: Request, kind: str, body_id: str, form: dict[str, str] | None = None,
    error: Any = None,
) -> Response:  # fmt: skip
    state = state_of(request)
    members = state.run(registry.members_of, kind, body_id).to_dict("records")
    if kind == "agency":
        frame = state.run(registry.list_agencies)
        title = "Members of an agency"
    else:
        frame = state.run(registry.list_partnerships)
        title = "Members of a partnership"
    body = frame[frame[f"{kind}_id"] == body_id].to_dict("records")[0]
    people = [u.username for u in state.run(accounts_db.list_users)]
    query = request.query_params
    return page(request, "sharing_body.html", title, status=400 if error else 200, kind=kind,
                body_id=body_id, body=body, members=members, people=people, form=form or {},
                error=error, saved=query.get("saved"), removed=query.get("removed"),
                list_path=LIST_PATH[kind], **words())  # fmt: skip


def _member_routes(kind: str) -> None:
    """GET the members page, POST a role, POST a removal, for one body kind."""
    base = LIST_PATH[kind] + "/{body_id}"

    def members(request: Request, body_id: str) -> Response:
        require(request, "admin")
        return _body_page(request, kind, body_id)

    def set_role(
        request: Request,
        body_id: str,
        username: str = Form(""),
        role: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        admin = require(request, "admin")
        check_csrf(request, csrf)
        form = {"username": username.strip(), "role": role}
        try:
            state_of(request).run(
                registry.add_member, form["username"], kind, body_id, role, by=admin.username
            )
        except FORM_ERRORS as exc:
            return _body_page(request, kind, body_id, form, problem(exc, choose_language(request)))
        return done(LIST_PATH[kind] + f"/{body_id}", saved=form["username"])

    def remove(
        request: Request, body_id: str, username: str = Form(""), csrf: str = Form("")
    ) -> Response:
        admin = require(request, "admin")
        check_csrf(request, csrf)
        try:
            state_of(request).run(
                registry.remove_member, username, kind, body_id, by=admin.username
            )
        except FORM_ERRORS as exc:
            return _body_page(request, kind, body_id, None, problem(exc, choose_language(request)))
        return done(LIST_PATH[kind] + f"/{body_id}", removed=username)

    router.add_api_route(base, members, methods=["GET"], name=f"{kind}_members")
    router.add_api_route(base + "/members", set_role, methods=["POST"], name=f"{kind}_role")
    router.add_api_route(base + "/members/remove", remove, methods=["POST"],
                         name=f"{kind}_remove")  # fmt: skip


for _kind in LIST_PATH:
    _member_routes(_kind)


# -- datasets ------------------------------------------------------------------------------


def _datasets_page(
    request: Request, form: dict[str, Any] | None = None, error: Any = None
) -> Response:
    state = state_of(request)
    rows = state.run(registry.list_datasets).to_dict("records")
    agencies = state.run(registry.list_agencies)
    editing = request.query_params.get("edit")
    if form is None:
        chosen = next((r for r in rows if r["dataset"] == editing), None)
        form = {"min_count": 5} if chosen is None else {
            "dataset": chosen["dataset"], "owner": chosen["owner_agency"],
            "sensitivity": chosen["sensitivity"], "min_count": chosen["min_count"],
            "description": chosen["description"] or ""}  # fmt: skip
    return page(request, "sharing_datasets.html", "Datasets", status=400 if error else 200,
                datasets=rows, agencies=agencies.to_dict("records"),
                agency_names=_names(agencies, "agency_id"), form=form, error=error,
                saved=request.query_params.get("saved"), **words())  # fmt: skip


@router.get("/admin/datasets")
def datasets(request: Request) -> Response:
    require(request, "admin")
    return _datasets_page(request)


@router.post("/admin/datasets")
def set_dataset(
    request: Request,
    dataset: str = Form(""),
    owner: str = Form(""),
    sensitivity: str = Form(""),
    min_count: str = Form(""),
    description: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    admin = require(request, "admin")
    check_csrf(request, csrf)
    form = {"dataset": dataset.strip(), "owner": owner, "sensitivity": sensitivity,
            "min_count": min_count, "description": description}  # fmt: skip
    try:
        state_of(request).run(
            registry.set_dataset_policy, form["dataset"], owner, sensitivity,
            min_count=whole(min_count), description=description.strip() or None,
            by=admin.username,
        )  # fmt: skip
    except FORM_ERRORS as exc:
        return _datasets_page(request, form, problem(exc, choose_language(request)))
    state_of(request).data_changed()  # results shared as open data may no longer be
    return done("/admin/datasets", saved=form["dataset"])
