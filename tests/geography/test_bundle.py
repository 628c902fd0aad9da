"""The bundled tables and polygons: counts, columns, and values checked against the sources."""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diogel.geography import Geography

from .conftest import LIBRARIES_HACKED, read_ons_csv

#: Council -> force, written out from the brief (independent of the build script).
FORCE_OF = {
    "W06000018": "gwent",
    "W06000019": "gwent",
    "W06000020": "gwent",
    "W06000021": "gwent",
    "W06000022": "gwent",
    "W06000013": "south-wales",
    "W06000014": "south-wales",
    "W06000015": "south-wales",
    "W06000016": "south-wales",
    "W06000024": "south-wales",
    "W06000011": "south-wales",
    "W06000012": "south-wales",
    "W06000010": "dyfed-powys",
    "W06000008": "dyfed-powys",
    "W06000009": "dyfed-powys",
    "W06000023": "dyfed-powys",
    "W06000001": "north-wales",
    "W06000002": "north-wales",
    "W06000003": "north-wales",
    "W06000004": "north-wales",
    "W06000005": "north-wales",
    "W06000006": "north-wales",
}


def bundle_dir() -> Path:
    return Path(str(resources.files("diogel") / "data" / "geography"))


def test_counts_and_columns(geo: Geography) -> None:
    assert list(geo.councils.columns) == ["code", "name_en", "name_cy", "force"]
    assert list(geo.lsoas.columns) == [
        "code",
        "name_en",
        "name_cy",
        "council_code",
        "population",
        "wimd_rank",
        "wimd_decile",
    ]
    assert list(geo.lsoa_lookup.columns) == ["lsoa11_code", "lsoa21_code", "change"]
    assert len(geo.councils) == 22
    assert len(geo.lsoas) == 1917
    assert geo.lsoas["code"].is_unique
    assert geo.lsoas["code"].str.match(r"^W01\d{6}$").all()
    assert set(geo.lsoas["council_code"]) == set(geo.councils["code"])
    assert geo.lsoas["name_cy"].notna().all()


def test_councils_and_forces(geo: Geography) -> None:
    assert dict(zip(geo.councils["code"], geo.councils["force"], strict=True)) == FORCE_OF
    assert sorted(geo.forces["code"]) == ["dyfed-powys", "gwent", "north-wales", "south-wales"]
    names = dict(zip(geo.councils["code"], geo.councils["name_cy"], strict=True))
    assert names["W06000001"] == "Ynys Môn"
    assert names["W06000022"] == "Casnewydd"


def test_lookup_rows(geo: Geography) -> None:
    lookup = geo.lsoa_lookup
    # Counts published in the ONS lookup for Wales: 1,909 LSOA 2011 -> 1,917 LSOA 2021.
    assert len(lookup) == 1940
    assert lookup["lsoa11_code"].nunique() == 1909
    assert lookup["lsoa21_code"].nunique() == 1917
    assert lookup["change"].value_counts().to_dict() == {"U": 1837, "S": 58, "M": 45}
    unchanged = lookup[lookup["change"] == "U"]
    assert (unchanged["lsoa11_code"] == unchanged["lsoa21_code"]).all()


def test_wimd_carried(geo: Geography) -> None:
    lsoas = geo.lsoas
    assert lsoas["wimd_decile"].between(1, 10).all()
    assert lsoas["wimd_rank"].between(1, 1909).all()
    # Ranks are whole numbers except for merged LSOAs (a population-weighted mean).
    merged = set(geo.lsoa_lookup.loc[geo.lsoa_lookup["change"] == "M", "lsoa21_code"])
    fractional = set(lsoas.loc[lsoas["wimd_rank"] % 1 != 0, "code"])
    assert fractional <= merged
    assert len(merged) == 22


def test_geometry_is_a_clean_coverage(geo: Geography) -> None:
    lsoas = geo.lsoa_shapes()
    councils = geo.council_shapes()
    assert lsoas.crs is not None and lsoas.crs.to_epsg() == 27700
    assert councils.crs is not None and councils.crs.to_epsg() == 27700
    assert list(councils.columns) == ["code", "name_en", "name_cy", "geometry"]
    geoms = np.asarray(lsoas.geometry.values)
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert shapely.coverage_is_valid(geoms)
    assert shapely.is_valid(np.asarray(councils.geometry.values)).all()
    # Councils are the union of their LSOAs: same total area (to rounding).
    assert councils.area.sum() == pytest.approx(lsoas.area.sum(), rel=1e-9)


