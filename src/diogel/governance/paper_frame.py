"""The frame of the update paper (title, header table, footer) and its two appendices.

Companion to :mod:`diogel.governance.paper_text`, which writes the numbered sections.
"""

from __future__ import annotations

from dataclasses import dataclass

from diogel.governance.model import SEAT_ROLES
from diogel.governance.paper import UpdatePaper
from diogel.governance.paper_text import Block, Section, Table, lower_first, mark_illustrative
from diogel.i18n import Translator


@dataclass
class Frame:
    """The words around the sections: title, header rows, running header, footer."""

    title: str
    running: str
    header: list[tuple[str, str, str]]
    footer: list[str]
    illustrative: str | None
    page_number: str
    skip: str


def paper_frame(paper: UpdatePaper, t: Translator) -> Frame:
    """The header table (meeting, report, date, status), footer and page furniture."""
    lang = t.lang
    title = t("{review}: progress update", review=paper.review.label(lang))
    decided = bool(paper.decisions_actions or paper.decisions_recommendations)
    header = [
        (t("Meeting"), paper.board.label(lang), "meeting"),
        (t("Report"), title, ""),
        (t("Date"), t.date(paper.meeting), ""),
        (t("Status"), t("For decision") if decided else t("For information"), ""),
    ]
    if paper.previous:
        header.append((t("Previous meeting"), t.date(paper.previous), ""))
    footer = [
        t("Prepared with Diogel from the {region} governance register.",
          region=paper.register.label(lang)),
    ]  # fmt: skip
    if paper.register.source:
        footer.insert(0, t("Source: {source}", source=paper.register.source))
    return Frame(
        title=title,
        running=f"{paper.board.label(lang)} · {t.date(paper.meeting)}",
        header=header,
        footer=footer,
        illustrative=(
            t("Entries marked * are illustrative: the source document does not give them.")
            if paper.has_illustrative
            else None
        ),
        page_number=t("Page {page} of {pages}"),
        skip=t("Skip to main content"),
    )


def appendix_matrix(paper: UpdatePaper, t: Translator) -> Section:
    """Appendix A: the coverage matrix, duties by council area (a landscape page)."""
    lang = t.lang
    reg, cov = paper.register, paper.coverage
    columns = [(t("Duty"), "duty")] + [(reg.council_label(c, lang), "") for c in cov.councils]
    rows = []
    for duty in reg.duties:
        row = [(f"{duty.label(lang)} ({duty.citation_label(lang)})", "duty")]
        for council in cov.councils:
            cell = cov.cell(council, duty.id)
            names = "; ".join(
                mark_illustrative(reg.party_label(b, lang), b in cell.illustrative)
                for b in cell.bodies
            )
            row.append((names or t("No body"), f"cover cover-{cell.status}"))
        rows.append(row)
    table = Table(
        t("Which body discharges each duty in each council area"),
        columns,
        rows,
        note=t("No body: a gap. Two or more bodies: an overlap."),
    )
    return Section("appendix-a", t("Appendix A: duty coverage by council area"),
                   [Block("table", table=table)], number="A", landscape=True)  # fmt: skip


def appendix_network(paper: UpdatePaper, t: Translator, svg: str) -> Section:
    """Appendix B: the network picture and every officer's seats."""
    lang = t.lang
    reg = paper.register
    rows = []
    for p in paper.load.people:
        if not p.seats:
            continue
        bodies = "; ".join(reg.party_label(b, lang) for b in p.bodies)
        rows.append([(reg.party_label(p.person, lang), ""), (reg.party_label(p.organisation, lang), ""),
                     (bodies, ""), (t.format_int(p.hours), "num")])  # fmt: skip
    roles = ", ".join(lower_first(t(r)) for r in SEAT_ROLES.values())
    table = Table(
        t("Seats held by each officer"),
        [
            (t("Officer"), ""),
            (t("Organisation"), ""),
            (t("Bodies"), ""),
            (t("Hours a year"), "num"),
        ],
        rows,
        note=t("Seats include every role on a body: {roles}.", roles=roles),
    )
    return Section("appendix-b", t("Appendix B: the network of boards and people"),
                   [Block("svg", text=svg), Block("table", table=table)], number="B")  # fmt: skip
