"""Register files: bad input gives one message with file, line and fix, and stores nothing;
the Gwent example loads and round-trips through YAML, CSV and the database unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from diogel.governance import example_path, read_register_file
from diogel.governance.export import to_yaml, write_csv, write_yaml
from diogel.governance.model import Register
from diogel.governance.registry import (
    load_register_file,
    read_register,
    save_register,
    stored_regions,
)
from diogel.governance.sources import RegisterError
from diogel.storage import open_store
from tests.governance.conftest import SMALL


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert old in SMALL, old
    text = SMALL.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize(
    ("old", "new", "line_with", "message", "hint"),
    [
        (
            "{duty: strategy, body: csp}",
            "{duty: strategy, body: cps}",
            "body: cps",
            "body 'cps' is not a body in this register",
            "'csp'",
        ),
        (
            "{duty: vawdasv, body: vaw}",
            "{duty: vawdasv-strategy, body: vaw}",
            "vawdasv-strategy",
            "duty 'vawdasv-strategy' is not a duty in this register",
            "'vawdasv'",
        ),
        (
            "areas: [Newport]\n    parent: psb",
            "areas: [Newprot]\n    parent: psb",
            "Newprot",
            "areas: 'Newprot' is not a Welsh council",
            "did you mean Newport (W06000022)?",
        ),
        (
            "{duty: svd, body: psb, areas: [Newport]}",
            "{duty: svd, body: psb, areas: [Cardiff]}",
            "Cardiff",
            "areas: Cardiff is not one of this register's councils",
            "add it under councils, or use one of: Newport, Torfaen",
        ),
        (
            "    kind: psb\n    areas: all\n",
            "    kind: psb\n    areas: all\n    parent: csp  # the loop\n",
            "# the loop",
            "body 'psb' has parent 'csp', which leads back to it (psb -> csp -> psb)",
            "bodies must form a tree",
        ),
        (
            "{person: dee, body: vaw, hours_per_year: 12}",
            "{person: dee, body: vaw, hours_per_year: twelve}",
            "twelve",
            "hours_per_year: 'twelve' is not a number",
            "write a number",
        ),
        (
            "    meetings_per_year: 4\n",
            "    meetings_per_year: 4\n    chiar: ncc\n",
            "chiar",
            "'chiar' is not a field of a body",
            "did you mean 'chair'?",
        ),
    ],
)
def test_bad_register_names_file_line_and_fix(
    tmp_path: Path, old: str, new: str, line_with: str, message: str, hint: str
) -> None:
    path, text = _broken(tmp_path, old, new)
    with pytest.raises(RegisterError) as caught:
        read_register_file(path)
    err = caught.value
    assert err.file == "broken.yaml"
    assert err.line == _line_of(text, line_with)
    assert str(err).startswith(f"broken.yaml, line {err.line}: {message}")
    assert hint in (err.hint or "")


def test_a_date_in_the_wrong_format_says_how_to_write_it(tmp_path: Path) -> None:
    path, text = _broken(
        tmp_path,
        "seats:",
        "reviews:\n  - id: r\n    title: R\n    commissioned_by: psb\n"
        "    agreed_on: 16/03/2023\nseats:",
    )
    with pytest.raises(RegisterError) as caught:
        read_register_file(path)
    assert caught.value.line == _line_of(text, "16/03/2023")
    assert caught.value.detail == "agreed_on: '16/03/2023' is not a date in the form YYYY-MM-DD"
    assert caught.value.hint == "write it as 2023-03-16 (YYYY-MM-DD)"


def test_several_problems_report_the_first_and_count_the_rest(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, "{person: cai, body: psb}", "{person: cai, body: pbs}")
    text = text.replace("{duty: strategy, body: csp}", "{duty: stratgy, body: csp}")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegisterError) as caught:
        read_register_file(path)
    assert caught.value.line == _line_of(text, "stratgy")
    assert (caught.value.hint or "").endswith("(1 more problem after this one)")


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    path, _ = _broken(tmp_path, "  - {id: ann, name: Ann, organisation: ncc}", "  - {id: ann")
    with pytest.raises(RegisterError, match=r"broken.yaml, line \d+: this is not valid YAML"):
        read_register_file(path)


def test_the_cli_json_error_shape_is_the_one_shape(tmp_path: Path) -> None:
    path, _ = _broken(tmp_path, "body: csp}", "body: nope}")
    with pytest.raises(RegisterError) as caught:
        read_register_file(path)
    shape = caught.value.to_dict()
    assert shape["error"] == "invalid_register"
    assert shape["message"].startswith("broken.yaml, line ")


def test_bad_file_stores_nothing(tmp_path: Path, small_path: Path) -> None:
    store = open_store(str(tmp_path / "db.duckdb"))
    try:
        bad, _ = _broken(tmp_path, "body: csp}", "body: nope}")
        with pytest.raises(RegisterError):
            load_register_file(store, bad)
        assert stored_regions(store) == []
        before = load_register_file(store, small_path)
        with pytest.raises(RegisterError):
            load_register_file(store, bad)
        assert read_register(store) == before
    finally:
        store.close()


def test_gwent_round_trips_through_yaml_csv_and_the_database(
    tmp_path: Path, gwent: Register
) -> None:
    yaml_path = write_yaml(gwent, tmp_path / "gwent.yaml")
    again = read_register_file(yaml_path)
    assert again == gwent
    assert to_yaml(again) == yaml_path.read_text(encoding="utf-8")
    written = write_csv(gwent, tmp_path / "csv")
    assert {p.name for p in written} >= {"register.csv", "bodies.csv", "actions.csv"}
    from_csv = read_register_file(tmp_path / "csv")
    assert from_csv == gwent
    store = open_store(str(tmp_path / "db.duckdb"))
    try:
        save_register(store, from_csv)
        assert read_register(store) == gwent
        save_register(store, gwent)  # loading again replaces, never duplicates
        assert read_register(store) == gwent
    finally:
        store.close()


def test_gwent_is_faithful_to_the_seed(gwent: Register) -> None:
    names = [gwent.council_label(c) for c in gwent.councils]
    assert names == ["Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen"]
    review = gwent.reviews[0]
    assert [w.title for w in review.workstreams] == [
        "Governance",
        "Data, evidence and commissioning",
        "Well-being, prevention and communities",
        "Key stakeholder engagement and board mapping",
    ]
    assert [r.id for r in review.recommendations] == ["6.1", "6.2", "6.3", "6.4"]
    assert review.recommendations[3].text.startswith("The formation of Community Safety")
    assert {a.recommendation for a in review.actions} == {"6.1", "6.2", "6.3", "6.4"}
    kinds = {b.kind for b in gwent.bodies}
    assert {"psb", "regional-board", "apb", "vawdasv-board", "rpb", "svd-partnership"} <= kinds
    assert gwent.body("safer-gwent") is not None and gwent.body("safer-gwent").chair == "tcbc"
    cited = " ".join(d.legislation for d in gwent.duties)
    for act in ("Crime and Disorder Act 1998", "Domestic Abuse Act 2021",
                "Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015",
                "Police, Crime, Sentencing and Courts Act 2022"):  # fmt: skip
        assert act in cited
    # what the seed does not give is marked
    assert all(s.illustrative for s in gwent.seats if s.hours_per_year is not None)
    assert all(a.illustrative for a in review.actions)
    assert all(h.illustrative for h in review.history)
    # every text a Welsh paper shows has its Welsh
    assert all(b.name_cy for b in gwent.bodies) and all(d.title_cy for d in gwent.duties)
    assert all(a.title_cy for a in review.actions) and all(
        r.text_cy for r in review.recommendations
    )


def test_csv_problems_name_the_csv_file_and_line(tmp_path: Path, small: Register) -> None:
    folder = tmp_path / "csv"
    write_csv(small, folder)
    seats = folder / "seats.csv"
    lines = seats.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("apb", "abp")
    seats.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RegisterError) as caught:
        read_register_file(folder)
    assert (caught.value.file, caught.value.line) == ("seats.csv", 3)
    assert "body 'abp' is not a body in this register" in str(caught.value)


def test_example_file_is_the_bundled_yaml(tmp_path: Path) -> None:
    copy = tmp_path / "gwent.yaml"
    shutil.copy(example_path("gwent"), copy)
    assert read_register_file(copy).region == "gwent"
