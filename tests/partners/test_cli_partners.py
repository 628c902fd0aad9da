"""The partner data commands: ingest, mapping check, cardiff-model, partner-data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diogel.cli import main
from tests.partners.conftest import ASB_EXAMPLE, FIRE_EXAMPLE, ISTV_EXAMPLE, VENUES, copy_db


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = 0
    try:
        main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def key_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.delenv("DIOGEL_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("DIOGEL_PSEUDONYM_KEY_FILE", raising=False)
    path = tmp_path / "partner.key"
    code, out, _ = run(["partner-data", "new-key", str(path)], capsys)
    assert code == 0 and "key id" in out
    return path


def test_ingest_reports_each_file_and_lists_the_dataset(
    newport_db: Path, tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(copy_db(newport_db, tmp_path))
    code, out, _ = run(
        [
            "--db",
            db,
            "-q",
            "ingest",
            "partner",
            "--mapping",
            "asb",
            "--key-file",
            str(key_file),
            "--area",
            "Newport",
            str(ASB_EXAMPLE),
        ],
        capsys,
    )
    assert code == 0
    assert "asb-example-newport-2024-q1.csv: 80 rows, 74 stored, 6 rejected" in out
    assert "Loaded partner:asb: 80 rows read, 74 stored, 6 rejected." in out
    code, out, _ = run(["--db", db, "datasets"], capsys)
    assert "partner:asb" in out
    code, out, _ = run(["--db", db, "rejects", "partner:asb"], capsys)
    assert "category 'Loud music' is not in the mapping's [category] map" in out
    code, out, _ = run(["--db", db, "partner-data", "list", "--json"], capsys)
    (row,) = json.loads(out)
    assert (row["dataset"], row["events"]) == ("partner:asb", 74)
    code, out, _ = run(
        [
            "--db",
            db,
            "-q",
            "ingest",
            "partner",
            "--mapping",
            "asb",
            "--key-file",
            str(key_file),
            "--json",
            str(ASB_EXAMPLE),
        ],
        capsys,
    )
    assert json.loads(out)["files"][0]["skipped"] == "already loaded (same contents)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "partner", "--mapping", "fire", str(FIRE_EXAMPLE)], "Error: no pseudonym key"),
        (
            ["ingest", "partner", "--mapping", "nope.toml", str(FIRE_EXAMPLE)],
            "Error: mapping file 'nope.toml' does not exist",
        ),
        (
            ["ingest", "partner", "--mapping", "asb", "--key-file", "KEY", str(FIRE_EXAMPLE)],
            "Error: column 'Incident Date' is not in 'fire-example-newport-2024-q1.csv'",
        ),
        (
            ["cardiff-model", "--area", "Cardiff", "--from", "2024-01", "--to", "2024-02"],
            "Error: no A&E assault records for Cardiff in 2024-01 to 2024-02",
        ),
        (["mapping", "check", "nope.toml"], "Error: mapping file 'nope.toml' does not exist"),
    ],
)
def test_problems_are_one_line_and_exit_1(
    tmp_path: Path,
    key_file: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    args = [str(key_file) if a == "KEY" else a for a in args]
    code, _, err = run(["--db", str(tmp_path / "t.duckdb"), *args], capsys)
    assert code == 1
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_mapping_check_explains_and_exits_1_on_rejects(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["mapping", "check", "fire", str(FIRE_EXAMPLE)], capsys)
    assert code == 1
    assert "Sample" in out and "50 rows, 46 would be stored, 4 rejected" in out
    assert "line 9: property type 'Spaceship'" in out
    code, out, _ = run(["mapping", "check", "fire", "--json"], capsys)
    assert code == 0 and json.loads(out)["ok"] is True


def test_mapping_show_prints_a_built_in_to_copy(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["mapping", "show", "istv"], capsys)
    assert code == 0 and 'name = "istv"' in out and "[attributes.weapon.map]" in out


@pytest.mark.shared_data
def test_acceptance_istv_load_and_cardiff_model_json(
    cardiff_db: Path, tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(copy_db(cardiff_db, tmp_path))
    code, out, _ = run(
        [
            "--db",
            db,
            "-q",
            "ingest",
            "partner",
            "--mapping",
            "istv",
            "--key-file",
            str(key_file),
            "--area",
            "Cardiff",
            "--venues",
            str(VENUES),
            "--json",
            str(ISTV_EXAMPLE),
        ],
        capsys,
    )
    assert code == 0
    (f,) = json.loads(out)["files"]
    assert f["rows_in"] == f["accepted"] + f["rejected"] and f["rejected"] == 6
    code, out, _ = run(
        [
            "--db",
            db,
            "cardiff-model",
            "--area",
            "Cardiff",
            "--from",
            "2018-10",
            "--to",
            "2019-02",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    report = json.loads(out)
    assert len(report["hour_by_day"]["days"]) == 8 and report["hour_by_day"]["counts"]
    assert report["combined_hotspots"]["cells"]
    assert 0 <= report["unseen_violence"]["share"] <= 1
    assert report["synthetic_records"] == report["a_and_e_assaults"]
    code, out, _ = run(
        ["--db", db, "cardiff-model", "--area", "Cardiff", "--from", "2018-10", "--to", "2019-02"],
        capsys,
    )
    assert "Unseen violence:" in out and "synthetic test data" in out
    code, out, _ = run(["--db", db, "partner-data", "reviews", "partner:istv"], capsys)
    assert code == 0


@pytest.mark.shared_data
def test_generate_istv_writes_a_synthetic_file(
    cardiff_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "s.csv"
    code, out, _ = run(
        [
            "--db",
            str(cardiff_db),
            "partner-data",
            "generate-istv",
            "--area",
            "Cardiff",
            "--from",
            "2019-01",
            "--to",
            "2019-01",
            "--out",
            str(out_file),
            "--seed",
            "3",
        ],
        capsys,
    )
    assert code == 0 and "synthetic ISTV rows" in out
    assert out_file.read_text().splitlines()[1].endswith(",Y")
