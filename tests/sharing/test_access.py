"""The access matrix: who sees which rows, fields and counts of a special category dataset."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from diogel.analysis.cell_key import perturb_counts
from diogel.errors import AccessDenied
from diogel.sharing import scoped
from diogel.sharing.agreements import revoke_agreement
from diogel.storage.base import AreaFilter
from tests.sharing.conftest import CARDIFF, ISTV, NEWPORT, NOW, build_world, events

START, END = dt.date(2023, 1, 1), dt.date(2024, 12, 1)


def _counts_are_safe(frame: pd.DataFrame) -> None:
    shown = frame["count"].dropna().astype(int)
    assert not ((shown > 0) & (shown < 5)).any(), frame[(shown > 0) & (shown < 5)]


def test_recipient_partnership_gets_its_own_area_only(world: Any) -> None:
    view = scoped(world, "alice", NOW)
    rows = view.partner_events(START, END, datasets=[ISTV], columns=["month", "council_code"])
    expected = events()
    assert len(rows) == (expected["council_code"] == NEWPORT).sum() > 0
    assert set(rows["council_code"]) == {NEWPORT}


def test_other_partnership_gets_no_rows_and_no_counts(world: Any) -> None:
    view = scoped(world, "bob", NOW)
    with pytest.raises(AccessDenied, match="bob may not see"):
        view.partner_events(START, END, datasets=[ISTV], columns=["month"])
    with pytest.raises(AccessDenied):
        view.count_partner_events(START, END, ["month"], datasets=[ISTV])
    assert view.partner_events(START, END, columns=["month"]).empty
    assert view.count_partner_events(START, END, ["month"]).empty
    assert view.partner_datasets() == []
    denied = world.query("SELECT actor, action FROM share_audit WHERE action = 'denied'")
    assert list(denied["actor"]) == ["bob", "bob"]


@pytest.mark.parametrize("by", [["month"], ["category"], ["month", "category"],
                                ["council_code", "category"], ["month", "council_code"]])  # fmt: skip
@pytest.mark.parametrize("user", ["alice", "vic", "hana"])
def test_no_count_under_five_is_ever_shown(world: Any, user: str, by: list[str]) -> None:
    frame = scoped(world, user, NOW).count_partner_events(START, END, by, datasets=[ISTV])
    assert len(frame)
    # The data has many counts from 1 to 4; perturbed, none is left to hide.
    assert frame["perturbed"].all() and not frame["suppressed"].any()
    _counts_are_safe(frame)


def test_fields_outside_the_agreement_are_refused(world: Any) -> None:
    view = scoped(world, "alice", NOW)
    with pytest.raises(AccessDenied):
        view.partner_events(START, END, datasets=[ISTV], columns=["month", "person_key"])
    with pytest.raises(AccessDenied):
        view.count_partner_events(START, END, ["weapon"], datasets=[ISTV])


def test_viewer_gets_counts_only_and_owner_everything(world: Any) -> None:
    with pytest.raises(AccessDenied):
        scoped(world, "vic", NOW).partner_events(START, END, datasets=[ISTV], columns=["month"])
    rows = scoped(world, "hana", NOW).partner_events(
        START, END, datasets=[ISTV], columns=["council_code", "person_key"]
    )
    assert len(rows) == len(events()) and set(rows["council_code"]) == {NEWPORT, CARDIFF}


def test_aggregate_only_agreement_gives_protected_counts(store: Any) -> None:
    build_world(store, level="aggregate")
    view = scoped(store, "alice", NOW)
    with pytest.raises(AccessDenied):
        view.partner_events(START, END, datasets=[ISTV], columns=["month"])
    counts = view.count_partner_events(START, END, ["month", "category"], datasets=[ISTV])
    _counts_are_safe(counts)
    # Newport's cells only, as the cell-key method publishes them (counts are perturbed,
    # so their sum is no longer the number of Newport's events).
    truth = store.query(
        "SELECT month, category, COUNT(*) AS n, CAST(SUM(noise_key) AS BIGINT) AS keys "
        "FROM partner_events WHERE council_code = ? GROUP BY month, category",
        [NEWPORT],
    )
    published = perturb_counts(truth["n"].to_numpy(), truth["keys"].to_numpy())
    expected = {
        (pd.Timestamp(m), c): int(v)
        for m, c, v in zip(truth["month"], truth["category"], published, strict=True)
        if v
    }
    shown = counts[counts["count"] > 0]
    assert {
        (pd.Timestamp(m), c): int(v)
        for m, c, v in zip(shown["month"], shown["category"], shown["count"], strict=True)
    } == expected


def test_pseudonymised_level_rekeys_and_drops_free_text(store: Any) -> None:
    build_world(
        store,
        level="pseudonymised",
        datasets=[{"name": ISTV, "fields": ["month", "person_key", "location"]}],
    )
    view = scoped(store, "alice", NOW)
    rows = view.partner_events(START, END, datasets=[ISTV], columns=["month", "person_key"])
    assert len(rows) and not rows["person_key"].str.match(r"p\d+$").any()
    with pytest.raises(AccessDenied):
        view.partner_events(START, END, datasets=[ISTV], columns=["location"])


def test_every_read_of_restricted_data_is_audited(world: Any) -> None:
    view = scoped(world, "alice", NOW)
    rows = view.partner_events(START, END, datasets=[ISTV], columns=["month"])
    entry = world.query("SELECT * FROM share_audit WHERE action = 'read'")
    assert len(entry) == 1
    assert entry.loc[0, "actor"] == "alice" and entry.loc[0, "dataset"] == ISTV
    assert int(entry.loc[0, "row_count"]) == len(rows)
    assert '"abuhb-istv-newport"' in entry.loc[0, "query"]


def test_open_police_data_is_readable_by_anyone_without_audit(world: Any) -> None:
    view = scoped(world, "bob", NOW)
    assert view.incidents(AreaFilter("all", ""), START, END).empty
    assert view.count_incidents(AreaFilter("council", CARDIFF), START, END).empty
    assert world.query_rows("SELECT COUNT(*) FROM share_audit WHERE action = 'read'")[0][0] == 0


def test_expiry_stops_access_at_once(world: Any) -> None:
    before = dt.datetime(2024, 12, 31, 23, 59, 59)
    assert len(
        scoped(world, "alice", before).partner_events(
            START, END, datasets=[ISTV], columns=["month"]
        )
    )
    with pytest.raises(AccessDenied):
        scoped(world, "alice", dt.datetime(2025, 1, 1)).partner_events(
            START, END, datasets=[ISTV], columns=["month"]
        )
    with pytest.raises(AccessDenied):  # nor before it starts
        scoped(world, "alice", dt.datetime(2023, 12, 31)).count_partner_events(
            START, END, ["month"], datasets=[ISTV]
        )


def test_revocation_of_a_live_view(store: Any) -> None:
    future = dt.date.today() + dt.timedelta(days=365)
    build_world(store, starts=dt.date(2020, 1, 1), review=None, expires=future)
    view = scoped(store, "alice")
    assert len(view.partner_events(START, END, datasets=[ISTV], columns=["month"]))
    revoke_agreement(store, "abuhb-istv-newport", by="IG lead", reason="purpose ended")
    with pytest.raises(AccessDenied):
        view.partner_events(START, END, datasets=[ISTV], columns=["month"])


def test_raw_sql_is_not_offered(world: Any) -> None:
    view = scoped(world, "alice", NOW)
    for name in ("query", "execute", "query_rows", "insert_frame", "load_files"):
        with pytest.raises(AccessDenied, match="does not offer"):
            getattr(view, name)


def test_file_counts_of_restricted_data_only_for_whole_record_readers(world: Any) -> None:
    """A file's row counts are exact counts of its records: the owner sees them, a
    partnership limited to some fields and areas sees the file without them, a
    partnership outside the agreement does not see the file, and open police.uk files
    show their counts to everyone."""
    when = dt.datetime(2024, 5, 1)
    world.record_file(dataset=ISTV, kind="partner", name="istv-small.csv", sha256="a" * 64,
                      rows_in=3, accepted=3, rejected=0, loaded_at=when)  # fmt: skip
    world.record_file(dataset="police-uk-street", kind="street", name="2024-01-gwent.csv",
                      sha256="b" * 64, rows_in=7, accepted=6, rejected=1, loaded_at=when)  # fmt: skip

    def counts(user: str) -> dict[str, list[object]]:
        files = scoped(world, user, now=NOW).files(include_replaced=True)
        return {
            str(r["name"]): [None if pd.isna(r[c]) else int(r[c])
                             for c in ("rows_in", "accepted", "rejected")]
            for r in files.to_dict("records")
        }  # fmt: skip

    assert counts("hana") == {"istv-small.csv": [3, 3, 0], "2024-01-gwent.csv": [7, 6, 1]}
    assert counts("alice") == {"istv-small.csv": [None] * 3, "2024-01-gwent.csv": [7, 6, 1]}
    assert counts("vic") == {"istv-small.csv": [None] * 3, "2024-01-gwent.csv": [7, 6, 1]}
    assert counts("bob") == {"2024-01-gwent.csv": [7, 6, 1]}


def test_rejected_rows_are_judged_whatever_names_the_file(world: Any) -> None:
    """A file can be named by id, dataset, file name or the end of its name: every way is
    judged by the agreements and audited, so a raw partner row never slips out by name."""
    from diogel.errors import NotFoundError

    file_id = world.record_file(dataset=ISTV, kind="partner", name="istv-2024-05.csv",
                                sha256="a" * 64, rows_in=3, accepted=2, rejected=1,
                                loaded_at=dt.datetime(2024, 5, 1))  # fmt: skip
    world.insert_rejects(file_id, pd.DataFrame(
        {"line": [3], "reason": ["bad date"], "raw": ["2024-05-3x,ATT123,Jane Doe,assault"]}
    ))  # fmt: skip
    # (this file holds no current rows, so naming the dataset finds no file to judge)
    selectors = [str(file_id), "istv-2024-05.csv", "2024-05.csv"]

    def audited() -> int:
        return int(world.query_rows("SELECT COUNT(*) FROM share_audit")[0][0])

    before = audited()
    for selector in [*selectors, ISTV]:  # Cardiff: no agreement, so no such file for him
        with pytest.raises(NotFoundError):
            scoped(world, "bob", now=NOW).rejects(selector)
    assert audited() == before
    for selector in selectors:  # Newport: some fields only, not the raw lines (refusal audited)
        with pytest.raises(AccessDenied):
            scoped(world, "alice", now=NOW).rejects(selector)
    assert audited() == before + len(selectors)
    for selector in selectors:  # the health board owns it: the row, and the read audited
        rows = scoped(world, "hana", now=NOW).rejects(selector)
        assert rows["raw"].tolist() == ["2024-05-3x,ATT123,Jane Doe,assault"]
    assert audited() == before + 2 * len(selectors)


def test_counts_are_not_grouped_by_what_identifies_a_record(world: Any) -> None:
    """Counts by record identifiers or lines are refused for everyone (they would list
    records with identifiers as stored); counts by exact place only for a reader of those
    records at record level, not for a reader of aggregates."""
    from diogel.errors import InputError

    for by in (["record_key"], ["person_key"], ["month", "line"], ["file_id"]):
        for user in ("hana", "alice", "vic"):
            with pytest.raises(InputError, match="cannot be grouped"):
                scoped(world, user, now=NOW).count_partner_events(START, END, by, datasets=[ISTV])
    # alice's agreement gives record-level rows with x and y: counts by them too
    by_point = scoped(world, "alice", now=NOW).count_partner_events(
        START, END, ["x"], datasets=[ISTV]
    )
    assert len(by_point) > 0
    # vic is a viewer of the same partnership: aggregates only, so not by exact place
    with pytest.raises(AccessDenied):
        scoped(world, "vic", now=NOW).count_partner_events(START, END, ["x"], datasets=[ISTV])
