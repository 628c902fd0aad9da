"""What the web admin pages need from the sharing library: lists, removing a member,
the newest audit entries a page at a time, the export as text, and agreement checks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from diogel.errors import InputError, NotFoundError
from diogel.sharing import scoped
from diogel.sharing.agreements import add_agreement, parse_agreement
from diogel.sharing.audit import count_entries, export_audit, export_text, recent_entries
from diogel.sharing.registry import (
    add_member,
    list_agencies,
    list_datasets,
    list_partnerships,
    members_of,
    remove_member,
)
from diogel.storage.sharing import audit_entries
from tests.sharing.conftest import ISTV, NEWPORT, NOW, WORLD_ENTRIES, agreement_spec


def test_lists_of_agencies_partnerships_and_datasets(world: Any) -> None:
    agencies = list_agencies(world)
    assert list(agencies["agency_id"]) == ["abuhb", "gwent-police"]
    assert dict(zip(agencies["agency_id"], agencies["members"], strict=True)) == {
        "abuhb": 1, "gwent-police": 0}  # fmt: skip
    partnerships = list_partnerships(world)
    assert list(partnerships["partnership_id"]) == ["cardiff-csp", "newport-csp"]
    assert list(partnerships["areas"]) == [["W06000015"], [NEWPORT]]
    assert list(partnerships["members"]) == [1, 2]
    datasets = list_datasets(world)
    assert datasets.to_dict("records")[0] | {"description": None} == {
        "dataset": ISTV, "owner_agency": "abuhb", "sensitivity": "special", "min_count": 5,
        "description": None}  # fmt: skip


def test_members_of_one_body_and_removing_one(world: Any) -> None:
    members = members_of(world, "partnership", "newport-csp")
    assert list(zip(members["username"], members["role"], strict=True)) == [
        ("alice", "analyst"), ("vic", "viewer")]  # fmt: skip
    assert scoped(world, "alice", NOW).access(ISTV).grants
    remove_member(world, "alice", "partnership", "newport-csp")
    assert list(members_of(world, "partnership", "newport-csp")["username"]) == ["vic"]
    assert not scoped(world, "alice", NOW).access(ISTV).grants  # her access ends with it
    with pytest.raises(NotFoundError, match="alice is not a member"):
        remove_member(world, "alice", "partnership", "newport-csp")
    with pytest.raises(NotFoundError, match="no agency called 'nowhere'"):
        members_of(world, "agency", "nowhere")
    with pytest.raises(InputError, match="not a valid id"):
        remove_member(world, "vic", "partnership", "Newport CSP")


def test_changing_a_role_keeps_one_membership(world: Any) -> None:
    add_member(world, "vic", "partnership", "newport-csp", "analyst")
    members = members_of(world, "partnership", "newport-csp")
    assert members.query("username == 'vic'")["role"].tolist() == ["analyst"]


def test_newest_audit_entries_a_page_at_a_time(world: Any) -> None:
    view = scoped(world, "alice", NOW)
    for _ in range(6):
        view.count_partner_events(dt.date(2023, 1, 1), dt.date(2024, 3, 1), ["month"],
                                  datasets=[ISTV])  # fmt: skip
    n = count_entries(world)
    assert n == WORLD_ENTRIES + 6  # registering the world, then six reads
    first = recent_entries(world, limit=3)
    assert [e["seq"] for e in first] == [n, n - 1, n - 2]
    assert [e["seq"] for e in recent_entries(world, limit=3, offset=3)] == [n - 3, n - 4, n - 5]
    assert [e["seq"] for e in recent_entries(world, limit=5, offset=n - 2)] == [2, 1]
    assert recent_entries(world, limit=3, offset=n) == []
    assert first[0]["actor"] == "alice" and first[0]["dataset"] == ISTV
    assert set(first[0]) == {"seq", "logged_at", "actor", "action", "dataset", "query",
                             "row_count", "prev_hash", "hash"}  # fmt: skip
    with pytest.raises(InputError, match="limit"):
        recent_entries(world, limit=0)
    with pytest.raises(InputError, match="offset"):
        recent_entries(world, offset=-1)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_the_export_text_is_the_export_file(world: Any, tmp_path: Path, fmt: str) -> None:
    scoped(world, "alice", NOW).count_partner_events(
        dt.date(2023, 1, 1), dt.date(2024, 3, 1), ["month"], datasets=[ISTV]
    )
    path = tmp_path / f"audit.{fmt}"
    written, seq, digest = export_audit(world, path)
    done = export_text(world, fmt)
    assert path.read_bytes() == done.text.encode("utf-8")
    last = WORLD_ENTRIES + 1  # registering the world, then one read
    assert (done.entries, done.head_seq, done.head_hash) == (written, seq, digest) == (
        last, last, audit_entries(world)[-1][8])  # fmt: skip
    assert done.anchor == f"{last}:{digest}"
    later = export_text(world, fmt, after=last - 1)
    assert later.entries == 1
    if fmt == "jsonl":
        assert json.loads(later.text)["seq"] == last
    with pytest.raises(InputError, match="cannot export the audit log as 'xml'"):
        export_text(world, "xml")
    with pytest.raises(InputError, match="entry number"):
        export_text(world, fmt, after=-1)


def test_the_person_who_adds_an_agreement_is_audited(world: Any) -> None:
    spec = agreement_spec(id="second-agreement")
    add_agreement(world, parse_agreement(spec), by="ann", now=NOW)
    newest = recent_entries(world, limit=1)[0]
    assert (newest["actor"], newest["action"]) == ("ann", "agreement")
    assert json.loads(newest["query"]) == {"agreement": "second-agreement"}
    assert recent_entries(world, limit=2)[1]["actor"] == "system"  # the default


def test_a_party_named_twice_is_refused_before_anything_is_stored(world: Any) -> None:
    spec = agreement_spec(id="twice", parties=[
        {"kind": "agency", "id": "abuhb", "role": "provider"},
        {"kind": "agency", "id": "abuhb", "role": "recipient"},
    ])  # fmt: skip
    with pytest.raises(InputError, match="agency 'abuhb' is named as a party more than once"):
        parse_agreement(spec)
    spec = agreement_spec(id="twice", datasets=[{"name": ISTV, "fields": "*"}] * 2)
    with pytest.raises(InputError, match="named more than once"):
        parse_agreement(spec)


def test_messages_of_a_missing_part_read_plainly() -> None:
    with pytest.raises(InputError, match="the agreement names no parties"):
        parse_agreement(agreement_spec(parties=[]))
    with pytest.raises(InputError, match="at least one provider and one recipient"):
        parse_agreement(agreement_spec(parties=[{"kind": "agency", "id": "a", "role": "provider"}]))
    with pytest.raises(InputError, match="retention days must be a whole number"):
        parse_agreement(agreement_spec(retention_days="two years"))


def test_anchors_are_read_strictly_and_the_current_one_is_the_head(world: Any) -> None:
    from diogel.sharing.audit import current_anchor, parse_anchor

    seq, digest = current_anchor(world).split(":")
    assert (int(seq), digest) == (WORLD_ENTRIES, audit_entries(world)[-1][8])
    assert parse_anchor(f" {seq}:{digest} ") == (WORLD_ENTRIES, digest)
    for bad in ("", "1", f"x:{digest}", f"1:{digest[:-1]}", f"1:{digest.upper()}"):
        with pytest.raises(InputError, match="is not SEQ:HASH"):
            parse_anchor(bad)


def test_fields_offered_for_each_kind_of_dataset() -> None:
    from diogel.sharing.agreements import FIELDS, shareable_fields

    partner, police = shareable_fields(ISTV), shareable_fields("police-uk-street")
    assert "person_key" in partner and "crime_id" not in partner
    assert "crime_id" in police and "person_key" not in police
    assert not {"dataset", "source", "file_id", "line"} & (set(partner) | set(police))
    assert set(partner) | set(police) <= FIELDS
