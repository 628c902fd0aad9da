"""Differencing: special category counts are perturbed by the cell-key method, so subtracting
overlapping tables does not give the small counts between them.

The perturbation table is checked exhaustively (every count up to well past where its rows
repeat, every one of the 256 cell keys) and against hand-counted rows; the store is
checked on A&E records loaded through the real pipeline (synthetic ISTV placed on Gwent's
streets), against counts and key sums taken from the stored rows with plain SQL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from diogel.analysis.cell_key import KEY_RANGE, perturb_counts, perturbation_table
from diogel.errors import InputError
from diogel.sharing import scoped
from diogel.sharing.agreements import add_agreement, parse_agreement
from diogel.sharing.perturb import protect_long
from diogel.sharing.registry import add_agency, add_member, add_partnership, set_dataset_policy
from diogel.storage import partners
from diogel.storage.base import AreaFilter
from diogel.storage.partners import EVENT_COLUMNS, NOISE_KEY, partner_events
from tests.conftest import POLICE_UK
from tests.sharing.conftest import ISTV, NEWPORT, NOW, agreement_spec, events

JAN, MAY, JUN = dt.date(2024, 1, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1)
#: The rows the Newport CSP may count (the scoped store's area rule, as plain SQL).
NEWPORT_ROWS = "(council_code = ? OR (council_code IS NULL AND area_code = ?))"
FIELDS = ["month", "category", "council_code", "lsoa_code", "weapon", "location_type"]

# -- the perturbation table ----------------------------------------------------------------


@pytest.mark.parametrize("max_noise", [0, 1, 3, 5])
@pytest.mark.parametrize("k", [1, 2, 3, 5, 10, 100])
def test_ptable_properties_for_every_count_and_cell_key(k: int, max_noise: int) -> None:
    table = perturbation_table(k, max_noise)
    counts = np.arange(k + max_noise + 60)
    n = np.repeat(counts, KEY_RANGE)
    keys = np.tile(np.arange(KEY_RANGE), len(counts))
    p = table.perturbation(n, keys).reshape(len(counts), KEY_RANGE)
    shown = counts[:, None] + p
    assert (shown[0] == 0).all()  # no records: nothing published
    assert ((shown == 0) | (shown >= k)).all()  # never 1..k-1, never negative
    small, large = counts < k, counts >= k
    assert (np.abs(p[small]) <= k - 1).all()
    assert (np.abs(p[large]) <= max_noise).all()
    assert (p[large].sum(axis=1) == 0).all()  # exactly unbiased from k on
    mean_small = p[small].mean(axis=1)
    assert (np.abs(mean_small) <= k / 512).all()  # rounding to whole keys
    assert (shown[large] >= k).all()  # a count of k or more is never published as 0
    # From k + max_noise on: every value from -D to D, as evenly as 256 keys allow.
    for row in p[counts >= k + max_noise]:
        values, times = np.unique(row, return_counts=True)
        assert values.tolist() == list(range(-max_noise, max_noise + 1))
        assert times.max() - times.min() <= 1


def test_ptable_rows_counted_by_hand() -> None:
    """k = 5, D = 3: how many of the 256 cell keys publish each value."""
    table = perturbation_table(5, 3)

    def shown(n: int) -> dict[int, int]:
        return {n + p: round(s * KEY_RANGE) for p, s in table.probabilities(n).items()}

    assert shown(0) == {0: 256}
    assert shown(1) == {0: 205, 5: 51}  # 256 / 5 = 51.2 keys publish 5
    assert shown(2) == {0: 154, 5: 102}  # 102.4
    assert shown(3) == {0: 102, 5: 154}  # 153.6
    assert shown(4) == {0: 51, 5: 205}  # 204.8
    assert shown(5) == {5: 256}
    assert shown(6) == {5: 85, 6: 86, 7: 85}  # 256 = 3 x 85 + 1: the spare key on 0
    assert shown(7) == {5: 51, 6: 51, 7: 52, 8: 51, 9: 51}
    assert shown(8) == {5: 36, 6: 37, 7: 37, 8: 36, 9: 37, 10: 37, 11: 36}  # 7 x 36 + 4
    assert shown(1000) == {997: 36, 998: 37, 999: 37, 1000: 36, 1001: 37, 1002: 37, 1003: 36}


def test_ptable_checks_its_inputs() -> None:
    with pytest.raises(InputError, match="k must"):
        perturbation_table(0)
    with pytest.raises(InputError, match="k must be at most"):
        perturbation_table(200)
    with pytest.raises(InputError, match="counts"):
        perturbation_table().publish([-1], [0])
    with pytest.raises(InputError, match="cell keys"):
        perturbation_table().publish([3], [256])
    with pytest.raises(InputError, match="one cell key for each count"):
        perturbation_table().publish([3, 4], [1])


def test_overlapping_cells_get_independent_noise() -> None:
    """Two cells that differ by a few records: over every pair of cell keys (all equally
    likely), the difference of the published values equals the true difference only as
    often as two independent noises agree, and says nothing certain."""
    for j in range(1, 5):  # the records between the cells
        before, after = 30, 30 + j
        keys = np.arange(KEY_RANGE)
        a = perturb_counts(np.full(KEY_RANGE, after), keys)
        b = perturb_counts(np.full(KEY_RANGE, before), keys)
        differences = a[:, None] - b[None, :]
        assert (differences == j).mean() < 0.15  # 1/7 for D = 3
        assert differences.min() == j - 6 and differences.max() == j + 6


def test_key_sums_never_reach_the_reader() -> None:
    frame = pd.DataFrame({"month": ["a", "b"], "count": [7, 2], "key_sum": [100, 9]})
    out = protect_long(frame, ["month"], 5)
    assert list(out.columns) == ["month", "count", "suppressed", "perturbed"]
    exact = protect_long(frame.drop(columns="key_sum"), ["month"], 5)  # no keys: suppressed
    assert exact["count"].isna().tolist() == [True, True] and not exact["perturbed"].any()


# -- A&E records loaded through the real pipeline ------------------------------------------


def _load_istv(store: Any, folder: Path, *, per_month: int = 120, seed: int = 11) -> Path:
    """Gwent's May 2024 street crime (for the places), then six months of synthetic A&E
    assaults in Newport loaded with the ISTV mapping; returns the file loaded."""
    from diogel.assess.areas import find_area
    from diogel.geography import Geography
    from diogel.hub import load_police_uk
    from diogel.hub_partners import load_partner_files, synthetic_istv
    from diogel.ingest.partners.pseudonym import PseudonymKey

    load_police_uk(store, [POLICE_UK / "street" / "gwent" / "2024-05-gwent-street.csv"])
    geo = Geography.bundled()
    newport = find_area(store, geo, "Newport")
    frame = synthetic_istv(store, newport, JAN, dt.date(2024, 6, 30), geography=geo,
                           per_month=per_month, seed=seed)  # fmt: skip
    path = folder / "istv-newport.csv"
    frame.to_csv(path, index=False)
    load_partner_files(store, [path], "istv", key=PseudonymKey(b"differencing tests"),
                       area="Newport", geography=geo)  # fmt: skip
    return path


def _register(store: Any, level: str = "aggregate") -> None:
    add_agency(store, "abuhb", "Aneurin Bevan University Health Board", "health-board")
    add_partnership(store, "newport-csp", "Safer Newport", "csp", [NEWPORT])
    add_member(store, "alice", "partnership", "newport-csp", "analyst")
    add_member(store, "hana", "agency", "abuhb", "analyst")
    set_dataset_policy(store, ISTV, "abuhb", "special")
    spec = agreement_spec(level=level, areas=[NEWPORT],
                          datasets=[{"name": ISTV, "fields": FIELDS}])  # fmt: skip
    add_agreement(store, parse_agreement(spec), now=NOW)


@pytest.fixture
def istv(store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The loaded A&E records, registered and shared with the Newport CSP at aggregate
    level. Their noise keys come from a seeded generator instead of the operating system,
    so that the measured attacks below give the same numbers on every run and backend."""
    if not (POLICE_UK / "street" / "gwent").is_dir():
        pytest.skip(f"needs the police.uk files in {POLICE_UK}")
    rng = np.random.default_rng(2024)
    monkeypatch.setattr(partners, "noise_keys", lambda n: rng.integers(0, KEY_RANGE, n))
    _load_istv(store, tmp_path)
    _register(store)
    return store


