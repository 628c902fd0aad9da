"""Tests for diogel.analysis.near_repeat against a brute-force O(n^2) Knox test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diogel.analysis.near_repeat import knox_test
from diogel.errors import InputError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
GWENT = DATA / "police-uk" / "street" / "gwent"


def in_band(values: np.ndarray, lo: float, hi: float, first: bool) -> np.ndarray:
    return ((values > lo) & (values <= hi)) | (first & (values == lo))


def brute_force_knox(
    x: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    d_edges: list[float],
    t_edges: list[float],
    permutations: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair, every permutation: observed, expected and p-values by definition."""
    n = len(x)
    iu, ju = np.triu_indices(n, k=1)
    dist = np.sqrt((x[iu] - x[ju]) ** 2 + (y[iu] - y[ju]) ** 2)

    def table(times: np.ndarray) -> np.ndarray:
        gap = np.abs(times[iu] - times[ju])
        out = np.zeros((len(d_edges) - 1, len(t_edges) - 1), dtype=int)
        for a in range(len(d_edges) - 1):
            near = in_band(dist, d_edges[a], d_edges[a + 1], a == 0)
            for b in range(len(t_edges) - 1):
                soon = in_band(gap, t_edges[b], t_edges[b + 1], b == 0)
                out[a, b] = int(np.sum(near & soon))
        return out

    observed = table(t)
    rng = np.random.default_rng(seed)
    sims = np.array([table(t[rng.permutation(n)]) for _ in range(permutations)])
    expected = sims.mean(axis=0)
    p_value = (1 + (sims >= observed).sum(axis=0)) / (1 + permutations)
    return observed, expected, p_value


@pytest.mark.parametrize(
    ("d_edges", "t_edges"),
    [
        ([0, 50, 100, 200], [0, 7, 14, 28]),
        ([10, 60, 150], [1, 3, 10, 30]),  # first edges above zero exclude closer pairs
    ],
)
def test_knox_equals_brute_force_on_integer_data_with_ties(
    d_edges: list[float], t_edges: list[float]
) -> None:
    rng = np.random.default_rng(42)
    n = 180
    # Integer metres and days put many pairs exactly on band edges, incl. 3-4-5 triangles.
    x = rng.integers(0, 600, n).astype(float)
    y = rng.integers(0, 600, n).astype(float)
    t = rng.integers(0, 120, n).astype(float)
    x[:3], y[:3] = [0, 30, 0], [0, 40, 50]  # distances 50, 50 and 30
    result = knox_test(x, y, t, distance_bands=d_edges, time_bands=t_edges, permutations=49, seed=7)
    observed, expected, p_value = brute_force_knox(x, y, t, d_edges, t_edges, 49, 7)
    table = result.table
    np.testing.assert_array_equal(table["observed"].to_numpy(), observed.ravel())
    np.testing.assert_allclose(table["expected"].to_numpy(), expected.ravel(), rtol=1e-12)
    np.testing.assert_allclose(table["p_value"].to_numpy(), p_value.ravel(), rtol=1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    np.testing.assert_allclose(table["knox_ratio"].to_numpy(), ratio.ravel(), rtol=1e-12)
    assert table[["distance_from", "distance_to"]].iloc[0].tolist() == d_edges[:2]


def test_knox_equals_brute_force_on_continuous_data() -> None:
    rng = np.random.default_rng(3)
    n = 250
    x, y = rng.uniform(0, 2000, n), rng.uniform(0, 2000, n)
    t = rng.uniform(0, 365, n)
    d_edges, t_edges = [0, 100, 250, 500], [0, 5.5, 14, 60]
    result = knox_test(x, y, t, distance_bands=d_edges, time_bands=t_edges, permutations=30, seed=0)
    observed, expected, p_value = brute_force_knox(x, y, t, d_edges, t_edges, 30, 0)
    np.testing.assert_array_equal(result.table["observed"], observed.ravel())
    np.testing.assert_allclose(result.table["expected"], expected.ravel())
    np.testing.assert_allclose(result.table["p_value"], p_value.ravel())
    iu, ju = np.triu_indices(n, k=1)
    assert result.close_pairs == int(np.sum(np.hypot(x[iu] - x[ju], y[iu] - y[ju]) <= 500))


def test_planted_near_repeats_are_detected() -> None:
    rng = np.random.default_rng(8)
    n = 300
    x, y = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)
    t = rng.uniform(0, 365, n)
    # Each of 60 events is followed by a near repeat 30 m away within 5 days.
    x2 = x[:60] + 30
    y2 = y[:60]
    t2 = t[:60] + rng.uniform(0, 5, 60)
    xs, ys, ts = np.r_[x, x2], np.r_[y, y2], np.r_[t, t2]
    r = knox_test(xs, ys, ts, distance_bands=(0, 100, 400), time_bands=(0, 7, 30), seed=1)
    near = r.table.iloc[0]
    assert near["observed"] >= 60
    assert near["knox_ratio"] > 5
    assert near["p_value"] == pytest.approx(0.01)  # more than all 99 permutations


