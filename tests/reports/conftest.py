"""Fixtures for the reports tests: the synthetic assessment in both languages, rendered once."""

from __future__ import annotations

from pathlib import Path

import pytest

from diogel.assess.model import Assessment
from diogel.reports import render
from tests.reports.sample import sample_assessment


@pytest.fixture(scope="session")
def english() -> Assessment:
    return sample_assessment("en")


@pytest.fixture(scope="session")
def welsh() -> Assessment:
    return sample_assessment("cy")


@pytest.fixture(scope="session")
def english_pdf(english: Assessment, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(english, tmp_path_factory.mktemp("pdf") / "assessment-en.pdf")


@pytest.fixture(scope="session")
def welsh_pdf(welsh: Assessment, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(welsh, tmp_path_factory.mktemp("pdf") / "assessment-cy.pdf")