def _truth(store: Any, start: dt.date, end: dt.date, by: str) -> pd.DataFrame:
    """Exact counts and key sums per cell, from the stored rows with plain SQL."""
    return store.query(
        f"SELECT {by} AS cell, COUNT(*) AS n, CAST(SUM({NOISE_KEY}) AS BIGINT) AS keys "
        f"FROM partner_events WHERE dataset = ? AND {NEWPORT_ROWS} "
        f"AND month BETWEEN ? AND ? GROUP BY {by}",
        [ISTV, NEWPORT, NEWPORT, start, end],
    )


def _exact(store: Any, start: dt.date, end: dt.date, by: str) -> dict[object, int]:
    frame = _truth(store, start, end, by)
    return {_cell(c): int(n) for c, n in zip(frame["cell"], frame["n"], strict=True)}


def _cell(value: object) -> object:
    return None if not isinstance(value, str) and pd.isna(value) else value


def _shown(frame: pd.DataFrame, by: str) -> dict[object, int]:
    return {_cell(c): int(n) for c, n in zip(frame[by], frame["count"], strict=True)}


def _no_small(frame: pd.DataFrame, k: int = 5) -> None:
    shown = frame["count"].dropna().astype(int)
    assert not ((shown > 0) & (shown < k)).any(), frame[(shown > 0) & (shown < k)]


