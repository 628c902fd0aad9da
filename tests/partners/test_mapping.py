"""Mappings: the built-ins read cleanly; every problem in a bad mapping is explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from diogel.errors import InputError, NotFoundError
from diogel.ingest.partners.check import check_mapping
from diogel.ingest.partners.mapping import BUILT_IN
from diogel.ingest.partners.mapping_toml import load_mapping, parse_mapping
from tests.partners.conftest import ASB_EXAMPLE, FIRE_EXAMPLE, ISTV_EXAMPLE

GOOD = """
name = "asb-newport"
title = "Newport ASB log"
agency = "council"
drop = ["Notes"]
[date]
column = "Date"
formats = ["%d/%m/%Y"]
[category]
column = "Type"
map = { "Noise" = "anti-social-behaviour" }
[location]
easting = "E"
northing = "N"
[identifiers]
record = "Ref"
"""


def _problems(text: str) -> list[str]:
    _, problems = parse_mapping(text, "test.toml")
    return [f"{p.severity}: {p.where} {p.message}" for p in problems]


@pytest.mark.parametrize("name", BUILT_IN)
def test_built_in_mappings_have_no_problems(name: str) -> None:
    mapping, problems = parse_mapping(load_mapping(name).text, name)
    assert mapping is not None and problems == []
    assert mapping.dataset == f"partner:{name}"
    assert mapping.identifiers["record"]  # every built-in pseudonymises a record id


def test_a_good_mapping_reads_into_specs() -> None:
    mapping, problems = parse_mapping(GOOD, "test.toml")
    assert problems == [] and mapping is not None
    assert mapping.dedupe == "record"  # the default when a record identifier is named
    assert mapping.category.theme_of("NOISE") == "anti-social-behaviour"
    assert mapping.category.theme_of("Litter") is None
    assert mapping.required_columns() == ["Date", "Type", "E", "N", "Ref"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("[date]", "[dates]"), "error: dates is not a setting Diogel knows"),
        (('agency = "council"', 'agency = "counsel"'), "error: agency 'counsel' is not a kind"),
        (
            ('"Noise" = "anti-social-behaviour"', '"Noise" = "noise"'),
            "error: [category] map 'Noise' maps to 'noise', which is not a theme",
        ),
        (
            ('formats = ["%d/%m/%Y"]', 'formats = ["%d/%m"]'),
            "error: [date] formats format '%d/%m' does not give the year",
        ),
        (
            ('formats = ["%d/%m/%Y"]', 'formats = ["%d/%q/%Y"]'),
            "error: [date] formats format '%d/%q/%Y' cannot be used",
        ),
        (('easting = "E"', ""), "error: [location] names northing without easting"),
        (('record = "Ref"', ""), 'error: dedupe is "record" but [identifiers] names no record'),
        (
            ('drop = ["Notes"]', 'drop = ["Type"]'),
            "error: drop lists 'Type', which the mapping also reads",
        ),
        (
            ('name = "asb-newport"', 'name = "ASB Newport"'),
            "error: name 'ASB Newport' must be lower-case",
        ),
        (('column = "Type"', 'colum = "Type"'), "error: [category] colum is not a setting"),
    ],
)
def test_each_problem_is_named(change: tuple[str, str], expected: str) -> None:
    text = GOOD.replace(*change)
    if "dedupe" in expected:
        text = text.replace("[identifiers]\n", "[identifiers]\n") + ""
        text = 'dedupe = "record"\n' + text
    found = _problems(text)
    assert any(p.startswith(expected) for p in found), found


def test_a_misspelt_key_gets_a_suggestion() -> None:
    _, problems = parse_mapping(GOOD.replace("[date]", "[dat]"), "t")
    assert any(p.hint == "did you mean 'date'?" for p in problems)


def test_every_problem_is_reported_at_once() -> None:
    text = GOOD.replace('agency = "council"', 'agency = "x"').replace('"%d/%m/%Y"', '"%d"')
    assert len([p for p in _problems(text) if p.startswith("error")]) >= 2


def test_broken_toml_is_one_clear_problem() -> None:
    assert _problems("name = \n")[0].startswith("error: test.toml is not valid TOML")


def test_load_mapping_refuses_a_bad_mapping_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace('agency = "council"', 'agency = "x"'), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_mapping(path)
    assert "agency 'x' is not a kind of agency" in str(err.value)
    assert "diogel mapping check" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_missing_mapping_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"mapping file .* does not exist"):
        load_mapping(tmp_path / "none.toml")


@pytest.mark.parametrize(
    ("name", "sample", "rejected"),
    [("istv", ISTV_EXAMPLE, 6), ("asb", ASB_EXAMPLE, 6), ("fire", FIRE_EXAMPLE, 4)],
)
def test_check_reads_the_example_files(name: str, sample: Path, rejected: int) -> None:
    check = check_mapping(name, sample)
    assert not [p for p in check.problems if p.severity == "error"]
    assert check.rows_in == check.accepted + check.rejected
    assert check.rejected == rejected
    assert not check.ok  # the examples hold rows made wrong on purpose


def test_check_names_a_missing_column_with_a_close_match(tmp_path: Path) -> None:
    sample = tmp_path / "s.csv"
    sample.write_text("Date,Typ,E,N,Ref\n01/02/2024,Noise,1,2,X\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text(GOOD, encoding="utf-8")
    check = check_mapping(mapping, sample, key_file=None)
    errors = [p for p in check.problems if p.severity == "error"]
    assert errors[0].where == "column 'Type'" and errors[0].hint == "the file has 'typ'"


def test_check_warns_about_columns_neither_used_nor_dropped(tmp_path: Path) -> None:
    sample = tmp_path / "s.csv"
    sample.write_text("Date,Type,E,N,Ref,Patient Name\n01/02/2024,Noise,318000,176000,X,Al\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text(GOOD, encoding="utf-8")
    check = check_mapping(mapping, sample)
    warnings = [str(p) for p in check.problems if p.severity == "warning"]
    assert any("'patient name'" in w and "neither used nor dropped" in w for w in warnings)
    assert check.rejected == 0
