"""The partner-data API: what agreements share with the caller, as counts or records.

Every route reads through the caller's scoped store (``diogel.sharing.scoped``): a
dataset no agreement shares with them is not found, counts of special category data
come perturbed by the cell-key method (never from 1 to k-1), records come only at the
level an agreement gives, and each read of restricted data is audited.
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from diogel.errors import InputError, NotFoundError
from diogel.web import queries
from diogel.web.accounts import User
from diogel.web.models import ErrorBody
from diogel.web.security import reader_of, role_dependency

router = APIRouter(
    prefix="/api/v1/partner-data",
    tags=["partner data"],
    responses={code: {"model": ErrorBody} for code in (400, 401, 403, 404)},
)
Viewer = Annotated[User, Depends(role_dependency("viewer"))]
DatasetP = Annotated[
    str, Path(max_length=100, pattern=r"^[A-Za-z0-9:_.\-]+$", description="e.g. partner:istv")
]
AreaQ = Annotated[str, Query(min_length=1, max_length=100, description="Council code or name")]
FromQ = Annotated[str, Query(alias="from", description="First month, YYYY-MM")]
ToQ = Annotated[str, Query(alias="to", description="Last month, YYYY-MM")]
#: What counts may be grouped by.
GROUPINGS = ("month", "theme", "category", "council_code", "lsoa_code")
#: Most records one call returns.
MAX_RECORDS = 10_000


class Grant(BaseModel):
    """One reason the caller may see a dataset."""

    source: str
    level: str
    fields: list[str] | None
    areas: list[str] | None


class PartnerDataset(BaseModel):
    """A partner dataset and what the caller may see of it now."""

    dataset: str
    sensitivity: str
    min_count: int
    grants: list[Grant]


def _visible(request: Request, dataset: str) -> dict[str, Any]:
    """The caller's access to ``dataset``; not found when nothing of it is shared."""
    access = reader_of(request).run(lambda s: s.access(dataset))
    if not access.grants or dataset not in reader_of(request).run(lambda s: s.partner_datasets()):
        raise NotFoundError(
            f"no partner dataset '{dataset}' is shared with you",
            hint="list what is shared with you at /api/v1/partner-data",
        )
    return access.as_dict()


def _area_codes(request: Request, area: str, start: str, end: str) -> tuple[list[str], Any]:
    from diogel.assess.cardiff import area_codes

    reader = reader_of(request)
    found, period = queries.area_and_period(reader, area, start, end)
    codes = area_codes(found, reader.geography)
    if codes is None:
        raise InputError(
            f"partner data cannot be selected by the area '{area}'",
            hint="name a council, a police force or an LSOA",
        )
    return codes, period


@router.get("", response_model=list[PartnerDataset])
def partner_datasets(request: Request, user: Viewer) -> list[dict[str, Any]]:
    """The partner datasets shared with you now, with the level, fields and areas of each
    grant (a dataset no agreement in force shares with you is not listed)."""
    reader = reader_of(request)
    names = reader.run(lambda s: s.partner_datasets())
    return [reader.run(lambda s, d=d: s.access(d)).as_dict() for d in names]


@router.get("/{dataset}/counts", response_model=list[dict[str, Any]])
def partner_counts(
    request: Request,
    user: Viewer,
    dataset: DatasetP,
    area: AreaQ,
    start: FromQ,
    end: ToQ,
    by: Annotated[
        str, Query(description="month, theme, category, council_code or lsoa_code")
    ] = "month",
) -> list[dict[str, Any]]:
    """Events of a shared dataset counted in an area and period. Special category counts
    are perturbed by the cell-key method (``perturbed`` true): never from 1 to k-1, the
    same records always give the same value, and subtracting overlapping counts does not
    give the records between them. A cell published as 0 is treated as one with no
    records; ``suppressed`` (a null count) is the last check."""
    if by not in GROUPINGS:
        raise InputError(f"cannot count by '{by}'", hint="choose " + ", ".join(GROUPINGS))
    _visible(request, dataset)
    codes, period = _area_codes(request, area, start, end)
    frame = reader_of(request).run(
        lambda s: s.count_partner_events(period.start, period.end, [by], area_codes=codes,
                                         datasets=[dataset])
    )  # fmt: skip
    return [queries.plain(_row(r)) for r in frame.to_dict("records")]


@router.get("/{dataset}/records", response_model=list[dict[str, Any]])
def partner_records(
    request: Request,
    user: Viewer,
    dataset: DatasetP,
    area: AreaQ,
    start: FromQ,
    end: ToQ,
    columns: Annotated[
        str, Query(max_length=300, description="Comma-separated columns")
    ] = "month,theme,category,x,y",
    limit: Annotated[int, Query(ge=1, le=MAX_RECORDS)] = 1000,
) -> list[dict[str, Any]]:
    """Records of a shared dataset in an area and period, with the columns asked for —
    only when an agreement gives records (pseudonymised identifiers re-keyed per
    agreement); otherwise 403."""
    chosen = [c.strip() for c in columns.split(",") if c.strip()]
    if not chosen:
        raise InputError("no columns asked for", hint="e.g. columns=month,theme,x,y")
    _visible(request, dataset)
    codes, period = _area_codes(request, area, start, end)
    frame = reader_of(request).run(
        lambda s: s.partner_events(period.start, period.end, area_codes=codes,
                                   datasets=[dataset], columns=chosen)
    )  # fmt: skip
    return [queries.plain(_row(r)) for r in frame.head(limit).to_dict("records")]


def _row(record: dict[str, Any]) -> dict[str, Any]:
    """Months as ``YYYY-MM``, dates as ISO text, missing values as None."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if value is None or (not isinstance(value, str | list) and pd.isna(value)):
            out[key] = None
        elif key == "month" and hasattr(value, "strftime"):
            out[key] = value.strftime("%Y-%m")
        elif key == "occurred_on" and hasattr(value, "strftime"):
            out[key] = value.strftime("%Y-%m-%d")
        elif hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


__all__ = ["router"]
