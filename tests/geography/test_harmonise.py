"""LSOA 2011/2021 codes to LSOA 2021, against rows of the ONS lookup."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from diogel.errors import InputError
from diogel.geography import METHODS, Geography, to_bng

from .conftest import LIBRARIES_HACKED, read_ons_csv

NAN = np.nan

# Hand-picked rows of the ONS LSOA (2011) to LSOA (2021) exact-fit lookup:
#   W01000003 Isle of Anglesey 001A -> W01000003                                    U
#   W01001476 Blaenau Gwent 009D    -> W01001973 Blaenau Gwent 009F (with 009E)      M
#   W01000998 Bridgend 011A         -> W01001981..W01001984 Bridgend 011D..011G      S
UNCHANGED, MERGED_11, MERGED_21 = "W01000003", "W01001476", "W01001973"
SPLIT_11 = "W01000998"
SPLIT_21 = ("W01001981", "W01001982", "W01001983", "W01001984")


def inside(geo: Geography, code: str) -> tuple[float, float]:
    """A point certainly inside an LSOA 2021."""
    shapes = geo.lsoa_shapes().set_index("code")
    point = shapely.point_on_surface(shapes.geometry[code])
    return point.x, point.y


def test_ons_rows(geo: Geography) -> None:
    px, py = inside(geo, SPLIT_21[2])
    codes, method = geo.harmonise_lsoa(
        [UNCHANGED, MERGED_11, SPLIT_11, SPLIT_11, MERGED_21],
        [NAN, NAN, px, NAN, NAN],
        [NAN, NAN, py, NAN, NAN],
    )
    assert codes.tolist() == [UNCHANGED, MERGED_21, SPLIT_21[2], "W01001981", MERGED_21]
    assert method.tolist() == ["2021", "merged", "split-point", "split-largest", "2021"]


def test_split_largest_is_most_populous_child(geo: Geography) -> None:
    pop = geo.lsoas.set_index("code")["population"]
    largest = max(SPLIT_21, key=lambda c: pop[c])
    codes, _ = geo.harmonise_lsoa([SPLIT_11], [NAN], [NAN])
    assert codes[0] == largest == "W01001981"


def test_split_point_outside_children_falls_back(geo: Geography) -> None:
    # A Cardiff point is in none of Bridgend 011A's children.
    x, y = to_bng([-3.1791], [51.4816])
    codes, method = geo.harmonise_lsoa([SPLIT_11], x, y)
    assert (codes[0], method[0]) == ("W01001981", "split-largest")


def test_missing_english_and_unknown_codes(geo: Geography) -> None:
    px, py = inside(geo, "W01001685")
    codes, method = geo.harmonise_lsoa(
        np.array([None, "", "E01999999", " w01000003 ", NAN, "W01999999", None], dtype=object),
        [px, px, px, NAN, NAN, px, 0.0],
        [py, py, py, NAN, NAN, py, 0.0],
    )
    assert codes.tolist() == [
        "W01001685",
        "W01001685",
        "E01999999",
        "W01000003",
        None,
        "W01001685",
        None,
    ]
    assert method.tolist() == ["point", "point", "unchanged", "2021", "none", "point", "none"]
    assert codes.dtype == object and method.dtype == object
    assert set(method) <= set(METHODS)


def test_length_mismatch_is_an_input_error(geo: Geography) -> None:
    with pytest.raises(InputError):
        geo.harmonise_lsoa(["W01000003"], [1.0, 2.0], [1.0, 2.0])


def test_empty_input(geo: Geography) -> None:
    codes, method = geo.harmonise_lsoa(np.array([], dtype=object), [], [])
    assert len(codes) == len(method) == 0


@pytest.mark.shared_data
def test_against_the_ons_lookup_file(geo: Geography, shared_data: Path) -> None:
    ons = read_ons_csv(LIBRARIES_HACKED / "lsoa11_to_lsoa21_exact.csv")
    welsh = ons[ons["LSOA11CD"].str.startswith("W")]
    single = welsh[welsh["CHGIND"].isin(["U", "M"])]
    codes, method = geo.harmonise_lsoa(
        single["LSOA11CD"].to_numpy(object), np.full(len(single), NAN), np.full(len(single), NAN)
    )
    assert (codes == single["LSOA21CD"].to_numpy(object)).all()
    expected = np.where(single["CHGIND"] == "U", "2021", "merged")
    assert (method == expected).all()
    split = welsh[welsh["CHGIND"] == "S"]
    pts = [inside(geo, c) for c in split["LSOA21CD"]]
    codes, method = geo.harmonise_lsoa(
        split["LSOA11CD"].to_numpy(object), [p[0] for p in pts], [p[1] for p in pts]
    )
    assert (codes == split["LSOA21CD"].to_numpy(object)).all()
    assert set(method) == {"split-point"}


@pytest.mark.shared_data
def test_police_uk_month_with_2011_codes(geo: Geography, shared_data: Path) -> None:
    # South Wales 2019-02 publishes LSOA 2011 codes.
    path = shared_data / "police-uk" / "street" / "south-wales" / "2019-02-south-wales-street.csv"
    crimes = pd.read_csv(path, encoding="utf-8-sig")
    x, y = to_bng(crimes["Longitude"], crimes["Latitude"])
    codes, method = geo.harmonise_lsoa(crimes["LSOA code"].to_numpy(object), x, y)
    counts = pd.Series(method).value_counts()
    published = crimes["LSOA code"].notna()
    # Every row with a published code keeps one; rows without code or point get none.
    assert pd.isna(codes[~published.to_numpy()]).all()
    assert counts.get("none", 0) == (~published).sum()
    assert counts["merged"] > 0 and counts["split-point"] > 0
    # Splits resolved by point should be the large majority (the rest: a boundary guess).
    assert counts["split-point"] / (counts["split-point"] + counts.get("split-largest", 0)) > 0.9
    welsh = pd.Series(codes).str.startswith("W01").fillna(False).to_numpy(dtype=bool)
    assert set(codes[welsh]) <= set(geo.lsoas["code"])


def test_english_codes_follow_the_ons_lookup(geo: Geography) -> None:
    """Crimes a Welsh force records over the border: English 2011 codes become 2021."""
    codes, method = geo.harmonise_lsoa(
        np.array(["E01000001", "E01019105", "E01024027"], dtype=object), [NAN] * 3, [NAN] * 3
    )
    # E01019105 merged into E01034068; E01024027 split into E01034985 (1,366 residents in
    # mid-2022) and E01034986 (1,534): with no English polygons, the larger child.
    assert codes.tolist() == ["E01000001", "E01034068", "E01034986"]
    assert method.tolist() == ["2021", "merged", "split-largest"]
    assert geo.council_of_lsoa(codes).tolist() == ["E09000001", "E06000063", "E10000016"]


def test_few_and_many_codes_are_tested_alike(
    geo: Geography, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small inputs are tested against a Python set, large ones through Arrow: both give
    the same answers for every kind of code, including missing and untidy ones."""
    from diogel.geography.harmonise import _Members

    x, y = inside(geo, SPLIT_21[2])
    codes = np.array(
        [UNCHANGED, MERGED_11, SPLIT_11, None, " w01000003 ", "E01000001", "W01999999", ""] * 50,
        dtype=object,
    )
    xs, ys = np.full(len(codes), x), np.full(len(codes), y)
    few = geo.harmonise_lsoa(codes, xs, ys)
    monkeypatch.setattr(_Members, "FEW", 0)
    many = geo.harmonise_lsoa(codes, xs, ys)
    assert few[0].tolist() == many[0].tolist() and few[1].tolist() == many[1].tolist()
    assert few[0][:3].tolist() == [UNCHANGED, MERGED_21, SPLIT_21[2]]
    assert few[1][:3].tolist() == ["2021", "merged", "split-point"]
    assert few[0][4] == UNCHANGED
