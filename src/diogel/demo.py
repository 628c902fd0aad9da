"""The demo: load the bundled sample of real Gwent Police data and summarise a council."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from diogel.assess.summary import Summary, summarise
from diogel.geography import Geography
from diogel.hub import LoadReport, Progress, load_police_uk
from diogel.periods import Period
from diogel.storage import Store

SAMPLE = "gwent-2022-07-to-2024-06.zip"
SAMPLE_LABEL = "Gwent Police street crime and outcomes, July 2022 to June 2024"
#: The summary covers the sample's last twelve months.
DEMO_PERIOD = ("2023-07", "2024-06")


@dataclass(frozen=True)
class DemoOutcome:
    """What the demo loaded and the summary it made."""

    report: LoadReport
    summary: Summary
    sample_label: str = SAMPLE_LABEL


def sample_path() -> Path:
    """Where the bundled sample archive is installed."""
    return Path(str(resources.files("diogel") / "data" / "demo" / SAMPLE))


def run_demo(
    store: Store, *, area: str = "Newport", progress: Progress | None = None
) -> DemoOutcome:
    """Load the bundled sample into ``store`` and summarise ``area`` for the last year.

    Loading twice changes nothing: files already loaded are recognised and skipped.
    """
    geography = Geography.bundled()
    found = geography.resolve_area(area)
    report = load_police_uk(store, [sample_path()], geography=geography, progress=progress)
    summary = summarise(store, found, Period.parse(*DEMO_PERIOD))
    return DemoOutcome(report, summary)
