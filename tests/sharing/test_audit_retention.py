"""The audit chain finds the exact altered or deleted entry; retention deletes and logs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from diogel.sharing import scoped
from diogel.sharing.audit import export_audit, verify_audit
from diogel.sharing.retention import apply_retention
from tests.sharing.conftest import ISTV, NOW, WORLD_ENTRIES

START, END = dt.date(2023, 1, 1), dt.date(2024, 12, 1)


def _reads(store: Any, n: int) -> None:
    view = scoped(store, "alice", NOW)
    for _ in range(n):
        view.count_partner_events(START, END, ["month"], datasets=[ISTV])


def _tamper(store: Any, statement: str, params: list[object]) -> None:
    """Change the log behind Diogel's back (on PostgreSQL the owner must first switch off
    the append-only trigger, which is what an attacker with the owner's password would do)."""
    server = store.url.startswith("postgresql")
    if server:
        store.execute("ALTER TABLE share_audit DISABLE TRIGGER USER")
    store.execute(statement, params)
    if server:
        store.execute("ALTER TABLE share_audit ENABLE TRIGGER USER")


def test_chain_is_intact_after_reads(world: Any) -> None:
    _reads(world, 4)
    report = verify_audit(world)
    assert report.intact and report.entries == report.head_seq == WORLD_ENTRIES + 4


def test_an_altered_entry_is_named(world: Any) -> None:
    _reads(world, 4)
    read = WORLD_ENTRIES + 2  # the second read
    _tamper(world, "UPDATE share_audit SET row_count = 99 WHERE seq = ?", [read])
    report = verify_audit(world)
    assert not report.intact
    assert [(p.seq, p.kind) for p in report.problems] == [(read, "altered")]


def test_an_altered_entry_with_a_recomputed_hash_is_named(world: Any) -> None:
    from diogel.storage.sharing import entry_hash

    _reads(world, 4)
    row = world.query_rows("SELECT * FROM share_audit WHERE seq = 2")[0]
    forged = entry_hash(row[7], [2, row[1], "mallory", row[3], row[4], row[5], row[6]])
    _tamper(world, "UPDATE share_audit SET actor = 'mallory', hash = ? WHERE seq = 2", [forged])
    assert [(p.seq, p.kind) for p in verify_audit(world).problems] == [(2, "altered")]


@pytest.mark.parametrize("seq", [2, 5])
def test_a_deleted_entry_is_named(world: Any, seq: int) -> None:
    _reads(world, 4)
    _tamper(world, "DELETE FROM share_audit WHERE seq = ?", [seq])
    report = verify_audit(world)
    assert [(p.seq, p.kind) for p in report.problems] == [(seq, "missing")]
    assert f"audit entry {seq} is missing" in report.problems[0].message


def test_the_server_refuses_changes_to_the_log(world: Any) -> None:
    _reads(world, 1)
    if not world.url.startswith("postgresql"):  # no triggers: the chain shows the change
        world.execute("DELETE FROM share_audit WHERE seq = 1")
        assert verify_audit(world).problems[0].seq == 1
        return
    import psycopg

    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        world.execute("DELETE FROM share_audit WHERE seq = 1")


def test_export_and_anchor(world: Any, tmp_path: Path) -> None:
    _reads(world, 2)
    written, head, digest = export_audit(world, tmp_path / "audit.jsonl")
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    last = WORLD_ENTRIES + 2
    assert written == len(lines) == head == last and json.loads(lines[-1])["hash"] == digest
    assert verify_audit(world, anchor=(head, digest)).intact
    assert export_audit(world, tmp_path / "audit.csv")[0] == last
    # A log rewritten wholesale (entries and head) still fails against the anchor.
    _tamper(world, "UPDATE share_audit SET hash = ? WHERE seq = ?", ["f" * 64, last])
    world.execute("UPDATE share_audit_head SET hash = ?", ["f" * 64])
    assert any(p.kind == "head" for p in verify_audit(world, anchor=(head, digest)).problems)


def test_retention_deletes_and_logs(world: Any) -> None:
    before = world.query_rows("SELECT COUNT(*) FROM partner_events")[0][0]
    old = world.query_rows(
        "SELECT COUNT(*) FROM partner_events WHERE month < ?", [dt.date(2023, 6, 1)]
    )[0][0]
    # 365 days before 2024-06-15 is 2023-06-16: months before June 2023 go.
    now = dt.datetime(2024, 6, 15)
    assert apply_retention(world, now=now, dry_run=True)[0].deleted == old
    assert world.query_rows("SELECT COUNT(*) FROM partner_events")[0][0] == before
    results = apply_retention(world, actor="ig-lead", now=now)
    assert [(r.dataset, r.deleted, r.cutoff) for r in results] == [(ISTV, old, dt.date(2023, 6, 1))]
    assert world.query_rows("SELECT COUNT(*) FROM partner_events")[0][0] == before - old
    logged = world.query("SELECT * FROM share_audit WHERE action = 'retention'")
    assert int(logged.loc[0, "row_count"]) == old and logged.loc[0, "actor"] == "ig-lead"
    assert verify_audit(world).intact
    assert apply_retention(world, now=now)[0].deleted == 0
