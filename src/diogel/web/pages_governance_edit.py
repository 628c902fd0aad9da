"""Editing a governance register in the browser: the register's entries, and forms to
add, change and remove bodies, duties, discharges, organisations, people and seats.

Every change goes through the library (:mod:`diogel.governance.edit`), which checks the
whole register as it checks a file and stores it in one transaction; a refused change
shows its problems beside the form's fields and stores nothing. A change that works
redirects (post, redirect, get) to the register with a notice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from diogel.errors import NotFoundError
from diogel.governance.edit import (
    KEYS,
    EditRefused,
    Problem,
    entry_fields,
    entry_key,
    find_entry,
    removal_plan,
)
from diogel.governance.model import Register
from diogel.governance.registry import delete_entry, save_entry
from diogel.governance.workload import officer_load
from diogel.i18n import Translator
from diogel.web.governance_context import common, language, stored_register
from diogel.web.governance_forms import (
    BLOCKED,
    TITLES,
    by_field,
    form_fields,
    options,
    posted_fields,
    shown_values,
)
from diogel.web.render import page
from diogel.web.security import check_csrf, require, state_of

router = APIRouter(include_in_schema=False)


def _section(section: str) -> str:
    if section not in KEYS:
        raise NotFoundError(f"the register has no part called '{section}'",
                            hint="go back to the register")  # fmt: skip
    return section


def _key(section: str, key: str) -> tuple[str, ...]:
    parts = tuple(key.split("+"))
    if len(parts) != len(KEYS[section]):
        raise NotFoundError(f"'{key}' is not an entry of the register", hint="go back")
    return parts


def entry_label(register: Register, section: str, item: Any, lang: str) -> str:
    """How a page names an entry: its name, or what a discharge or seat joins."""
    if section in {"discharges", "seats"}:
        first = item.duty if section == "discharges" else item.person
        duty = next((d for d in register.duties if d.id == first), None)
        left = duty.label(lang) if duty else register.party_label(first, lang)
        return f"{left} – {register.party_label(item.body, lang)}"
    label: str = item.label(lang)
    return label


def _back(region: str, section: str, done: str, item: str) -> RedirectResponse:
    query = urlencode({"done": done, "item": item})
    return RedirectResponse(f"/governance/{region}/register?{query}#{section}", status_code=303)


@router.get("/governance/{region}/register")
def register_page(request: Request, region: str) -> Response:
    require(request, "viewer")
    _, t = language(request)
    reg = stored_register(request, region)
    hours = {(s.person, s.body): s for s in officer_load(reg).seats}
    return page(request, "governance_register.html", "The governance register",
                titles=TITLES, hours=hours, key_of=entry_key, **common(request, reg, t))  # fmt: skip


def _form(
    request: Request,
    reg: Register,
    t: Translator,
    section: str,
    *,
    item: Any = None,
    values: dict[str, Any] | None = None,
    problems: tuple[Problem, ...] = (),
) -> Response:
    editing = item is not None
    fields = form_fields(section, editing=editing)
    if values is None:
        values = entry_fields(item, section) if editing else {}
    title = TITLES[section][2 if editing else 1]
    key = "+".join(entry_key(item, section)) if editing else None
    return page(
        request, "governance_form.html", title, status=400 if problems else 200,
        section=section, fields=fields, values=shown_values(values), key=key,
        item_label=entry_label(reg, section, item, t.lang) if editing else None,
        item_id=item.id if editing and "id" in KEYS[section] else None,
        choices=options(reg, t), problems=problems, errors=by_field(problems, fields),
        **common(request, reg, t),
    )  # fmt: skip


@router.get("/governance/{region}/{section}/new")
def add_form(request: Request, region: str, section: str) -> Response:
    require(request, "analyst")
    _, t = language(request)
    return _form(request, stored_register(request, region), t, _section(section))


@router.post("/governance/{region}/{section}/new")
async def add(request: Request, region: str, section: str) -> Response:
    require(request, "analyst")
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    _, t = language(request)
    fields = posted_fields(_section(section), form, editing=False)
    state = state_of(request)
    try:
        await run_in_threadpool(state.run, save_entry, section, fields, region=region)
    except EditRefused as exc:
        reg = await run_in_threadpool(stored_register, request, region)
        return _form(request, reg, t, section, values=fields, problems=exc.problems)
    key = "+".join(str(fields.get(name) or "").strip() for name in KEYS[section])
    return _back(region, section, "added", key)


@router.get("/governance/{region}/{section}/{key}/edit")
def edit_form(request: Request, region: str, section: str, key: str) -> Response:
    require(request, "analyst")
    _, t = language(request)
    reg = stored_register(request, region)
    item = find_entry(reg, _section(section), _key(section, key))
    return _form(request, reg, t, section, item=item)


@router.post("/governance/{region}/{section}/{key}/edit")
async def edit(request: Request, region: str, section: str, key: str) -> Response:
    require(request, "analyst")
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    _, t = language(request)
    wanted = _key(_section(section), key)
    fields = posted_fields(section, form, editing=True)
    state = state_of(request)
    try:
        await run_in_threadpool(state.run, save_entry, section, fields, key=wanted, region=region)
    except EditRefused as exc:
        reg = await run_in_threadpool(stored_register, request, region)
        item = find_entry(reg, section, wanted)
        return _form(request, reg, t, section, item=item, values=fields, problems=exc.problems)
    # a discharge or seat may now join another duty, body or person: name it by its new key
    new_key = "+".join(
        str(fields.get(n) or v).strip() for n, v in zip(KEYS[section], wanted, strict=True)
    )
    return _back(region, section, "saved", new_key)


def _remove_page(
    request: Request, reg: Register, t: Translator, section: str, key: tuple[str, ...],
    problems: tuple[Problem, ...] = (),
) -> Response:  # fmt: skip
    item = find_entry(reg, section, key)
    plan = removal_plan(reg, section, key)
    blockers = [
        t(BLOCKED[b.reason], name=_blocker_name(reg, b.reason, b.ref, t.lang))
        for b in plan.blockers
    ]
    return page(
        request, "governance_remove.html", TITLES[section][3], status=400 if problems else 200,
        section=section, key="+".join(key), item_label=entry_label(reg, section, item, t.lang),
        plan=plan, blockers=blockers, problems=problems, **common(request, reg, t),
    )  # fmt: skip


def _blocker_name(reg: Register, reason: str, ref: str, lang: str) -> str:
    for review in reg.reviews:
        if reason == "commissioned" and review.id == ref:
            return review.label(lang)
        stream = next((w for w in review.workstreams if w.id == ref), None)
        if reason == "lead" and stream is not None:
            return stream.label(lang)
        action = review.action(ref)
        if reason == "owner" and action is not None:
            return f"{action.id} ({action.label(lang)})"
    return reg.party_label(ref, lang)


@router.get("/governance/{region}/{section}/{key}/remove")
def remove_form(request: Request, region: str, section: str, key: str) -> Response:
    require(request, "analyst")
    _, t = language(request)
    reg = stored_register(request, region)
    return _remove_page(request, reg, t, _section(section), _key(section, key))


@router.post("/governance/{region}/{section}/{key}/remove")
async def remove(request: Request, region: str, section: str, key: str) -> Response:
    require(request, "analyst")
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    _, t = language(request)
    wanted = _key(_section(section), key)
    state = state_of(request)
    try:
        await run_in_threadpool(state.run, delete_entry, section, wanted, region=region)
    except EditRefused as exc:
        reg = await run_in_threadpool(stored_register, request, region)
        return _remove_page(request, reg, t, section, wanted, exc.problems)
    return _back(region, section, "removed", key)
