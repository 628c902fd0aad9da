"""``diogel governance`` and ``diogel review``: the acceptance commands, one-line errors, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diogel.cli import main
from tests.governance.conftest import SMALL


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = 0
    try:
        main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    base = ["--db", str(tmp_path / "gov.duckdb")]
    code, out, _ = run([*base, "governance", "load", "--example", "gwent"], capsys)
    assert code == 0 and out.startswith("Loaded the Gwent register: 5 council areas")
    return base


def test_coverage_json_lists_every_council_duty_and_body_and_names_the_gaps(
    db: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([*db, "governance", "coverage", "--json"], capsys)
    assert code == 0
    result = json.loads(out)
    names = [c["name"] for c in result["councils"]]
    assert names == ["Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen"]
    duty_ids = {d["id"] for c in result["councils"] for d in c["duties"]}
    assert len(duty_ids) == 15
    for council in result["councils"]:
        assert {d["id"] for d in council["duties"]} == duty_ids
        for duty in council["duties"]:
            assert duty["status"] in {"covered", "gap", "overlap"}
            assert (duty["status"] == "gap") == (duty["bodies"] == [])
    newport = next(c for c in result["councils"] if c["name"] == "Newport")
    s17 = next(d for d in newport["duties"] if d["id"] == "cda-s17")
    assert s17["bodies"] == [{"id": "ncc", "name": "Newport City Council", "illustrative": False}]
    assert [c["name"] for c in result["councils_without_csp"]] == ["Monmouthshire", "Newport"]
    assert {(g["council"]["name"], g["duty"]["id"]) for g in result["gaps"]} == {
        ("Monmouthshire", "cda-strategy"), ("Monmouthshire", "domestic-homicide-reviews"),
        ("Newport", "cda-strategy"), ("Newport", "domestic-homicide-reviews"),
    }  # fmt: skip
    code, out, _ = run([*db, "governance", "coverage"], capsys)
    assert "Monmouthshire  [no Community Safety Partnership]" in out
    assert "Council areas without a Community Safety Partnership: Monmouthshire, Newport." in out


def test_review_paper_writes_the_pdf_in_both_languages(
    db: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for lang in ("en", "cy"):
        target = tmp_path / f"p-{lang}.pdf"
        code, out, err = run(
            [
                *db,
                "review",
                "paper",
                "--meeting",
                "2023-03-16",
                "--out",
                str(target),
                "--lang",
                lang,
            ],
            capsys,
        )
        assert code == 0, err
        assert out.strip() == f"Wrote {target}"
        assert target.read_bytes()[:5] == b"%PDF-"


def test_other_commands(db: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*db, "governance", "load-report", "--json"], capsys)
    load = json.loads(out)
    assert code == 0 and load["people"][0]["hours"] >= load["people"][-1]["hours"]
    code, out, _ = run([*db, "governance", "overlap", "--json", "--top", "3"], capsys)
    pairs = json.loads(out)
    assert pairs[0]["bodies"][0]["id"] == "gwent-apb" and len(pairs) == 3
    svg, table = tmp_path / "net.svg", tmp_path / "net.csv"
    code, _, _ = run(
        [*db, "governance", "network", "--out", str(svg), "--table", str(table)], capsys
    )
    assert code == 0 and svg.read_text(encoding="utf-8").startswith("<svg")
    assert table.read_text(encoding="utf-8").startswith("body,person,organisation,role,hours")
    code, out, _ = run([*db, "review", "status", "--today", "2023-03-16", "--json"], capsys)
    status = json.loads(out)
    assert code == 0 and len(status["alerts"]) == 7
    assert status["alerts"][0]["message"].startswith("Action 6.2-b is overdue")


def test_updates_accrue_and_show_in_the_history(
    db: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        [*db, "review", "update", "6.2-b", "--status", "in-progress", "--due", "2023-04-28",
         "--on", "2023-03-20", "--note", "Post advertised"], capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "Recorded for 6.2-b on 2023-03-20: status: not-started -> in-progress" in out
    code, out, _ = run([*db, "review", "update", "6.2-b", "--rag", "amber", "--on", "2023-03-21"],
                       capsys)  # fmt: skip
    code, out, _ = run([*db, "review", "history", "6.2-b", "--json"], capsys)
    history = json.loads(out)
    assert [(h["field"], h["new"]) for h in history] == [
        ("status", "in-progress"), ("due", "2023-04-28"), ("rag", "amber"),
    ]  # fmt: skip


def test_export_then_load_gives_the_same_register(
    db: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run([*db, "governance", "coverage", "--json"], capsys)[1]
    for fmt, target in (("yaml", tmp_path / "g.yaml"), ("csv", tmp_path / "g-csv")):
        assert (
            run([*db, "governance", "export", "--format", fmt, "--out", str(target)], capsys)[0]
            == 0
        )
        other = ["--db", str(tmp_path / f"{fmt}.duckdb")]
        assert run([*other, "governance", "load", str(target)], capsys)[0] == 0
        assert run([*other, "governance", "coverage", "--json"], capsys)[1] == first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["governance", "load"], "Error: give either a register file or --example"),
        (["governance", "load", "/nonexistent.yaml"], "Error: '/nonexistent.yaml' does not exist"),
        (["governance", "coverage"], "Error: no governance register is loaded"),
        (["review", "paper", "--meeting", "16/03/2023", "--out", "x.pdf"],
         "Error: --meeting: '16/03/2023' is not a date in the form YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_bad_input_gives_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(["--db", str(tmp_path / "x.duckdb"), *args], capsys)
    assert code == 1
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1


def test_a_bad_register_file_names_file_and_line_and_loads_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SMALL.replace("{duty: svd, body: psb", "{duty: svd, body: pbs"), encoding="utf-8"
    )
    base = ["--db", str(tmp_path / "x.duckdb")]
    code, _, err = run([*base, "governance", "load", str(bad)], capsys)
    line = next(i for i, text in enumerate(bad.read_text().splitlines(), 1) if "pbs" in text)
    assert code == 1
    assert err.startswith(
        f"Error: bad.yaml, line {line}: body 'pbs' is not a body in this register"
    )
    code, _, err = run([*base, "governance", "load", str(bad), "--json"], capsys)
    shape = json.loads(err)
    assert shape["error"] == "invalid_register" and shape["hint"]
    assert run([*base, "governance", "coverage"], capsys)[0] == 1  # nothing was loaded
