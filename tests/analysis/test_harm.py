"""Tests for diogel.analysis.harm and the bundled severity weights."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diogel.analysis.harm import (
    default_severity_weights,
    harm_monthly_series,
    harm_totals,
    incident_harm,
    severity_weights,
)
from diogel.errors import InputError
from diogel.schema import ASB_CATEGORY, POLICE_UK_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
SOURCE = DATA / "mopd-police-supply-demand" / "policeuk-ons-code-join.csv"
GWENT = DATA / "police-uk" / "street" / "gwent"


def test_default_weights_cover_every_current_police_uk_category() -> None:
    table = default_severity_weights()
    current = [
        c for c in POLICE_UK_CATEGORIES if c not in {"Violent crime", "Public disorder and weapons"}
    ]
    assert sorted(table["category"]) == sorted(current)
    weights = table.set_index("category")["weight"]
    assert np.isnan(weights[ASB_CATEGORY])
    assert (weights.drop(ASB_CATEGORY) > 0).all()
    assert "not a notifiable crime" in table.set_index("category").loc[ASB_CATEGORY, "note"]
    # Changing the returned copy does not change the defaults.
    table.loc[0, "weight"] = -1
    assert not (default_severity_weights()["weight"] == -1).any()


@pytest.mark.shared_data
def test_default_weights_are_medians_of_the_source_offences() -> None:
    if not SOURCE.exists():
        pytest.skip("source join not available")
    raw = pd.read_csv(SOURCE)
    # Independent recomputation: distinct offences per police.uk category.
    distinct = raw.drop_duplicates(["ONS_SEVERITY_code", "ONS_SEVERITY_offence"])
    by_cat = distinct.groupby(distinct["POLICE_UK_CAT_MAP_category"].str.lower())[
        "ONS_SEVERITY_weight"
    ]
    table = default_severity_weights().set_index("category")
    for category, row in table.drop(ASB_CATEGORY).iterrows():
        weights = by_cat.get_group(str(category).lower())
        assert row["weight"] == pytest.approx(np.median(weights), abs=1e-6)
        assert row["weight_mean"] == pytest.approx(weights.mean(), abs=1e-6)
        assert row["offences"] == len(weights)
    # Hand checks: robbery's two offences share one weight; shoplifting is one offence.
    assert table.loc["Robbery", "weight"] == pytest.approx(799.62887, abs=1e-5)
    assert table.loc["Shoplifting", "weight"] == pytest.approx(11.855539, abs=1e-6)
    assert table.loc["Criminal damage and arson", "weight"] == pytest.approx(5.396708, abs=1e-6)


@pytest.mark.shared_data
def test_build_script_reproduces_the_bundled_table(tmp_path: Path) -> None:
    if not SOURCE.exists():
        pytest.skip("source join not available")
    spec = importlib.util.spec_from_file_location(
        "build_severity_weights", ROOT / "scripts" / "build_severity_weights.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "weights.csv"
    assert module.main(["--out", str(out)]) == 0
    bundled = ROOT / "src" / "diogel" / "data" / "crime_severity_weights.csv"
    assert out.read_text() == bundled.read_text()
    # Count-weighting with volumes: all volume on one offence gives its own weight.
    volumes = tmp_path / "volumes.csv"
    volumes.write_text("offence_code,count\n46,100\n58A,10\n56A,0\n")
    table = module.build(SOURCE, volumes=volumes).set_index("category")
    assert table.loc["Shoplifting", "weight"] == pytest.approx(11.855539, abs=1e-6)
    assert table.loc["Criminal damage and arson", "weight"] == pytest.approx(5.396708, abs=1e-6)
    assert table.loc["Burglary", "weight"] == table.loc["Burglary", "weight_median"]
    assert table.loc["Burglary", "note"] == "no offence volumes given"


def test_harm_totals_by_hand() -> None:
    inc = pd.DataFrame(
        {
            "category": [
                "Burglary",
                "Burglary",
                "burglary ",  # spelling differences are tolerated
                "Shoplifting",
                "Anti-social behaviour",
                "Fly-tipping",
                None,
            ]
        }
    )
    weights = {"Burglary": 400.0, "Shoplifting": 10.0, "Anti-social behaviour": None}
    h = harm_totals(inc, weights)
    table = h.table.set_index("category")
    assert h.total_harm == pytest.approx(3 * 400 + 10)
    assert h.weighted_incidents == 4
    assert table["harm"].sum() == pytest.approx(1210)
    assert table["share_of_harm"].sum() == pytest.approx(1.0)
    assert table.loc["Shoplifting", "share_of_harm"] == pytest.approx(10 / 1210)
    reasons = h.not_weighted.set_index("category")["reason"].to_dict()
    assert reasons["Anti-social behaviour"] == "no severity weight in the table"
    assert reasons["Fly-tipping"] == "category not in the weights table"
    assert reasons[""] == "category missing"
    assert h.not_weighted["incidents"].sum() == 3
    with pytest.raises(InputError, match="Fly-tipping"):
        harm_totals(inc, weights, on_unknown="raise")


def test_default_table_reports_asb_with_its_reason() -> None:
    inc = pd.DataFrame({"category": ["Robbery", ASB_CATEGORY, ASB_CATEGORY]})
    h = harm_totals(inc)
    assert h.total_harm == pytest.approx(799.62887, abs=1e-4)
    row = h.not_weighted.iloc[0]
    assert (row["category"], row["incidents"]) == (ASB_CATEGORY, 2)
    assert "not a notifiable crime" in row["reason"]
    # ASB is known to have no weight, so "raise" does not stop on it.
    assert harm_totals(inc, on_unknown="raise").weighted_incidents == 1


def test_incident_harm_and_user_tables() -> None:
    inc = pd.DataFrame({"category": ["Drugs", "Robbery", "Drugs"]}, index=[10, 11, 12])
    user = pd.DataFrame({"category": ["Drugs", "Robbery"], "weight": [2.5, 100]})
    out = incident_harm(inc, user)
    assert out.index.tolist() == [10, 11, 12]
    assert out.tolist() == [2.5, 100.0, 2.5]
    with pytest.raises(InputError, match="twice"):
        severity_weights({"Drugs": 1, "drugs": 2})
    with pytest.raises(InputError, match="weight"):
        severity_weights(pd.DataFrame({"category": ["Drugs"], "weight": [-1]}))
    with pytest.raises(InputError, match="weight"):
        severity_weights(pd.DataFrame({"category": ["Drugs"], "weight": ["heavy"]}))
    with pytest.raises(InputError, match="no column"):
        severity_weights(pd.DataFrame({"category": ["Drugs"]}))
    with pytest.raises(InputError, match="on_unknown"):
        incident_harm(inc, user, on_unknown="ignore")


def test_harm_monthly_series_by_hand() -> None:
    inc = pd.DataFrame(
        {
            "month": ["2023-01", "2023-01", "2023-02", "2023-04", "2022-12"],
            "category": ["Burglary", "Shoplifting", "Burglary", "Shoplifting", "Burglary"],
            "council_code": ["A", "B", "A", "A", "A"],
        }
    )
    weights = {"Burglary": 400, "Shoplifting": 10}
    hs = harm_monthly_series(
        inc,
        start="2023-01",
        end="2023-04",
        weights=weights,
        months_loaded=["2023-01", "2023-02", "2023-04"],
    )
    assert hs.series["harm"].tolist()[:2] == [410.0, 400.0]
    assert np.isnan(hs.series["harm"].iloc[2])  # 2023-03 not loaded
    assert hs.series["harm"].iloc[3] == 10.0
    by = harm_monthly_series(
        inc, start="2023-01", end="2023-04", weights=weights, by="council_code"
    ).series
    assert by["A"].tolist() == [400.0, 400.0, 0.0, 10.0]
    assert by["B"].tolist() == [10.0, 0.0, 0.0, 0.0]


@pytest.mark.shared_data
def test_gwent_harm_equals_counts_times_weights() -> None:
    path = GWENT / "2023-06-gwent-street.csv"
    if not path.exists():
        pytest.skip("shared Gwent data not available")
    inc = pd.read_csv(path).rename(columns={"Crime type": "category", "Month": "month"})
    h = harm_totals(inc)
    weights = default_severity_weights().set_index("category")["weight"]
    counts = inc["category"].value_counts()
    crimes = counts.drop(ASB_CATEGORY)
    assert h.total_harm == pytest.approx(float((crimes * weights[crimes.index]).sum()))
    assert h.not_weighted["category"].tolist() == [ASB_CATEGORY]
    assert h.not_weighted["incidents"].iloc[0] == counts[ASB_CATEGORY]
    assert h.weighted_incidents + counts[ASB_CATEGORY] == len(inc)
    hs = harm_monthly_series(inc, start="2023-06", end="2023-06")
    assert hs.series["harm"].iloc[0] == pytest.approx(h.total_harm)
