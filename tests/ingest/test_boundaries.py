"""User boundary layers: GeoJSON, GeoPackage and Shapefile in, areas usable by name."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import pytest

from diogel.cli import main
from tests.conftest import POLICE_UK, SHARED_DATA

pytestmark = pytest.mark.shared_data

LAD = SHARED_DATA / "martinjc-uk-geojson" / "wal" / "lad.json"
NEWPORT_LSOAS = SHARED_DATA / "drkane-geo-lookups" / "boundaries" / "lsoa21" / "W06000022.geojson"


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = 0
    try:
        main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("driver", ["GeoJSON", "GPKG", "ESRI Shapefile"])
def test_each_format_loads_every_area(
    driver: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = gpd.read_file(NEWPORT_LSOAS)[["LSOA21CD", "LSOA21NM", "geometry"]]
    suffix = {"GeoJSON": ".geojson", "GPKG": ".gpkg", "ESRI Shapefile": ".shp"}[driver]
    path = tmp_path / f"areas{suffix}"
    frame.to_file(path, driver=driver)
    db = ["--db", str(tmp_path / "t.duckdb")]
    code, out, err = _cli([*db, "ingest", "boundaries", str(path), "--layer", "wards"], capsys)
    assert code == 0, err
    assert f"Loaded {len(frame)} areas into layer 'wards'" in out
    assert "codes from 'LSOA21CD'" in out
    _, out, _ = _cli([*db, "datasets", "--json"], capsys)
    (record,) = json.loads(out)
    assert record["dataset"] == "boundaries:wards"
    assert record["rows_in"] == record["accepted"] == len(frame)


def test_duplicate_and_empty_codes_are_rejected_with_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = gpd.read_file(NEWPORT_LSOAS)[["LSOA21CD", "LSOA21NM", "geometry"]].head(5)
    frame.loc[1, "LSOA21CD"] = frame.loc[0, "LSOA21CD"]
    frame.loc[2, "LSOA21CD"] = ""
    path = tmp_path / "areas.geojson"
    frame.to_file(path, driver="GeoJSON")
    db = ["--db", str(tmp_path / "t.duckdb")]
    code, out, _ = _cli([*db, "ingest", "boundaries", str(path), "--layer", "w"], capsys)
    assert code == 0 and "Loaded 3 areas" in out and "2 rejected" in out
    _, out, _ = _cli([*db, "rejects", "boundaries:w"], capsys)
    assert "appears more than once" in out and "empty LSOA21CD" in out


def test_a_missing_attribute_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(
        ["--db", str(tmp_path / "t.duckdb"), "ingest", "boundaries", str(LAD), "--layer", "x",
         "--code-field", "WD24CD"],
        capsys,
    )  # fmt: skip
    assert code == 1
    assert err.startswith("Error: the boundary file has no attribute 'WD24CD' for the code")
    assert "LAD13CD" in err


def test_summary_for_an_area_of_a_loaded_layer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(tmp_path / "t.duckdb"), "--quiet"]
    _cli([*db, "ingest", "boundaries", str(LAD), "--layer", "lad2013"], capsys)
    files = sorted((POLICE_UK / "street" / "gwent").glob("2023-0[1-3]-gwent-street.csv"))
    _cli([*db, "ingest", "police-uk", *map(str, files)], capsys)
    code, out, err = _cli(
        [*db, "summary", "--area", "W06000022", "--from", "2023-01", "--to", "2023-03", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    bundled = json.loads(out)["total"]
    # the 2013 layer names Newport by the code W06000022 too; its name picks the layer area
    code, out, err = _cli(
        [*db, "summary", "--area", "Ynys Mon", "--from", "2023-01", "--to", "2023-03", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    # Independent count: police.uk points in the 2013 Newport polygon, by geopandas.
    lad = gpd.read_file(LAD).to_crs(27700)
    newport = lad[lad["LAD13CD"] == "W06000022"]
    rows = []
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows += [r for r in csv.DictReader(fh) if r["Longitude"]]
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(
            [float(r["Longitude"]) for r in rows], [float(r["Latitude"]) for r in rows]
        ),
        crs=4326,
    ).to_crs(27700)
    inside = int(points.within(newport.geometry.iloc[0]).sum())
    _cli([*db, "ingest", "boundaries", str(LAD), "--layer", "lad2013", "--name-field",
          "LAD13NM"], capsys)  # fmt: skip
    code, out, err = _cli(
        [*db, "summary", "--area", "newport", "--from", "2023-01", "--to", "2023-03", "--json"],
        capsys,
    )  # fmt: skip
    assert json.loads(out)["area"]["kind"] == "council"  # bundled councils come first
    layer_area = _layer_summary(db, capsys)
    assert abs(layer_area - inside) <= max(3, inside // 1000)
    assert abs(layer_area - bundled) < bundled * 0.02


def _layer_summary(db: list[str], capsys: pytest.CaptureFixture[str]) -> int:
    """Summary of the 2013 Newport polygon, named by a code only that layer knows."""
    import geopandas as gpd

    lad = gpd.read_file(LAD)
    lad["LAD13CD"] = lad["LAD13CD"].str.replace("W06", "X06")
    path = Path(db[1]).parent / "lad_x.geojson"
    lad.to_file(path, driver="GeoJSON")
    _cli(
        [*db, "ingest", "boundaries", str(path), "--layer", "ladx", "--code-field", "LAD13CD"],
        capsys,
    )
    code, out, err = _cli(
        [*db, "summary", "--area", "X06000022", "--from", "2023-01", "--to", "2023-03", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["area"]["kind"] == "ladx"
    return int(result["total"])