def test_bundle_is_small_and_documented(geo: Geography) -> None:
    sizes = {p.name: p.stat().st_size for p in bundle_dir().iterdir() if p.is_file()}
    assert sum(sizes.values()) < 3_000_000
    manifest = json.loads((bundle_dir() / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"] == {k: v for k, v in sizes.items() if k.endswith(".parquet")}
    assert (
        manifest["simplification"]["tolerance_m"] == geo.manifest["simplification"]["tolerance_m"]
    )
    notice = (bundle_dir().parent / "NOTICE.md").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in notice
    assert "Contains OS data © Crown copyright and database right" in notice
    assert f"{manifest['simplification']['tolerance_m']:g} m" in notice


def test_bundled_files_are_geoparquet() -> None:
    shapes = gpd.read_parquet(bundle_dir() / "councils.parquet")
    assert shapes.crs is not None and shapes.crs.to_epsg() == 27700
    assert len(shapes) == 22


@pytest.mark.shared_data
def test_population_matches_source(geo: Geography, shared_data: Path) -> None:
    source = read_ons_csv(LIBRARIES_HACKED / "lsoa_population_mid2022_lsoa21.csv")
    welsh = source[source["lsoacd"].str.startswith("W")]
    assert int(geo.lsoas["population"].sum()) == int(welsh["population"].sum()) == 3_131_640
    merged = geo.lsoas.merge(welsh, left_on="code", right_on="lsoacd")
    assert (merged["population_x"] == merged["population_y"]).all()


@pytest.mark.shared_data
def test_names_match_source(geo: Geography, shared_data: Path) -> None:
    source = read_ons_csv(LIBRARIES_HACKED / "lsoa21_to_utla23.csv")
    welsh = source[source["LSOA21CD"].str.startswith("W")].set_index("LSOA21CD")
    lsoas = geo.lsoas.set_index("code")
    assert (lsoas["name_en"] == welsh.loc[lsoas.index, "LSOA21NM"]).all()
    assert (lsoas["name_cy"] == welsh.loc[lsoas.index, "LSOA21NMW"]).all()
    councils = welsh.drop_duplicates("UTLA23CD").set_index("UTLA23CD")
    for row in geo.councils.itertuples():
        assert row.name_en == councils.loc[row.code, "UTLA23NM"]
        assert row.name_cy == councils.loc[row.code, "UTLA23NMW"]


@pytest.mark.shared_data
def test_wimd_against_source(geo: Geography, shared_data: Path) -> None:
    wimd = read_ons_csv(LIBRARIES_HACKED / "lsoa_wimd.csv").set_index("lsoa11cd")
    pop = read_ons_csv(
        LIBRARIES_HACKED / "lsoa_population_mid2019_lsoa11.csv", header=None, index_col=0
    ).iloc[:, 0]
    lookup = geo.lsoa_lookup
    lsoas = geo.lsoas.set_index("code")
    direct = lookup[lookup["change"].isin(["U", "S"])]
    for row in direct.itertuples():
        assert lsoas.loc[row.lsoa21_code, "wimd_rank"] == wimd.loc[row.lsoa11_code, "rank"]
        assert lsoas.loc[row.lsoa21_code, "wimd_decile"] == wimd.loc[row.lsoa11_code, "decile"]
    ranks = lsoas["wimd_rank"].to_numpy()
    for code, parents in lookup[lookup["change"] == "M"].groupby("lsoa21_code")["lsoa11_code"]:
        weights = [float(pop[p]) for p in parents]
        expected = sum(w * wimd.loc[p, "rank"] for w, p in zip(weights, parents, strict=True))
        assert lsoas.loc[code, "wimd_rank"] == pytest.approx(expected / sum(weights))
        position = 1 + int((ranks < lsoas.loc[code, "wimd_rank"]).sum())
        assert lsoas.loc[code, "wimd_decile"] == math.ceil(position / 192)


@pytest.mark.shared_data
def test_council_polygons_match_an_independent_source(geo: Geography, shared_data: Path) -> None:
    # martinjc-uk-geojson holds separately generalised ONS council boundaries (2013).
    other = gpd.read_file(shared_data / "martinjc-uk-geojson" / "wal" / "lad.json").to_crs(27700)
    theirs = other.set_index("LAD13CD").area
    ours = geo.council_shapes().set_index("code").area
    ratio = (ours / theirs.reindex(ours.index)).to_numpy()
    # Coastlines are generalised differently; measured worst case is 1.3% (Cardiff).
    assert np.all(np.abs(ratio - 1) < 0.02)


def test_frames_are_copies(geo: Geography) -> None:
    frame = geo.lsoas
    frame.loc[0, "population"] = -1
    frame["extra"] = 1
    assert geo.lsoas.loc[0, "population"] != -1
    assert "extra" not in geo.lsoas.columns
    assert isinstance(geo.lsoa_lookup, pd.DataFrame)
