"""The demo: load the bundled sample of real Gwent Police data, summarise a council and
write its strategic assessment in English and Welsh."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from diogel.assess.assessment import build_assessment
from diogel.assess.summary import Summary, summarise
from diogel.errors import DiogelError
from diogel.geography import Geography
from diogel.hub import LoadReport, Progress, load_police_uk
from diogel.periods import Period
from diogel.storage import Store

SAMPLE = "gwent-2022-07-to-2024-06.zip"
SAMPLE_LABEL = "Gwent Police street crime and outcomes, July 2022 to June 2024"
#: The assessment covers the sample's last six months, compared with a year earlier.
DEMO_PERIOD = ("2024-01", "2024-06")


@dataclass(frozen=True)
class DemoOutcome:
    """What the demo loaded, the summary it made and the documents it wrote."""

    report: LoadReport
    summary: Summary
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    sample_label: str = SAMPLE_LABEL


def sample_path() -> Path:
    """Where the bundled sample archive is installed."""
    return Path(str(resources.files("diogel") / "data" / "demo" / SAMPLE))


def run_demo(
    store: Store,
    *,
    area: str = "Newport",
    out_dir: Path | None = None,
    languages: Sequence[str] = ("en", "cy"),
    progress: Progress | None = None,
    status: Callable[[str], None] | None = None,
) -> DemoOutcome:
    """Load the bundled sample into ``store``, summarise ``area`` and, when ``out_dir`` is
    given, write its assessment for January to June 2024 as HTML and PDF in each language.

    Loading twice changes nothing: files already loaded are recognised and skipped. A PDF
    that cannot be written (e.g. WeasyPrint's system libraries are missing) is reported in
    ``problems``; the HTML is still written.
    """
    from diogel.reports import render, render_all

    geography = Geography.bundled()
    found = geography.resolve_area(area)
    report = load_police_uk(store, [sample_path()], geography=geography, progress=progress)
    period = Period.parse(*DEMO_PERIOD)
    summary = summarise(store, found, period)
    written: list[Path] = []
    problems: list[str] = []
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        slug = found.name_en.lower().replace(" ", "-")
        for lang in languages:
            assessment = build_assessment(
                store, found, period, lang=lang, geography=geography, progress=status
            )
            stem = out_dir / f"assessment-{slug}-{DEMO_PERIOD[0]}-to-{DEMO_PERIOD[1]}-{lang}"
            try:
                written += render_all(
                    assessment, [stem.with_suffix(".html"), stem.with_suffix(".pdf")]
                )
            except DiogelError as exc:  # no PDF without WeasyPrint's system libraries
                written.append(render(assessment, stem.with_suffix(".html")))
                problems.append(str(exc))
    return DemoOutcome(report, summary, written, problems)