@pytest.mark.shared_data
@pytest.mark.parametrize("by", ["lsoa_code", "weapon"])
def test_subtracting_overlapping_periods_does_not_give_small_counts(istv: Any, by: str) -> None:
    view = scoped(istv, "alice", NOW)
    jan_jun = _shown(view.count_partner_events(JAN, JUN, [by], datasets=[ISTV]), by)
    jan_may = _shown(view.count_partner_events(JAN, MAY, [by], datasets=[ISTV]), by)
    june = _exact(istv, JUN, JUN, by)
    # Exact counts would give June away: the reference attack works on them.
    exact_six, exact_five = _exact(istv, JAN, JUN, by), _exact(istv, JAN, MAY, by)
    assert {c: exact_six[c] - exact_five.get(c, 0) for c in june} == june
    small = {c: n for c, n in june.items() if 1 <= n <= 4}
    assert len(small) >= (20 if by == "lsoa_code" else 1)
    guesses = {c: jan_jun.get(c, 0) - jan_may.get(c, 0) for c in small}
    right = sum(guesses[c] == n for c, n in small.items())
    print(f"periods by {by}: {right} of {len(small)} small counts guessed right")
    assert right / len(small) < 0.3, (right, len(small), guesses, small)


@pytest.mark.shared_data
def test_subtracting_overlapping_areas_does_not_give_small_counts(istv: Any) -> None:
    """All of Newport's neighbourhoods, then all but one: the one's count is not given."""
    view = scoped(istv, "alice", NOW)
    totals = _exact(istv, JAN, JUN, "lsoa_code")
    lsoas = sorted(c for c in totals if isinstance(c, str))
    small = [c for c in lsoas if 1 <= totals[c] <= 4]
    assert len(small) >= 20
    whole = view.count_partner_events(JAN, JUN, ["month"], area_codes=lsoas, datasets=[ISTV])
    right = 0
    for lsoa in small:
        rest = [c for c in lsoas if c != lsoa]
        part = view.count_partner_events(JAN, JUN, ["month"], area_codes=rest, datasets=[ISTV])
        _no_small(part)
        guess = int(whole["count"].sum()) - int(part["count"].sum())
        right += guess == totals[lsoa]
    print(f"areas: {right} of {len(small)} small counts guessed right")
    assert right / len(small) < 0.3


