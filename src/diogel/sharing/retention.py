"""Retention: delete records held past their agreement's retention period, and log it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from diogel.sharing import actors
from diogel.storage import sharing as db
from diogel.storage.base import Store


@dataclass(frozen=True)
class RetentionResult:
    """What one dataset's retention run deleted."""

    dataset: str
    agreement_id: str
    retention_days: int
    cutoff: dt.date
    deleted: int


def cutoff_for(today: dt.date, days: int) -> dt.date:
    """The first month kept: records of months wholly older than ``days`` go.

    Examples
    --------
    >>> cutoff_for(dt.date(2025, 3, 15), 365)
    datetime.date(2024, 3, 1)
    """
    edge = today - dt.timedelta(days=days)
    return edge.replace(day=1)


def apply_retention(
    store: Store,
    *,
    actor: str = "system",
    on_behalf_of: str | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> list[RetentionResult]:
    """For each dataset shared under an agreement (not open data), delete records from
    months before the longest retention period of the agreements that share it; each
    deletion and its count is one audit entry, in the same transaction, recording the
    ``actor`` and ``on_behalf_of`` which user (if any)."""
    behalf = actors.on_behalf_of(store, on_behalf_of)
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    results = []
    for dataset, days, agreement_id in db.retention_periods(store):
        policy = db.dataset_policy(store, dataset)
        if policy is None or policy[1] == "open":
            continue
        cutoff = cutoff_for(now.date(), days)
        with store.transaction():
            if dry_run:
                deleted = db.count_before(store, dataset, cutoff)
            else:
                deleted = db.delete_before(store, dataset, cutoff)
                detail = actors.noted(
                    {"agreement": agreement_id, "retention_days": days, "cutoff": cutoff}, behalf
                )
                db.append_audit(
                    store,
                    now,
                    actor,
                    "retention",
                    dataset,
                    json.dumps(detail, default=str),
                    deleted,
                )
        results.append(RetentionResult(dataset, agreement_id, days, cutoff, deleted))
    return results
