"""The words and tables of the update paper, in the paper's language, section by section.

Each ``section_*`` function turns part of an :class:`~diogel.governance.paper.UpdatePaper`
into a :class:`Section` of plain blocks (paragraphs, lists, tables, key figures) that
``diogel.reports.governance_paper`` lays out. Every fixed word goes through the
translator; names and titles come from the register in the same language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from diogel.governance.model import (
    RAGS,
    STATUSES,
    THEMES,
    Action,
    Change,
)
from diogel.governance.overlap import SUGGESTIONS
from diogel.governance.paper import UpdatePaper
from diogel.governance.tracker import describe_alert
from diogel.i18n import Translator

Cell = tuple[str, str]  # text, CSS class

#: The sections of the paper in order; others refer to them by number.
ORDER = ("purpose", "summary", "progress", "tracker", "drift", "map", "decisions", "next")
#: Rows of the officer load table.
TOP_OFFICERS = 6
#: Agenda overlaps the paper lists.
TOP_OVERLAPS = 4


@dataclass
class Table:
    """A table: caption, column headings with their CSS class, rows of cells."""

    caption: str
    columns: list[Cell]
    rows: list[list[Cell]]
    note: str | None = None


@dataclass
class Block:
    """One block of a section: ``p``, ``list``, ``olist``, ``table``, ``figures``, ``svg``
    or ``h3``."""

    kind: str
    text: str = ""
    items: list[tuple[str, list[str]]] = field(default_factory=list)
    table: Table | None = None
    figures: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Section:
    """A numbered section (or a lettered appendix) of the paper."""

    id: str
    title: str
    blocks: list[Block]
    number: str = ""
    landscape: bool = False


def _p(text: str) -> Block:
    return Block("p", text)


def _list(items: list[str], ordered: bool = False) -> Block:
    return Block("olist" if ordered else "list", items=[(i, []) for i in items])


def mark_illustrative(text: str, illustrative: bool) -> str:
    """The text with the paper's mark for illustrative entries.

    >>> mark_illustrative("Recruit the coordinator", True)
    'Recruit the coordinator *'
    """
    return f"{text} *" if illustrative else text


def lower_first(text: str) -> str:
    """Lower-case the first letter of a label used mid-sentence, but not of an acronym.

    >>> lower_first("Health and social care"), lower_first("CONTEST board")
    ('health and social care', 'CONTEST board')
    """
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def _aspirate(text: str, t: Translator) -> str:
    """Welsh aspirate mutation after "a" (and): c, p, t become ch, ph, th.

    >>> from diogel.i18n import translator
    >>> _aspirate("Caerffili", translator("cy")), _aspirate("Casnewydd", translator("en"))
    ('Chaerffili', 'Casnewydd')
    """
    if t.lang != "cy" or text[:2].lower() in {"ch", "ph", "th"}:
        return text
    return text[0] + "h" + text[1:] if text[:1].lower() in {"c", "p", "t"} else text


def _status(t: Translator, status: str) -> str:
    return t(STATUSES[status])


def _rag_cell(t: Translator, rag: str | None, is_open: bool) -> Cell:
    if rag is None:
        return (t("Complete") if not is_open else "-", "rag rag-none")
    return (t(RAGS[rag]), f"rag rag-{rag}")


def _owner(paper: UpdatePaper, action: Action, lang: str) -> str:
    return paper.register.party_label(action.owner, lang) if action.owner else "-"


def section_purpose(paper: UpdatePaper, t: Translator) -> Section:
    """1. What the paper is for, and what the Board is asked to do."""
    lang = t.lang
    board, review = t.soft(paper.board.label(lang)), paper.review.label(lang)
    if paper.previous:
        text = t("To update the {board} on the progress of the {review} since the meeting on {date}.",
                 board=board, review=review, date=t.date(paper.previous))  # fmt: skip
    else:
        text = t("To update the {board} on the progress of the {review} since it was agreed on {date}.",
                 board=board, review=review, date=t.date(paper.since or paper.meeting))  # fmt: skip
    ask = (
        t(
            "The Board is asked to make the decisions set out in section {n}.",
            n=ORDER.index("decisions") + 1,
        )
        if paper.decisions_actions or paper.decisions_recommendations
        else t("The Board is asked to note the progress reported.")
    )
    return Section("purpose", t("Purpose"), [_p(text), _p(ask)])


def section_summary(paper: UpdatePaper, t: Translator) -> Section:
    """2. Key figures (actions, RAG, alerts) and the headlines in a few sentences."""
    status = paper.status
    counts, rags = status.by_status(), status.by_rag()
    figures = [
        (t.format_int(len(status.actions)), t("Actions in the tracker"), "plain"),
        (t.format_int(counts["done"]), t("Completed"), "plain"),
        (t.format_int(rags["green"]), t("Green: on track"), "green"),
        (t.format_int(rags["amber"]), t("Amber: at risk"), "amber"),
        (t.format_int(rags["red"]), t("Red: off track"), "red"),
        (t.format_int(len(status.alerts)), t("Drift alerts"), "alert"),
    ]
    slipped = sum(1 for m in paper.moved for h in m.changes if _put_back(h))
    overdue = sum(1 for a in status.alerts if a.kind == "overdue")
    decisions = len(paper.decisions_actions) + len(paper.decisions_recommendations)
    no_csp = [paper.register.council_label(c, t.lang) for c in paper.coverage.councils_without_csp]
    n = len(paper.completed)
    bullets = [
        t.ngettext("{n} action was completed since the last meeting.",
                   "{n} actions were completed since the last meeting.", n)
    ] if n else []  # fmt: skip
    if slipped:
        bullets.append(t.ngettext("{n} due date was put back since the last meeting.",
                                  "{n} due dates were put back since the last meeting.", slipped))  # fmt: skip
    if overdue:
        bullets.append(t.ngettext("{n} action is overdue.", "{n} actions are overdue.", overdue))
    if decisions:
        bullets.append(t.ngettext("{n} decision is needed from the Board.",
                                  "{n} decisions are needed from the Board.", decisions))  # fmt: skip
    if no_csp:
        bullets.append(
            t.ngettext(
                "{n} council area has no Community Safety Partnership: {areas}.",
                "{n} council areas have no Community Safety Partnership: {areas}.",
                len(no_csp),
                areas=", ".join(no_csp),
            )
        )
    blocks = [Block("figures", figures=figures)]
    if bullets:
        blocks.append(_list(bullets))
    return Section("summary", t("Summary"), blocks)


def _put_back(change: Change) -> bool:
    return change.field == "due" and bool(change.old and change.new and change.new > change.old)


def change_text(change: Change, t: Translator) -> str:
    """What a history entry changed, in words: "Status: Not started → In progress"."""
    if change.field == "status" and change.new:
        old = _status(t, change.old) if change.old else "-"
        return t("Status: {old} → {new}", old=old, new=_status(t, change.new))
    if change.field == "due" and change.new:
        new = t.date(dt.date.fromisoformat(change.new))
        if not change.old:
            return t("Due date set: {new}", new=new)
        old = t.date(dt.date.fromisoformat(change.old))
        if _put_back(change):
            return t("Due date put back from {old} to {new}", old=old, new=new)
        return t("Due date brought forward from {old} to {new}", old=old, new=new)
    if change.field == "rag" and change.new:
        old = t(RAGS[change.old]) if change.old else "-"
        return t("RAG: {old} → {new}", old=old, new=t(RAGS[change.new]))
    if change.field == "created":
        return t("Added to the tracker")
    return t("Update")


def section_progress(paper: UpdatePaper, t: Translator) -> Section:
    """3. Every change recorded since the last meeting, action by action."""
    lang = t.lang
    title = t("Progress since the last meeting")
    if not paper.moved:
        return Section("progress", title, [_p(t("Nothing was recorded as changing since then."))])
    rows = []
    for movement in paper.moved:
        a = movement.action
        for i, change in enumerate(movement.changes):
            rows.append([
                (a.id if i == 0 else "", "ref"),
                (mark_illustrative(a.label(lang), a.illustrative) if i == 0 else "", ""),
                (change_text(change, t), ""),
                (t.date(change.changed_on), "date"),
                (change.note_label(lang) or "", ""),
            ])  # fmt: skip
    since = t.date(paper.since) if paper.since else ""
    table = Table(
        t("Changes recorded between {start} and {end}", start=since, end=t.date(paper.meeting)),
        [
            (t("Ref."), "ref"),
            (t("Action"), ""),
            (t("What changed"), ""),
            (t("Date"), "date"),
            (t("Note"), ""),
        ],
        rows,
    )
    blocks = [Block("table", table=table)]
    if paper.new_actions:
        refs = ", ".join(a.id for a in paper.new_actions)
        blocks.append(_p(t("New actions since the last meeting: {refs}.", refs=refs)))
    return Section("progress", title, blocks)


def section_tracker(paper: UpdatePaper, t: Translator) -> Section:
    """4. All actions (owner, due date, status, RAG) and the milestones."""
    lang = t.lang
    rows = []
    for state in paper.status.actions:
        a = state.action
        rows.append([
            (a.id, "ref"),
            (mark_illustrative(a.label(lang), a.illustrative), ""),
            (_owner(paper, a, lang), ""),
            (t.date(a.due) if a.due else "-", "date"),
            (_status(t, a.status), ""),
            _rag_cell(t, state.rag, a.is_open),
        ])  # fmt: skip
    actions = Table(
        t("All actions on {date}", date=t.date(paper.meeting)),
        [
            (t("Ref."), "ref"),
            (t("Action"), ""),
            (t("Owner"), ""),
            (t("Due"), "date"),
            (t("Status"), ""),
            (t("RAG"), "rag"),
        ],
        rows,
    )
    milestone_rows = []
    for m in paper.milestones:
        if m.done_on:
            reached = (t.date(m.done_on), "")
        elif m.due < paper.meeting:
            reached = (t("Overdue"), "rag rag-red")
        else:
            reached = (t("Not yet"), "")
        milestone_rows.append(
            [
                (mark_illustrative(m.label(lang), m.illustrative), ""),
                (t.date(m.due), "date"),
                reached,
            ]
        )
    milestones = Table(
        t("Milestones"),
        [(t("Milestone"), ""), (t("Due"), "date"), (t("Reached"), "")],
        milestone_rows,
    )
    return Section(
        "tracker",
        t("Action tracker"),
        [Block("table", table=actions), Block("table", table=milestones)],
    )


def section_drift(paper: UpdatePaper, t: Translator) -> Section:
    """5. The drift alerts, one sentence each."""
    status = paper.status
    title = t("Risk of drift")
    if not status.alerts:
        text = t("There are no drift alerts: every open action is on time and up to date.")
        return Section("drift", title, [_p(text)])
    intro = t(
        "Alerts on {date}, counting an action as stale after {n} weeks without an update:",
        date=t.date(paper.meeting), n=status.stale_weeks,
    )  # fmt: skip
    items = [describe_alert(a, status.review, t) for a in status.alerts]
    return Section("drift", title, [_p(intro), _list(items)])


def section_map(paper: UpdatePaper, t: Translator) -> Section:
    """6. Duty coverage gaps and overlaps, officer load, and where agendas overlap."""
    lang = t.lang
    reg, cov = paper.register, paper.coverage
    covered = sum(c.status == "covered" for c in cov.cells)
    blocks = [
        _p(
            t(
                "Of the {cells} pairings of council area and statutory duty, {covered} have one "
                "body discharging the duty, {gaps} have none (gaps) and {overlaps} have more than "
                "one (overlaps). Appendix A has the full matrix.",
                cells=len(cov.cells),
                covered=covered,
                gaps=len(cov.gaps),
                overlaps=len(cov.overlaps),
            )
        )
    ]
    no_csp = [reg.council_label(c, lang) for c in cov.councils_without_csp]
    if no_csp:
        blocks.append(_p(t("Council areas without a Community Safety Partnership: {areas}.",
                           areas=", ".join(no_csp))))  # fmt: skip
    else:
        blocks.append(_p(t("Every council area has a Community Safety Partnership.")))
    duties = {d.id: d for d in reg.duties}
    if cov.gaps:
        rows = [[(reg.council_label(c.council, lang), ""), (duties[c.duty].label(lang), ""),
                 (duties[c.duty].citation_label(lang), "")] for c in cov.gaps]  # fmt: skip
        blocks.append(Block("table", table=Table(
            t("Gaps: duties no body discharges"),
            [(t("Council area"), ""), (t("Duty"), ""), (t("Legislation"), "")], rows,
        )))  # fmt: skip
    if cov.overlaps:
        rows = [[(reg.council_label(c.council, lang), ""), (duties[c.duty].label(lang), ""),
                 ("; ".join(reg.party_label(b, lang) for b in c.bodies), "")]
                for c in cov.overlaps]  # fmt: skip
        blocks.append(Block("table", table=Table(
            t("Overlaps: duties more than one body discharges"),
            [(t("Council area"), ""), (t("Duty"), ""), (t("Bodies"), "")], rows,
        )))  # fmt: skip
    load_rows = [
        [(reg.party_label(p.person, lang), ""), (reg.party_label(p.organisation, lang), ""),
         (t.format_int(p.seats), "num"), (t.format_int(p.chairs), "num"),
         (t.format_int(p.hours), "num")]
        for p in paper.load.people[:TOP_OFFICERS]
    ]  # fmt: skip
    blocks.append(Block("table", table=Table(
        t("Officers with the most hours on boards"),
        [(t("Officer"), ""), (t("Organisation"), ""), (t("Seats"), "num"), (t("Chairs"), "num"),
         (t("Hours a year"), "num")],
        load_rows,
        note=t("Hours are those recorded, or {h} hours a meeting where none are recorded.",
               h=t.format_int(paper.load.hours_per_meeting)),
    )))  # fmt: skip
    if paper.overlaps:
        blocks.append(Block("h3", t("Where agendas overlap")))
        items = []
        for o in paper.overlaps[:TOP_OVERLAPS]:
            a, b = reg.party_label(o.body_a, lang), _aspirate(reg.party_label(o.body_b, lang), t)
            themes = ", ".join(lower_first(t(THEMES[x])) for x in o.shared_themes)
            n = len(o.shared_members)
            if themes:
                text = t.ngettext("{a} and {b} share {themes}, and {n} member sits on both.",
                                  "{a} and {b} share {themes}, and {n} members sit on both.",
                                  n, a=a, b=b, themes=themes)  # fmt: skip
            else:
                text = t.ngettext("{a} and {b} share {n} member.", "{a} and {b} share {n} members.",
                                  n, a=a, b=b)  # fmt: skip
            items.append((text, [t(SUGGESTIONS[s]) for s in o.suggestions]))
        blocks.append(Block("list", items=items))
    return Section("map", t("The governance map"), blocks)


def section_decisions(paper: UpdatePaper, t: Translator) -> Section:
    """7. What the Board is asked to decide, then to note."""
    lang = t.lang
    items = []
    for r in paper.decisions_recommendations:
        if r.decision == "deferred" and r.decided_on:
            items.append(t("Recommendation {id}, deferred on {date}: {text}",
                           id=r.id, date=t.date(r.decided_on), text=r.label(lang)))  # fmt: skip
        else:
            items.append(t("Recommendation {id}, not yet decided: {text}",
                           id=r.id, text=r.label(lang)))  # fmt: skip
    for a in paper.decisions_actions:
        text = (a.decision_cy if lang == "cy" and a.decision_cy else a.decision) or ""
        items.append(t("{decision} (action {ref}, owner: {owner})",
                       decision=text, ref=a.id, owner=_owner(paper, a, lang)))  # fmt: skip
    items.append(t("Note the progress since the last meeting and the drift alerts in section {n}.",
                   n=ORDER.index("drift") + 1))  # fmt: skip
    return Section("decisions", t("Recommendations"),
                   [_p(t("The Board is asked to:")), _list(items, ordered=True)])  # fmt: skip


def section_next(paper: UpdatePaper, t: Translator) -> Section:
    """8. Open actions due before the next meeting."""
    lang = t.lang
    if paper.next_meeting:
        caption = t(
            "Actions due before the next meeting on {date}", date=t.date(paper.next_meeting)
        )
    else:
        caption = t("Actions due in the next three months")
    if not paper.due_before_next:
        return Section("next", t("Next steps"), [_p(caption + ": " + t("none."))])
    rows = [[(a.id, "ref"), (mark_illustrative(a.label(lang), a.illustrative), ""), (_owner(paper, a, lang), ""),
             (t.date(a.due) if a.due else "-", "date")] for a in paper.due_before_next]  # fmt: skip
    table = Table(caption, [(t("Ref."), "ref"), (t("Action"), ""), (t("Owner"), ""),
                            (t("Due"), "date")], rows)  # fmt: skip
    return Section("next", t("Next steps"), [Block("table", table=table)])
