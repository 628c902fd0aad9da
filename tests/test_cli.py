"""The command line: one clear line and exit 1 on bad input; JSON shapes; the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diogel.cli import main
from tests.conftest import POLICE_UK, data_rows


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = 0
    try:
        main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ingest", "police-uk", "/nonexistent/file.csv"],
            "Error: '/nonexistent/file.csv' does not exist",
        ),
        (
            ["summary", "--area", "Newport", "--from", "2024-13", "--to", "2024-12"],
            "Error: --from '2024-13' is not a month",
        ),
        (
            ["summary", "--area", "Newport", "--from", "2024-06", "--to", "2024-01"],
            "Error: --to 2024-01 is before --from 2024-06",
        ),
        (
            ["summary", "--area", "Newprot", "--from", "2024-01", "--to", "2024-06"],
            "Error: no area called 'Newprot'",
        ),
        (
            ["rejects", "no-such-dataset"],
            "Error: no loaded dataset or file called 'no-such-dataset'",
        ),
    ],
)
def test_bad_input_gives_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(["--db", str(tmp_path / "t.duckdb"), *args], capsys)
    assert code == 1
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"name,address\nA,B\n", "is not a police.uk street, outcomes or stop-and-search file"),
        (
            b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
            b"LSOA name,Crime type,Last outcome category,Context\n\xff\xfe\n",
            "is not UTF-8 text: line 2",
        ),
    ],
)
def test_bad_files_give_one_line_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    db = tmp_path / "t.duckdb"
    code, _, err = run(["--db", str(db), "ingest", "police-uk", str(bad)], capsys)
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(["--db", str(db), "datasets", "--json"], capsys)
    assert code == 0 and json.loads(out) == []


def test_zip_without_police_csvs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import zipfile

    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "nothing here")
    code, _, err = run(
        ["--db", str(tmp_path / "t.duckdb"), "ingest", "police-uk", str(archive)], capsys
    )
    assert code == 1 and "holds no .csv files" in err


def test_json_errors_use_the_one_error_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["--db", str(tmp_path / "t.duckdb"), "summary", "--area", "X", "--from", "2024-13",
         "--to", "2024-12", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 1
    assert json.loads(err) == {
        "error": "invalid_input",
        "message": "--from '2024-13' is not a month",
        "hint": "write the year and month as YYYY-MM, e.g. 2023-01",
    }


@pytest.mark.shared_data
def test_ingest_datasets_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(tmp_path / "t.duckdb")]
    folder = POLICE_UK / "street" / "gwent"
    code, out, _ = run([*db, "--quiet", "ingest", "police-uk", str(folder)], capsys)
    assert code == 0 and out.startswith("Loaded 54 of 54 files")
    code, out, _ = run([*db, "datasets", "--json"], capsys)
    files = json.loads(out)
    assert len(files) == 54
    for f in files:
        path = folder / f["name"]
        assert f["rows_in"] == f["accepted"] + f["rejected"] == data_rows(path)
    code, out, _ = run(
        [*db, "summary", "--area", "Newport", "--from", "2023-01", "--to", "2023-12", "--json"],
        capsys,
    )
    result = json.loads(out)
    assert result["total"] == 20961
    assert result["area"] == {"code": "W06000022", "name": "Newport", "kind": "council"}
    assert sum(result["by_category"].values()) == sum(result["by_month"].values()) == 20961
    assert list(result["by_month"]) == [f"2023-{m:02d}" for m in range(1, 13)]
    code, out, _ = run(
        [*db, "summary", "--area", "Casnewydd", "--from", "2023-01", "--to", "2023-12",
         "--lang", "cy", "--json"],
        capsys,
    )  # fmt: skip
    assert json.loads(out)["area"]["name"] == "Casnewydd" and json.loads(out)["total"] == 20961


def test_demo_loads_the_sample_summarises_and_writes_the_assessment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(tmp_path / "demo.duckdb"), "--quiet"]
    out_dir = tmp_path / "docs"
    code, out, err = run([*db, "demo", "--out-dir", str(out_dir)], capsys)
    assert code == 0, err
    assert "Newport (W06000022), 2024-01 to 2024-06" in out
    assert "Open Government Licence v3.0" in out
    written = sorted(p.name for p in out_dir.iterdir())
    assert written == [
        f"assessment-newport-2024-01-to-2024-06-{lang}.{ext}"
        for lang in ("cy", "en")
        for ext in ("html", "pdf")
    ]
    for name in written:
        assert str(out_dir / name) in out
    assert (out_dir / written[1]).read_bytes().startswith(b"%PDF")
    # a second run loads nothing new and gives the same summary
    code, again, _ = run([*db, "demo", "--out-dir", str(out_dir)], capsys)
    assert code == 0
    assert again.split("\n", 1)[1] == out.split("\n", 1)[1]
