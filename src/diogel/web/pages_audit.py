"""Sharing admin pages: the audit log — the newest entries a page at a time, checking the
hash chain (naming the exact entry altered or missing), and the export download (the same
text as ``diogel audit export``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from diogel.errors import InputError
from diogel.sharing import audit
from diogel.storage.base import Store
from diogel.web.render import page
from diogel.web.security import choose_language, require, state_of
from diogel.web.sharing_forms import AUDIT_PROBLEMS, moment, problem, whole, words

router = APIRouter(include_in_schema=False)

#: Entries on one page of the log.
PER_PAGE: Final = 50
#: The media type of each export format.
MEDIA: Final = {"jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}


def _log(store: Store, number: int, check: bool, pin: tuple[int, str] | None) -> dict[str, Any]:
    total = audit.count_entries(store)
    entries = audit.recent_entries(store, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    report = audit.verify_audit(store, anchor=pin) if check else None
    return {"total": total, "entries": entries, "report": report,
            "anchor": audit.current_anchor(store)}  # fmt: skip


@router.get("/admin/audit")
def audit_log(
    request: Request,
    number: int = Query(1, alias="page", ge=1, le=10**9),
    verify: str = Query(""),
    anchor: str = Query("", max_length=200),
) -> Response:
    require(request, "admin")
    error, pin = None, None
    if verify and anchor.strip():
        try:
            pin = audit.parse_anchor(anchor)
        except InputError as exc:
            error = problem(exc, choose_language(request))
    found = state_of(request).run(_log, number, bool(verify) and error is None, pin)
    pages = max(1, -(-found["total"] // PER_PAGE))
    report = found["report"]
    broken = {p.seq: p.kind for p in report.problems} if report is not None else {}
    entries = [{**e, "logged": moment(e["logged_at"]), "broken": broken.get(int(e["seq"]))}
               for e in found["entries"]]  # fmt: skip
    return page(request, "sharing_audit.html", "Audit log", status=400 if error else 200,
                error=error, entries=entries,
                total=found["total"], number=number, pages=pages, report=report,
                problems=AUDIT_PROBLEMS, anchor=anchor, head_anchor=found["anchor"],
                **words())  # fmt: skip


@router.get("/admin/audit/export")
def audit_export(
    request: Request,
    fmt: str = Query("jsonl", alias="format", max_length=10),
    after: str = Query("0", max_length=20),
) -> Response:
    require(request, "admin")
    written = state_of(request).run(audit.export_text, fmt, after=whole(after or "0"))
    stamp = f"{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}"
    return Response(
        written.text.encode("utf-8"),
        media_type=MEDIA[fmt],
        headers={
            "content-disposition": f'attachment; filename="diogel-audit-{stamp}.{fmt}"',
            "x-diogel-audit-anchor": written.anchor,
            "x-diogel-audit-entries": str(written.entries),
        },
    )
