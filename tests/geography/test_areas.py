"""Finding areas by code, English or Welsh name, and police force."""

from __future__ import annotations

import pytest

from diogel.errors import InputError, NotFoundError
from diogel.geography import Area, Geography, normalise_name


@pytest.mark.parametrize(
    ("text", "code", "kind"),
    [
        ("W06000022", "W06000022", "council"),
        ("w06000022 ", "W06000022", "council"),
        ("Newport", "W06000022", "council"),
        ("casnewydd", "W06000022", "council"),
        ("Newport City Council", "W06000022", "council"),
        ("Isle of Anglesey", "W06000001", "council"),
        ("Ynys Môn", "W06000001", "council"),
        ("Ynys Mon", "W06000001", "council"),
        ("YNYS  MÔN", "W06000001", "council"),
        ("Anglesey", "W06000001", "council"),
        ("Sir Benfro", "W06000009", "council"),
        ("Bro Morgannwg", "W06000014", "council"),
        ("The Vale of Glamorgan", "W06000014", "council"),
        ("Castell-nedd Port Talbot", "W06000012", "council"),
        ("Rhondda Cynon Taf", "W06000016", "council"),
        ("Caerphilly County Borough Council", "W06000018", "council"),
        ("Merthyr Tudful", "W06000024", "council"),
        ("gwent", "gwent", "force"),
        ("Gwent Police", "gwent", "force"),
        ("Heddlu Gwent", "gwent", "force"),
        ("south-wales", "south-wales", "force"),
        ("South Wales Police", "south-wales", "force"),
        ("Dyfed-Powys Police", "dyfed-powys", "force"),
        ("Heddlu Gogledd Cymru", "north-wales", "force"),
        ("Powys", "W06000023", "council"),
        ("W01001685", "W01001685", "lsoa"),
        ("Newport 014B", "W01001685", "lsoa"),
        ("Casnewydd 014B", "W01001685", "lsoa"),
    ],
)
def test_resolve_area(geo: Geography, text: str, code: str, kind: str) -> None:
    area = geo.resolve_area(text)
    assert (area.code, area.kind) == (code, kind)


def test_resolved_area_names(geo: Geography) -> None:
    area = geo.resolve_area("ynys mon")
    assert area == Area("W06000001", "Isle of Anglesey", "Ynys Môn", "council")
    assert area.name("cy") == "Ynys Môn"
    force = geo.resolve_area("gwent")
    assert (force.name(), force.name("cy")) == ("Gwent Police", "Heddlu Gwent")


def test_unknown_area_hints_close_matches(geo: Geography) -> None:
    with pytest.raises(NotFoundError) as info:
        geo.resolve_area("Newprot")
    assert info.value.hint is not None and "Newport (W06000022)" in info.value.hint
    with pytest.raises(NotFoundError) as info:
        geo.resolve_area("Casnewyd")
    assert info.value.hint is not None and "Newport (W06000022)" in info.value.hint
    with pytest.raises(NotFoundError) as info:
        geo.resolve_area("Glasgow")
    assert info.value.hint is not None and "W06" in info.value.hint
    assert info.value.to_dict()["error"] == "not_found"


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_resolve_rejects_non_text(geo: Geography, bad: object) -> None:
    with pytest.raises(InputError):
        geo.resolve_area(bad)


def test_councils_in_force(geo: Geography) -> None:
    assert geo.councils_in_force("gwent") == [
        "W06000018",
        "W06000019",
        "W06000020",
        "W06000021",
        "W06000022",
    ]
    assert geo.councils_in_force("North Wales Police") == [
        "W06000001",
        "W06000002",
        "W06000003",
        "W06000004",
        "W06000005",
        "W06000006",
    ]
    assert len(geo.councils_in_force("Heddlu De Cymru")) == 7
    every = [c for f in geo.forces["code"] for c in geo.councils_in_force(f)]
    assert sorted(every) == sorted(geo.councils["code"])


def test_councils_in_force_rejects_a_council(geo: Geography) -> None:
    with pytest.raises(NotFoundError):
        geo.councils_in_force("Newport")
    with pytest.raises(NotFoundError):
        geo.councils_in_force("Thames Valley Police")


def test_area_name_rejects_unknown_language() -> None:
    with pytest.raises(InputError):
        Area("W06000022", "Newport", "Casnewydd", "council").name("fr")


def test_normalise_name() -> None:
    assert normalise_name("Pen-y-bont ar Ogwr") == "pen y bont ar ogwr"
    assert normalise_name("Ynys\u00a0Mo\u0302n") == "ynys mon"
