"""The police.uk reader on hand-made files: headers, rejects with reasons, bad files."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diogel.errors import InputError
from diogel.ingest.police_uk import OUTCOMES, STOP_SEARCH, STREET, read_police_uk

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)
GOOD = "abc,2024-01,Gwent Police,Gwent Police,-3.0,51.6,On or near X,W01001234,Newport 001A,Burglary,Under investigation,"
ASB = ",2024-01,Gwent Police,Gwent Police,-3.1,51.7,On or near Y,W01001235,Newport 001B,Anti-social behaviour,,"
NO_LOCATION = "def,2024-01,Gwent Police,Gwent Police,,,No location,,,Drugs,Under investigation,"


def street(*rows: str, eol: str = "\n", header: str = HEADER) -> bytes:
    return (eol.join([header, *rows]) + eol).encode("utf-8")


def test_good_rows_are_all_accepted_and_rows_without_location_kept() -> None:
    parsed = read_police_uk(street(GOOD, ASB, NO_LOCATION), "t.csv", "2024-01-gwent-street.csv")
    assert parsed.kind == STREET
    assert (parsed.rows_in, parsed.accepted, parsed.rejected) == (3, 3, 0)
    assert parsed.rows.column("has_location").to_pylist() == [True, True, False]
    assert parsed.force_months == [("gwent", "2024-01")]
    assert parsed.rows.column("line").to_pylist() == [2, 3, 4]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (GOOD.replace("2024-01", "2024-13"), "month '2024-13' is not a valid month"),
        (GOOD.replace("2024-01", "Jan 2024"), "month 'Jan 2024' is not a valid month"),
        (GOOD.replace("Burglary", "Burglery"), "crime type 'Burglery' is not a police.uk category"),
        (GOOD.replace("-3.0,51.6", "-3.0,"), "coordinates '-3.0', '' are not both numbers"),
        (GOOD.replace("-3.0,51.6", "abc,51.6"), "coordinates 'abc', '51.6' are not both numbers"),
        (
            GOOD.replace("-3.0,51.6", "-20.0,51.6"),
            "coordinates (-20.0, 51.6) are outside Great Britain",
        ),
        (
            GOOD.replace("-3.0,51.6", "-3.0,40.1"),
            "coordinates (-3.0, 40.1) are outside Great Britain",
        ),
        (GOOD.rsplit(",", 2)[0], "has 10 fields, expected 12"),
        (GOOD + ",extra", "has 13 fields, expected 12"),
    ],
)
def test_each_bad_row_is_rejected_with_its_reason(row: str, reason: str) -> None:
    parsed = read_police_uk(street(GOOD, row, ASB), "t.csv")
    assert (parsed.rows_in, parsed.accepted, parsed.rejected) == (3, 2, 1)
    rejected = parsed.rejects.iloc[0]
    assert rejected["line"] == 3
    assert rejected["reason"].startswith(reason)
    # the accepted rows keep their own line numbers around the rejected one
    assert parsed.rows.column("line").to_pylist() == [2, 4]


def test_a_row_with_two_problems_gives_both_reasons() -> None:
    row = GOOD.replace("2024-01", "2024-00").replace("Burglary", "Arson")
    parsed = read_police_uk(street(row), "t.csv")
    assert parsed.rejects.iloc[0]["reason"] == (
        "month '2024-00' is not a valid month (expected YYYY-MM); "
        "crime type 'Arson' is not a police.uk category"
    )


def test_header_tolerates_case_spaces_bom_and_crlf() -> None:
    messy = "\ufeff" + ",".join(f"  {h.upper()} " for h in HEADER.split(","))
    parsed = read_police_uk(street(GOOD, ASB, header=messy, eol="\r\n"), "t.csv")
    assert (parsed.kind, parsed.accepted, parsed.rejected) == (STREET, 2, 0)
    assert parsed.rows.column("context").to_pylist() == ["", ""]


def test_outcomes_and_stop_and_search_are_told_apart() -> None:
    outcomes = (
        b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
        b"LSOA name,Outcome type\nabc,2024-02,Gwent Police,Gwent Police,-3.0,51.6,On or near X,"
        b"W01001234,Newport 001A,Offender given a caution\n,2024-02,Gwent Police,Gwent Police,"
        b"-3.0,51.6,On or near X,W01001234,Newport 001A,Offender given a caution\n"
    )
    parsed = read_police_uk(outcomes, "o.csv")
    assert (parsed.kind, parsed.accepted, parsed.rejected) == (OUTCOMES, 1, 1)
    assert parsed.rejects.iloc[0]["reason"] == "no Crime ID, so the outcome cannot be matched"
    searches = (
        b"Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
        b"Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,"
        b"Object of search,Outcome,Outcome linked to object of search,"
        b"Removal of more than just outer clothing\n"
        b"Person search,2018-02-28T23:30:00+00:00,,,51.5,-3.1,Male,18-24,,,"
        b"Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,,\n"
    )
    parsed = read_police_uk(searches, "s.csv", "2018-03-gwent-stop-and-search.csv")
    assert (parsed.kind, parsed.accepted) == (STOP_SEARCH, 1)
    # published in March's file, so it belongs to March's snapshot
    assert parsed.force_months == [("gwent", "2018-03")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "'t.csv' is empty"),
        (b"\xef\xbb\xbf\r\n", "'t.csv' is empty"),
        (b"name,address\nA,B\n", "'t.csv' is not a police.uk street, outcomes or stop-and-search"),
        (street(GOOD, ASB)[:-40], "'t.csv' looks cut off: its last line (line 3) has"),
        (
            street(GOOD).replace(b"On or near", b"On or n\xe9ar"),
            "'t.csv' is not UTF-8 text: line 2",
        ),
    ],
)
def test_bad_files_raise_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        read_police_uk(data, "t.csv")
    assert str(err.value).startswith(message)
    assert err.value.hint


field_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='",\r\n'),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.one_of(
            st.just(GOOD),
            st.just(ASB),
            st.just(NO_LOCATION),
            st.lists(field_text, min_size=1, max_size=15).map(",".join),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_rows_in_equals_accepted_plus_rejected(rows: list[str]) -> None:
    """Whatever the rows hold, none is lost: each is stored or rejected with a reason."""
    parsed = read_police_uk(street(*rows), "t.csv")
    assert parsed.rows_in == len(rows)
    assert parsed.accepted + parsed.rejected == len(rows)
    assert all(parsed.rejects["reason"].str.len() > 0)
    lines = sorted(parsed.rows.column("line").to_pylist() + parsed.rejects["line"].tolist())
    assert lines == list(range(2, len(rows) + 2))
    expected_good = sum(r in (GOOD, ASB, NO_LOCATION) for r in rows)
    assert parsed.accepted >= expected_good


#: Byte sequences at the edges of UTF-8: surrogates, beyond U+10FFFF, overlong forms,
#: valid two-, three- and four-byte characters, a BOM, and bytes UTF-8 never uses.
EDGES = [b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\x80", b"\xe0\x80\x80", b"\xc3\xa9"]
EDGES += [b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xef\xbb\xbf", b"\xff", b"\xc2"]


@settings(max_examples=300, deadline=None)
@given(
    payload=st.lists(st.one_of(st.binary(max_size=6), st.sampled_from(EDGES)), max_size=8).map(
        b"".join
    )
)
def test_the_utf8_check_agrees_with_python(payload: bytes) -> None:
    """A file is refused as not UTF-8 exactly when Python cannot decode it."""
    from diogel.ingest.csvfile import decode_check

    data = b"a,b\n" + payload + b",x\n"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        with pytest.raises(InputError, match="is not UTF-8 text"):
            decode_check(data, "t.csv")
    else:
        assert decode_check(data, "t.csv") == data