@pytest.mark.shared_data
def test_published_counts_are_the_ptable_applied_to_the_stored_rows(istv: Any) -> None:
    view = scoped(istv, "alice", NOW)
    frame = view.count_partner_events(JAN, JUN, ["lsoa_code"], datasets=[ISTV])
    assert frame["perturbed"].all() and not frame["suppressed"].any()
    assert "key_sum" not in frame.columns and NOISE_KEY not in frame.columns
    truth = _truth(istv, JAN, JUN, "lsoa_code")
    expected = perturb_counts(truth["n"].to_numpy(), truth["keys"].to_numpy())
    reference = {_cell(c): int(v) for c, v in zip(truth["cell"], expected, strict=True) if v}
    assert _shown(frame, "lsoa_code") == reference
    changed = sum(reference.get(_cell(c), 0) != n for c, n in zip(truth["cell"], truth["n"],
                                                                  strict=True))  # fmt: skip
    assert changed > len(truth) / 2  # most cells are moved, so no count can be trusted alone


@pytest.mark.shared_data
def test_the_same_cell_always_gets_the_same_value(istv: Any) -> None:
    alice, hana = scoped(istv, "alice", NOW), scoped(istv, "hana", NOW)
    first = alice.count_partner_events(JAN, JUN, ["lsoa_code"], datasets=[ISTV])
    again = alice.count_partner_events(JAN, JUN, ["lsoa_code"], datasets=[ISTV])
    pd.testing.assert_frame_equal(first, again)
    # The owner, and another route to the same records: the same published values.
    owner = hana.count_partner_events(JAN, JUN, ["lsoa_code"], area_codes=[NEWPORT],
                                      datasets=[ISTV])  # fmt: skip
    pd.testing.assert_frame_equal(first, owner)
    shown = _shown(first, "lsoa_code")
    for lsoa in [c for c in shown if isinstance(c, str)][:5]:
        alone = alice.count_partner_events(JAN, JUN, ["lsoa_code"], area_codes=[lsoa],
                                           datasets=[ISTV])  # fmt: skip
        assert _shown(alone, "lsoa_code") == {lsoa: shown[lsoa]}
    # A month is the same cell whether asked alone or within a longer period.
    by_month = _shown(alice.count_partner_events(JAN, JUN, ["month"], datasets=[ISTV]), "month")
    june = _shown(alice.count_partner_events(JUN, JUN, ["month"], datasets=[ISTV]), "month")
    assert {m: by_month[m] for m in june} == june


@pytest.mark.shared_data
@pytest.mark.parametrize("min_count", [5, 10])
def test_no_count_from_one_to_k_minus_one_in_any_output(istv: Any, min_count: int) -> None:
    set_dataset_policy(istv, ISTV, "abuhb", "special", min_count=min_count)
    groupings = [["month"], ["lsoa_code"], ["weapon"], ["month", "weapon"],
                 ["location_type", "month"], ["council_code", "weapon"]]  # fmt: skip
    periods = [(JAN, JUN), (JAN, MAY), (JUN, JUN), (dt.date(2024, 3, 1), dt.date(2024, 4, 1))]
    for user in ("alice", "hana"):
        view = scoped(istv, user, NOW)
        for by in groupings:
            for start, end in periods:
                frame = view.count_partner_events(start, end, by, datasets=[ISTV])
                assert len(frame) and frame["perturbed"].all()
                _no_small(frame, min_count)