def test_same_seed_same_result_and_dates_equal_days() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 1000, 100), rng.uniform(0, 1000, 100)
    days = rng.integers(0, 200, 100)
    dates = pd.Timestamp("2023-01-03") + pd.to_timedelta(days, unit="D")
    kw = {"distance_bands": (0, 100, 200), "time_bands": (0, 7, 14), "permutations": 19}
    a = knox_test(x, y, days, seed=5, **kw)
    b = knox_test(x, y, dates, seed=5, **kw)
    c = knox_test(x, y, dates.strftime("%Y-%m-%d").to_numpy(), seed=5, **kw)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.table, c.table)
    assert a.seed == 5 and a.permutations == 19 and a.events == 100


def test_month_only_dates_are_refused() -> None:
    x = y = np.arange(5.0)
    firsts = pd.to_datetime(["2023-01-01", "2023-02-01", "2023-02-01", "2023-03-01", "2023-05-01"])
    kw = {"distance_bands": (0, 100), "time_bands": (0, 7)}
    with pytest.raises(InputError, match="months only") as info:
        knox_test(x, y, firsts, **kw)
    assert "police.uk" in str(info.value)
    with pytest.raises(InputError, match="months only"):
        knox_test(x, y, ["2023-01", "2023-02", "2023-02", "2023-03", "2023-05"], **kw)
    with pytest.raises(InputError, match="months only"):
        knox_test(x, y, pd.Series(firsts.to_period("M")), **kw)
    days = (firsts - pd.Timestamp("1970-01-01")).days.to_numpy()
    with pytest.raises(InputError, match="months only"):
        knox_test(x, y, days, **kw)


@pytest.mark.shared_data
def test_police_uk_street_crime_cannot_support_near_repeat() -> None:
    path = GWENT / "2023-05-gwent-street.csv"
    if not path.exists():
        pytest.skip("shared Gwent data not available")
    crimes = pd.read_csv(path).dropna(subset=["Longitude", "Latitude"])
    burglary = crimes[crimes["Crime type"] == "Burglary"]
    dates = pd.to_datetime(burglary["Month"], format="%Y-%m")
    with pytest.raises(InputError, match=r"police\.uk"):
        knox_test(
            burglary["Longitude"] * 70000,
            burglary["Latitude"] * 111000,
            dates,
            distance_bands=(0, 200),
            time_bands=(0, 14),
        )


def test_knox_input_errors() -> None:
    x = y = np.arange(4.0)
    t = np.array([0.0, 3, 9, 20])
    ok = {"distance_bands": (0, 100), "time_bands": (0, 7)}
    with pytest.raises(InputError, match="distance_bands"):
        knox_test(x, y, t, distance_bands=(100, 0), time_bands=(0, 7))
    with pytest.raises(InputError, match="time_bands"):
        knox_test(x, y, t, distance_bands=(0, 100), time_bands=(7,))
    with pytest.raises(InputError, match="same length"):
        knox_test(x, y[:3], t, **ok)
    with pytest.raises(InputError, match="one time per event"):
        knox_test(x, y, t[:3], **ok)
    with pytest.raises(InputError, match="permutations"):
        knox_test(x, y, t, permutations=0, **ok)
    with pytest.raises(InputError, match="missing"):
        knox_test(np.array([0.0, np.nan, 1, 2]), y, t, **ok)
    with pytest.raises(InputError, match="at least two"):
        knox_test([1.0], [1.0], [1.0], **ok)
    with pytest.raises(InputError, match="seed"):
        knox_test(x, y, t, seed=1.5, **ok)  # type: ignore[arg-type]
