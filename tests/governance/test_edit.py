"""Editing a register entry by entry: the same checks as a file, all problems by field,
removals that take what belongs to them and refuse what others need, and stored edits
that are all or nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from diogel.errors import InputError, NotFoundError
from diogel.governance import read_register_file, read_register_upload
from diogel.governance.coverage import duty_coverage
from diogel.governance.edit import (
    EditRefused,
    put_entry,
    register_records,
    removal_plan,
    remove_entry,
)
from diogel.governance.export import csv_zip, to_yaml
from diogel.governance.fields import FieldError
from diogel.governance.model import Register
from diogel.governance.registry import (
    delete_entry,
    load_register_upload,
    read_register,
    save_entry,
    save_register,
    update_action,
)
from diogel.governance.sources import RegisterError
from diogel.governance.validate import build_register
from diogel.storage.governance import registers

NEWPORT, TORFAEN = "W06000022", "W06000020"


def _problems(exc: pytest.ExceptionInfo[EditRefused]) -> dict[str | None, str]:
    return {p.field: p.message for p in exc.value.problems}


def test_the_records_of_a_register_build_the_same_register(
    small: Register, gwent: Register
) -> None:
    assert build_register(register_records(small)) == small
    assert build_register(register_records(gwent)) == gwent


def test_adding_a_discharge_closes_a_gap_by_hand(small: Register) -> None:
    # By hand, before: Newport has strategy (csp), svd (csp and psb: an overlap) and
    # vawdasv (vaw); Torfaen has only vawdasv, so strategy and svd are gaps there.
    before = duty_coverage(small)
    assert sorted((c.council, c.duty) for c in before.gaps) == [
        (TORFAEN, "strategy"), (TORFAEN, "svd")
    ]  # fmt: skip
    after = duty_coverage(
        put_entry(small, "discharges", {"duty": "strategy", "body": "psb", "areas": ["Torfaen"]})
    )
    assert [(c.council, c.duty) for c in after.gaps] == [(TORFAEN, "svd")]
    assert after.cell(TORFAEN, "strategy").bodies == ("psb",)
    assert [(c.council, c.duty) for c in after.overlaps] == [(NEWPORT, "svd")]


def test_a_discharge_without_areas_covers_the_body_footprint(small: Register) -> None:
    reg = put_entry(small, "discharges", {"duty": "strategy", "body": "apb"})
    assert reg.discharges[-1].areas == (NEWPORT, TORFAEN)
    assert duty_coverage(reg).cell(TORFAEN, "strategy").status == "covered"


def test_every_problem_of_an_entry_is_given_by_field(small: Register) -> None:
    with pytest.raises(EditRefused) as exc:
        put_entry(small, "bodies", {
            "id": "new csp", "name": "", "kind": "partnership", "areas": ["Cardiff"],
            "parent": "nope", "meetings_per_year": "monthly", "themes": ["knitting"],
        })  # fmt: skip
    found = _problems(exc)
    assert found["name"] == "this is required"
    assert found["id"] == "'new csp' is not a usable id"
    assert found["kind"] == "'partnership' is not a known body kind"
    assert found["areas"] == "Cardiff is not one of this register's councils"
    assert found["parent"] == "parent 'nope' is not a body in this register"
    assert found["meetings_per_year"] == "'monthly' is not a number"
    assert found["themes"] == "'knitting' is not a known theme"
    assert exc.value.problems[0].code == "required"


def test_a_parent_loop_is_refused(small: Register) -> None:
    with pytest.raises(EditRefused) as exc:
        put_entry(small, "bodies", {"parent": "csp"}, key=("psb",))
    assert "leads back to it (psb -> csp -> psb)" in _problems(exc)["parent"]


def test_unknown_duty_body_and_duplicates_are_refused(small: Register) -> None:
    with pytest.raises(EditRefused) as exc:
        put_entry(small, "discharges", {"duty": "no-duty", "body": "no-body"})
    assert set(_problems(exc)) == {"duty", "body"}
    with pytest.raises(EditRefused) as exc:
        put_entry(small, "discharges", {"duty": "svd", "body": "csp"})
    assert "listed twice" in _problems(exc)["duty"]
    with pytest.raises(EditRefused) as exc:
        put_entry(small, "people", {"id": "csp", "name": "Cy", "organisation": "ncc"})
    assert "already used" in _problems(exc)["id"]
    with pytest.raises(EditRefused) as exc:
        put_entry(small, "seats", {"person": "ann", "body": "psb", "hours_per_year": "-3"})
    assert _problems(exc)["hours_per_year"] == "'-3' must be zero or more"


def test_a_reused_id_or_a_second_seat_is_said_plainly(gwent: Register) -> None:
    with pytest.raises(EditRefused) as exc:
        put_entry(gwent, "bodies", {"id": "mcc", "name": "X", "kind": "csp", "areas": ["Newport"]})
    # only the id: not what a body called mcc would do to the discharges of the council
    assert [(p.field, p.message) for p in exc.value.problems] == [
        ("id", "the id 'mcc' is already used by organisation Monmouthshire County Council")
    ]
    with pytest.raises(EditRefused) as exc:
        put_entry(gwent, "seats", {"person": "kate-williams", "body": "safer-gwent"})
    # no "(line 12)": an edit has no file whose lines could be meant
    assert _problems(exc) == {"body": "kate-williams already has a seat on safer-gwent"}


def test_an_edit_keeps_fields_it_does_not_give_and_clears_empty_ones(gwent: Register) -> None:
    person = next(p for p in gwent.people if p.illustrative and p.note)
    reg = put_entry(gwent, "people", {"role": "Analyst", "role_cy": ""}, key=(person.id,))
    changed = next(p for p in reg.people if p.id == person.id)
    assert (changed.role, changed.role_cy) == ("Analyst", None)
    assert (changed.note, changed.illustrative, changed.name) == (
        person.note, True, person.name
    )  # fmt: skip
    assert [p.id for p in reg.people] == [p.id for p in gwent.people]  # order kept


def test_an_id_cannot_be_changed_and_a_missing_entry_is_not_found(small: Register) -> None:
    with pytest.raises(EditRefused) as exc:
        put_entry(small, "duties", {"id": "other"}, key=("svd",))
    assert "cannot be changed" in _problems(exc)["id"]
    with pytest.raises(NotFoundError, match="no body 'csq'"):
        put_entry(small, "bodies", {"name": "X"}, key=("csq",))
    with pytest.raises(NotFoundError, match="that can be edited"):
        put_entry(small, "reviews", {"id": "x"})


def test_shrinking_a_footprint_under_its_discharges_is_refused(small: Register) -> None:
    with pytest.raises(EditRefused) as exc:
        put_entry(small, "bodies", {"areas": ["Torfaen"]}, key=("csp",))
    message = exc.value.problems[0].message
    assert message.startswith("the discharge of duty strategy by csp: csp does not cover Newport")


def test_removing_a_body_takes_its_seats_and_discharges(small: Register) -> None:
    plan = removal_plan(small, "bodies", ("csp",))
    assert (plan.removed("discharges"), plan.removed("seats"), plan.blockers) == (2, 2, ())
    reg = remove_entry(small, "bodies", ("csp",))
    assert "csp" not in {b.id for b in reg.bodies}
    assert {(d.duty, d.body) for d in reg.discharges} == {("svd", "psb"), ("vawdasv", "vaw")}
    assert len(reg.seats) == len(small.seats) - 2
    assert duty_coverage(reg).cell(NEWPORT, "strategy").status == "gap"


def test_removing_what_others_need_is_refused_with_reasons(small: Register) -> None:
    plan = removal_plan(small, "bodies", ("psb",))
    assert [(b.reason, b.ref) for b in plan.blockers] == [("parent", "csp")]
    with pytest.raises(EditRefused) as exc:
        remove_entry(small, "organisations", ("ncc",))
    messages = [p.message for p in exc.value.problems]
    assert messages == [
        "organisation 'ncc' cannot be removed: ann works for it",
        "organisation 'ncc' cannot be removed: bob works for it",
        "organisation 'ncc' cannot be removed: it chairs csp",
    ]
    assert all(p.code == "blocked" and p.field is None for p in exc.value.problems)


def test_removing_an_action_owner_is_refused(gwent: Register) -> None:
    owner = next(a.owner for a in gwent.reviews[0].actions if a.owner)
    section = "people" if owner in {p.id for p in gwent.people} else "organisations"
    if section == "organisations":
        assert any(b.reason == "owner" for b in removal_plan(gwent, section, (owner,)).blockers)
    else:
        with pytest.raises(EditRefused, match="owns action"):
            remove_entry(gwent, section, (owner,))


def test_stored_edits_are_checked_and_all_or_nothing(store: Any, small: Register) -> None:
    save_register(store, small)
    loaded = registers(store)[0][5]
    with pytest.raises(EditRefused):
        save_entry(store, "bodies", {"id": "x", "name": "X", "kind": "csp", "areas": ["Cardiff"]})
    assert read_register(store) == small and registers(store)[0][5] == loaded
    reg = save_entry(store, "seats", {"hours_per_year": "40"}, key=("cai", "psb"))
    assert read_register(store) == reg
    assert next(s for s in reg.seats if (s.person, s.body) == ("cai", "psb")).hours_per_year == 40
    reg = delete_entry(store, "duties", ("svd",))
    assert read_register(store) == reg and [d.id for d in reg.duties] == ["strategy", "vawdasv"]


def test_a_stored_edit_that_fails_while_writing_changes_nothing(
    store: Any, small: Register
) -> None:
    save_register(store, small)

    class Failing:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def execute(self, statement: str, params: Any = ()) -> None:
            if statement.startswith("INSERT INTO gov_seats"):
                raise RuntimeError("connection lost")
            self.inner.execute(statement, params)

    with pytest.raises(RuntimeError):
        save_entry(Failing(store), "duties", {"id": "d", "title": "D", "legislation": "Act",
                                              "section": "s.1", "holders": "all"})  # fmt: skip
    assert read_register(store) == small


def test_history_survives_an_edit(store: Any, gwent: Register) -> None:
    save_register(store, gwent)
    update_action(store, "6.2-b", on=dt.date(2023, 3, 20), status="in-progress", note="Started")
    save_entry(store, "organisations", {"name": "Gwent Police (force)"}, key=("gwent-police",))
    review = read_register(store).reviews[0]
    assert review.history[-1].note == "Started" and review.action("6.2-b").status == "in-progress"
    assert len(review.history) == len(gwent.reviews[0].history) + 1


def test_an_uploaded_file_is_read_as_the_cli_reads_it(
    store: Any, small_path: Path, small: Register
) -> None:
    data = small_path.read_bytes()
    assert read_register_upload(data, "small.yaml") == small
    with pytest.raises(RegisterError) as exc:
        load_register_upload(store, data.replace(b"areas: [Newport]", b"areas: [Atlantis]"),
                             "C:\\Users\\me\\small.yaml")  # fmt: skip
    line = data.decode().splitlines().index("    areas: [Newport]") + 1
    assert exc.value.file == "small.yaml" and exc.value.line == line == 22
    assert "'Atlantis' is not a Welsh council" in str(exc.value)
    with pytest.raises(InputError, match=r"upload a \.yaml file"):
        read_register_upload(data, "small.xlsx")
    assert load_register_upload(store, data, "small.yaml") == read_register(store)


def test_the_csv_zip_reads_back_as_the_same_register(gwent: Register, tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(csv_zip(gwent))) as archive:
        archive.extractall(tmp_path)
    assert read_register_file(tmp_path / "gwent") == gwent
    assert read_register_upload(to_yaml(gwent).encode(), "gwent.yml") == gwent


def test_an_action_update_names_the_field_it_refuses(store: Any, gwent: Register) -> None:
    save_register(store, gwent)
    with pytest.raises(FieldError) as exc:
        update_action(store, "6.2-b", on=dt.date(2023, 3, 20), due="31/03/2023")
    assert exc.value.field == "due" and exc.value.hint == "write it as 2023-03-31 (YYYY-MM-DD)"
    with pytest.raises(FieldError) as exc:
        update_action(store, "6.2-b", on=dt.date(2023, 3, 20), status="finished")
    assert exc.value.field == "status"
    assert read_register(store) == gwent
