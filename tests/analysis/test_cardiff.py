"""Cardiff Model figures against hand counts and a brute-force distance check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diogel.analysis.cardiff import (
    DAYS,
    cell_sources,
    combined_points,
    hour_by_day,
    profile,
    unseen_violence,
)
from diogel.analysis.hotspots import hotspot_gistar
from diogel.errors import InputError


def test_hour_by_day_counts_equal_a_hand_tally() -> None:
    # 2024-03-01 is a Friday. Counted by hand: Friday 23h x2, Saturday 01h x1,
    # Saturday 23h x1, Monday 09h x1 (2024-03-04), and one with no time.
    when = pd.to_datetime(
        [
            "2024-03-01 23:10",
            "2024-03-01 23:59",
            "2024-03-02 01:00",
            "2024-03-02 23:30",
            "2024-03-04 09:15",
            None,
        ]
    )
    t = hour_by_day(when)
    assert t.counts.shape == (24, 7) and list(t.counts.columns) == list(DAYS)
    expected = np.zeros((24, 7), dtype=int)
    expected[23, 4] = 2
    expected[1, 5] = 1
    expected[23, 5] = 1
    expected[9, 0] = 1
    assert (t.counts.to_numpy() == expected).all()
    assert t.without_time == 1 and t.total == 5
    assert t.peak() == ("Friday", 23, 2)


def test_hour_by_day_rejects_text_that_is_not_a_time() -> None:
    with pytest.raises(InputError, match="dates with times"):
        hour_by_day(["not a date"])


def test_profile_keeps_the_order_and_counts_missing_as_not_known() -> None:
    p = profile(
        ["knife", None, "body", "body", "spoon"],
        ["body", "knife", "not-known"],
        missing="not-known",
    )
    assert p["value"].tolist() == ["body", "knife", "not-known", "spoon"]
    assert p["count"].tolist() == [2, 1, 1, 1]
    assert p["share"].tolist() == [0.4, 0.2, 0.2, 0.2]


def test_unseen_share_equals_a_hand_calculation() -> None:
    # Five placed A&E assaults and one unplaced. Police violence at (0, 0) and (1000, 0).
    # - (50, 0): 50 m from police -> seen
    # - (100, 0): exactly 100 m -> seen (within the radius)
    # - (500, 0): 500 m from both -> unseen
    # - (2000, 0) "Queen Street": 1000 m away, but police recorded violence "On or near
    #   Queen Street" -> seen (same named place)
    # - (3000, 0) "Side Lane": unseen
    ae = pd.DataFrame(
        {
            "x": [50.0, 100.0, 500.0, 2000.0, 3000.0, np.nan],
            "y": [0.0] * 6,
            "place": [None, None, None, "Queen Street", "Side Lane", None],
        }
    )
    police = pd.DataFrame(
        {
            "x": [0.0, 1000.0],
            "y": [0.0, 0.0],
            "location": ["On or near Park Place", "On or near Queen Street"],
        }
    )
    u = unseen_violence(ae, police, radius=100)
    assert (u.events, u.unseen, u.without_place) == (5, 2, 1)
    assert u.share == pytest.approx(2 / 5)
    unseen_places = set(u.places.loc[u.places["unseen"], "place"])
    assert unseen_places == {"500, 0", "Side Lane"}


def test_unseen_matches_a_brute_force_distance_check() -> None:
    rng = np.random.default_rng(4)
    ae = pd.DataFrame(rng.uniform(0, 2000, size=(300, 2)), columns=["x", "y"])
    police = pd.DataFrame(rng.uniform(0, 2000, size=(200, 2)), columns=["x", "y"])
    u = unseen_violence(ae, police, radius=80)
    d = np.hypot(
        ae["x"].to_numpy()[:, None] - police["x"].to_numpy()[None, :],
        ae["y"].to_numpy()[:, None] - police["y"].to_numpy()[None, :],
    )
    assert u.unseen == int((d.min(axis=1) > 80).sum())


def test_no_police_data_makes_every_placed_assault_unseen() -> None:
    u = unseen_violence(
        pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, 2.0]}), pd.DataFrame({"x": [], "y": []})
    )
    assert (u.events, u.unseen) == (2, 2)


def test_combined_points_and_cell_sources_count_each_source() -> None:
    ae = pd.DataFrame({"x": [10.0, 20.0, 510.0], "y": [10.0, 20.0, 10.0]})
    police = pd.DataFrame({"x": [30.0] * 5 + [900.0], "y": [30.0] * 5 + [900.0]})
    points = combined_points(ae, police)
    assert points["source"].value_counts().to_dict() == {"police": 6, "a&e": 3}
    result = hotspot_gistar(points[["x", "y"]], cell_size=100, quiet=True)
    counts = cell_sources(result, points)
    assert int(counts["a&e"].sum()) == 3 and int(counts["police"].sum()) == 6
    both = (
        result.cells["count"].to_numpy() == counts["a&e"].to_numpy() + counts["police"].to_numpy()
    )
    assert both.all()