@pytest.mark.shared_data
def test_counts_that_are_not_special_category_stay_exact(istv: Any) -> None:
    set_dataset_policy(istv, ISTV, "abuhb", "personal")
    view = scoped(istv, "alice", NOW)
    frame = view.count_partner_events(JAN, JUN, ["lsoa_code"], datasets=[ISTV])
    assert "perturbed" not in frame.columns and "key_sum" not in frame.columns
    assert _shown(frame, "lsoa_code") == _exact(istv, JAN, JUN, "lsoa_code")
    police = view.count_by(AreaFilter("council", NEWPORT), MAY, MAY, ["category"])
    exact = istv.query(
        "SELECT category, COUNT(*) AS n FROM incidents WHERE council_code = ? AND month = ? "
        "GROUP BY category", [NEWPORT, MAY])  # fmt: skip
    assert dict(zip(police["category"], police["count"], strict=True)) == dict(
        zip(exact["category"], exact["n"], strict=True)
    )
    assert "perturbed" not in police.columns


@pytest.mark.shared_data
def test_noise_keys_are_never_read_as_records(istv: Any) -> None:
    assert NOISE_KEY not in EVENT_COLUMNS
    owner = scoped(istv, "hana", NOW)
    rows = owner.partner_events(JAN, JUN, datasets=[ISTV], columns=sorted(EVENT_COLUMNS))
    assert len(rows) and NOISE_KEY not in rows.columns
    with pytest.raises(InputError, match="partner event columns"):
        owner.partner_events(JAN, JUN, datasets=[ISTV], columns=[NOISE_KEY])
    with pytest.raises(InputError, match="unknown partner event columns"):
        partner_events(istv, JAN, JUN, columns=[NOISE_KEY])
    with pytest.raises(InputError):
        owner.count_partner_events(JAN, JUN, [NOISE_KEY], datasets=[ISTV])


@pytest.mark.shared_data
def test_every_loaded_row_has_a_random_key_and_a_resent_row_keeps_its_own(
    istv: Any, tmp_path: Path
) -> None:
    from diogel.hub_partners import load_partner_files
    from diogel.ingest.partners.pseudonym import PseudonymKey

    keys = istv.query(f"SELECT record_key, {NOISE_KEY} AS k FROM partner_events")
    assert keys["k"].notna().all() and keys["k"].between(0, KEY_RANGE - 1).all()
    assert keys["k"].nunique() > 200  # 720 rows: drawn from all 256 values
    before = scoped(istv, "alice", NOW).count_partner_events(JAN, JUN, ["lsoa_code"],
                                                             datasets=[ISTV])  # fmt: skip
    # The hospital sends May and June again (a corrected extract): the same attendances.
    sent = pd.read_csv(tmp_path / "istv-newport.csv", dtype=str, keep_default_na=False)
    again = sent[sent["Reporting Period"] >= "2024-05"].assign(**{"Site Code": "7A4BX"})
    path = tmp_path / "istv-newport-resent.csv"
    again.to_csv(path, index=False)
    report = load_partner_files(istv, [path], "istv", key=PseudonymKey(b"differencing tests"),
                                area="Newport")  # fmt: skip
    assert report.files[0].replaced == len(again) > 0
    after = istv.query(f"SELECT record_key, {NOISE_KEY} AS k FROM partner_events")
    assert dict(zip(after["record_key"], after["k"], strict=True)) == dict(
        zip(keys["record_key"], keys["k"], strict=True)
    )
    now = scoped(istv, "alice", NOW).count_partner_events(JAN, JUN, ["lsoa_code"],
                                                          datasets=[ISTV])  # fmt: skip
    pd.testing.assert_frame_equal(before, now)


def test_the_migration_gives_rows_stored_before_it_keys(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diogel.storage import open_store, sqlstore

    earlier = tuple(m for m in sqlstore.MIGRATIONS if m.version != 101)
    assert len(earlier) == len(sqlstore.MIGRATIONS) - 1
    monkeypatch.setattr(sqlstore, "MIGRATIONS", earlier)
    store = open_store(store_url)
    try:
        frame = events()
        store.insert_frame("partner_events", frame)
        monkeypatch.undo()
        assert store.migrate() == [101]
        keys = store.query(f"SELECT {NOISE_KEY} AS k FROM partner_events")["k"]
        assert len(keys) == len(frame) and keys.notna().all()
        assert keys.between(0, KEY_RANGE - 1).all() and keys.nunique() > 150
    finally:
        store.close()
