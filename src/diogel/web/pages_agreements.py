"""Sharing admin pages: information sharing agreements — list, show, add, revoke.

The add form covers everything an agreement file holds (see ``docs/sharing.md``); it is
turned into the same mapping and checked by ``parse_agreement`` and ``add_agreement``,
so the web and the CLI refuse the same things with the same words. Revoking asks for a
reason on a page of its own, then takes effect at once.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from diogel.errors import InputError, NotFoundError
from diogel.sharing import agreements as library
from diogel.sharing import registry
from diogel.storage.base import Store
from diogel.web.render import page
from diogel.web.security import check_csrf, choose_language, require, state_of
from diogel.web.sharing_forms import (
    councils,
    day,
    done,
    first,
    form_data,
    moment,
    problem,
    whole,
    words,
)

router = APIRouter(include_in_schema=False)

FORM_ERRORS = (InputError, NotFoundError)
#: Signatory rows the add form shows at first, and at most.
SIGNATORY_ROWS, MAX_SIGNATORY_ROWS = 3, 20
#: Form fields holding one dataset's chosen fields are named with this prefix.
FIELDS_PREFIX = "fields:"
_TEXT = ("id", "title", "purpose", "legal_basis", "level", "starts", "review", "expires",
         "retention_days")  # fmt: skip


@router.get("/admin/agreements")
def agreements(request: Request) -> Response:
    require(request, "admin")
    frame = state_of(request).run(library.list_agreements)
    rows = [
        {"id": r["agreement_id"], "title": r["title"], "level": r["level"],
         "starts": day(r["starts_on"]), "expires": day(r["expires_on"]),
         "review": day(r["review_on"]), "state": r["state"], "review_due": bool(r["review_due"])}
        for r in frame.to_dict("records")
    ]  # fmt: skip
    query = request.query_params
    return page(request, "sharing_agreements.html", "Sharing agreements", agreements=rows,
                added=query.get("added"), **words())  # fmt: skip


# -- adding one ----------------------------------------------------------------------------


def _choices(store: Store) -> dict[str, Any]:
    """What the add form offers: agencies, partnerships and declared datasets."""
    datasets = registry.list_datasets(store).to_dict("records")
    for d in datasets:
        d["fields"] = library.shareable_fields(str(d["dataset"]))
    return {
        "agencies": registry.list_agencies(store).to_dict("records"),
        "partnerships": registry.list_partnerships(store).to_dict("records"),
        "datasets": datasets,
    }


def _blank() -> dict[str, Any]:
    return {"level": "aggregate", "providers": [], "recipients": [], "fields": {}, "areas": [],
            "signatories": [{}] * SIGNATORY_ROWS}  # fmt: skip


def _form_page(request: Request, form: dict[str, Any], error: Any = None) -> Response:
    choices = state_of(request).run(_choices)
    return page(request, "sharing_agreement_form.html", "Add a sharing agreement",
                status=400 if error else 200, form=form, error=error,
                councils=councils(request, choose_language(request)), **choices,
                **words())  # fmt: skip


@router.get("/admin/agreements/new")
def new_agreement(request: Request) -> Response:
    require(request, "admin")
    return _form_page(request, _blank())


def _signatories(posted: dict[str, list[str]]) -> list[dict[str, str]]:
    """The signatory rows as typed, in order, blank rows included."""
    names, agencies, dates = (posted.get(k, []) for k in ("sig_name", "sig_agency", "sig_signed"))
    count = max(len(names), len(agencies), len(dates))
    pad = [*names, *[""] * count], [*agencies, *[""] * count], [*dates, *[""] * count]
    return [{"name": pad[0][i].strip(), "agency": pad[1][i], "signed": pad[2][i].strip()}
            for i in range(min(count, MAX_SIGNATORY_ROWS))]  # fmt: skip


def _as_form(posted: dict[str, list[str]]) -> dict[str, Any]:
    """The posted form as the template shows it again."""
    return {
        **{key: first(posted, key) for key in _TEXT},
        "providers": posted.get("provider", []), "recipients": posted.get("recipient", []),
        "fields": {key[len(FIELDS_PREFIX):]: values for key, values in posted.items()
                   if key.startswith(FIELDS_PREFIX)},
        "areas": posted.get("areas", []), "signatories": _signatories(posted),
    }  # fmt: skip


def agreement_spec(form: dict[str, Any]) -> dict[str, Any]:
    """The form as the mapping an agreement file gives ``parse_agreement``.

    Examples
    --------
    >>> spec = agreement_spec({"id": "a", "level": "record", "review": "",
    ...     "retention_days": "730", "providers": ["agency:abuhb"], "recipients": [],
    ...     "fields": {"partner:istv": ["*", "month"]}, "areas": ["W06000022"],
    ...     "signatories": [{"name": "", "agency": "", "signed": ""}]})
    >>> spec["retention_days"], spec["parties"], spec["datasets"], spec["signatories"]
    (730, [{'kind': 'agency', 'id': 'abuhb', 'role': 'provider'}], [{'name': 'partner:istv', 'fields': '*'}], [])
    >>> "review" in spec
    False
    """
    raw: dict[str, Any] = {key: form.get(key, "") for key in _TEXT if key != "review"}
    if form.get("review"):
        raw["review"] = form["review"]
    raw["retention_days"] = whole(str(form.get("retention_days", "")))
    raw["parties"] = [
        {"kind": kind, "id": body_id, "role": role}
        for role, key in (("provider", "providers"), ("recipient", "recipients"))
        for kind, _, body_id in (value.partition(":") for value in form.get(key, []))
    ]
    raw["datasets"] = [
        {"name": name, "fields": "*" if "*" in chosen else list(chosen)}
        for name, chosen in form.get("fields", {}).items()
        if chosen
    ]
    raw["areas"] = list(form.get("areas", []))
    raw["signatories"] = [
        {"name": s["name"], "agency": s["agency"], "signed": s["signed"]}
        for s in form.get("signatories", [])
        if any(s.get(k) for k in ("name", "signed"))
    ]
    return raw


def _add(store: Store, spec: dict[str, Any], by: str) -> str:
    agreement = library.parse_agreement(spec)
    library.add_agreement(store, agreement, by=by)
    return agreement.agreement_id


@router.post("/admin/agreements")
def add_agreement(
    request: Request, posted: Annotated[dict[str, list[str]], Depends(form_data)]
) -> Response:
    user = require(request, "admin")
    check_csrf(request, first(posted, "csrf"))
    form = _as_form(posted)
    if first(posted, "action") == "more-signatories":
        rows = form["signatories"]
        form["signatories"] = [*rows, {}][:MAX_SIGNATORY_ROWS]
        return _form_page(request, form)
    form["signatories"] = form["signatories"] or [{}] * SIGNATORY_ROWS
    try:
        added = state_of(request).run(_add, agreement_spec(form), user.username)
    except FORM_ERRORS as exc:
        return _form_page(request, form, problem(exc, choose_language(request)))
    return done(f"/admin/agreements/{added}", added="1")


# -- one agreement, and revoking it ---------------------------------------------------------


def _one(store: Store, agreement_id: str) -> dict[str, Any]:
    """One agreement in full, with its state now and the names of what it refers to."""
    found = library.show_agreement(store, agreement_id)
    states = library.list_agreements(store)
    row = states[states["agreement_id"] == agreement_id].iloc[0]
    agencies = registry.list_agencies(store)
    partnerships = registry.list_partnerships(store)
    names = {
        ("agency", a): n for a, n in zip(agencies["agency_id"], agencies["name"], strict=True)
    } | {
        ("partnership", p): n
        for p, n in zip(partnerships["partnership_id"], partnerships["name"], strict=True)
    }
    return {
        **found, "state": str(row["state"]), "review_due": bool(row["review_due"]),
        "starts_on": day(found["starts_on"]), "review_on": day(found["review_on"]),
        "expires_on": day(found["expires_on"]), "created": moment(found["created_at"]),
        "revoked": moment(found["revoked_at"]),
        "parties": [{"kind": k, "id": i, "role": r, "name": names.get((k, i), i)}
                    for k, i, r in found["parties"]],
        "datasets": [{"dataset": d, "fields": None if f == "*" else str(f).split(",")}
                     for d, f in found["datasets"]],
        "signatories": [{"name": n, "agency": a, "agency_name": names.get(("agency", a), a),
                         "signed": day(s)} for n, a, s in found["signatories"]],
    }  # fmt: skip


def _agreement_page(
    request: Request, agreement_id: str, template: str, title: str, *, reason: str = "",
    error: Any = None,
) -> Response:  # fmt: skip
    found = state_of(request).run(_one, agreement_id)
    lang = choose_language(request)
    names = {c["code"]: c["name"] for c in councils(request, lang)}
    query = request.query_params
    return page(request, template, title, status=400 if error else 200, a=found,
                council_names=names, reason=reason, error=error, added=query.get("added"),
                revoked=query.get("revoked"), **words())  # fmt: skip


@router.get("/admin/agreements/{agreement_id}")
def agreement(request: Request, agreement_id: str) -> Response:
    require(request, "admin")
    return _agreement_page(request, agreement_id, "sharing_agreement.html", "Sharing agreement")


@router.get("/admin/agreements/{agreement_id}/revoke")
def confirm_revoke(request: Request, agreement_id: str) -> Response:
    require(request, "admin")
    return _agreement_page(request, agreement_id, "sharing_revoke.html", "Revoke an agreement")


@router.post("/admin/agreements/{agreement_id}/revoke")
def revoke(
    request: Request, agreement_id: str, reason: str = Form(""), csrf: str = Form("")
) -> Response:
    user = require(request, "admin")
    check_csrf(request, csrf)
    try:
        state_of(request).run(library.revoke_agreement, agreement_id, by=user.username,
                              reason=reason)  # fmt: skip
    except InputError as exc:
        return _agreement_page(request, agreement_id, "sharing_revoke.html",
                               "Revoke an agreement", reason=reason, error=problem(exc, choose_language(request)))  # fmt: skip
    return done(f"/admin/agreements/{agreement_id}", revoked="1")
