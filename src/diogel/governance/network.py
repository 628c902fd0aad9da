"""The network of bodies and the people who sit on them: a two-column picture (SVG) and a table.

Bodies are listed on the left as a tree (each indented under its parent), people on
the right ordered by the average position of their bodies (the barycentre heuristic,
which keeps lines from crossing), coloured by the kind of organisation they work
for. A thick line is a chair. Each label ends with its number of seats, so the
officers carrying the most boards stand out. The SVG is plain text with a title and
description for screen readers; the table holds the same seats.

Examples
--------
>>> from diogel.governance import example_register
>>> reg = example_register("gwent")
>>> svg = network_svg(reg)
>>> svg.startswith("<svg") and 'role="img"' in svg and "Safer Gwent" in svg
True
>>> table = network_table(reg)
>>> list(table.columns)
['body', 'person', 'organisation', 'role', 'hours']
>>> len(table) == len(reg.seats)
True
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Final

import pandas as pd

from diogel.governance.model import ORGANISATION_KINDS, SEAT_ROLES, Register
from diogel.governance.workload import officer_load
from diogel.i18n import Translator, translator

#: Colours by kind of organisation: the statutory partners each have their own, all at
#: least 3:1 against white (WCAG non-text contrast); other kinds share grey.
KIND_COLOURS: Final = {
    "council": "#0072B2",
    "police": "#D55E00",
    "pcc": "#8C510A",
    "health": "#007A5E",
    "fire": "#B0418A",
    "probation": "#5E3C99",
}
OTHER: Final = "#767676"
INK: Final = "#1a1a1a"
BODY_FILL: Final = "#17375e"
FONT: Final = "'DejaVu Sans', Verdana, Arial, sans-serif"
#: Drawing units: about the text width of an A4 page at 96 dpi, so 10-unit text
#: prints at about 7.5 pt.
WIDTH: Final = 680
ROW: Final = 21
BODY_X: Final = 300
PERSON_X: Final = 400
INDENT: Final = 14


@dataclass(frozen=True)
class Layout:
    """Rows of the picture: bodies with their depth, people with their colour."""

    bodies: tuple[tuple[str, int], ...]
    people: tuple[str, ...]
    colours: dict[str, str]
    kinds: tuple[tuple[str, str], ...]


def _tree(register: Register) -> list[tuple[str, int]]:
    children: dict[str | None, list[str]] = defaultdict(list)
    ids = {b.id for b in register.bodies}
    for b in register.bodies:
        children[b.parent if b.parent in ids else None].append(b.id)
    out: list[tuple[str, int]] = []

    def walk(node: str | None, depth: int) -> None:
        for child in children.get(node, []):
            out.append((child, depth))
            walk(child, depth + 1)

    walk(None, 0)
    return out


def network_layout(register: Register) -> Layout:
    """Where each body and person goes, and each person's colour (by organisation kind)."""
    bodies = _tree(register)
    row = {b: i for i, (b, _) in enumerate(bodies)}
    seats: dict[str, list[str]] = defaultdict(list)
    for s in register.seats:
        seats[s.person].append(s.body)
    order = {p.id: i for i, p in enumerate(register.people)}
    seated = [p for p in register.people if seats.get(p.id)]
    people = sorted(
        (p.id for p in seated),
        key=lambda p: (sum(row[b] for b in seats[p]) / len(seats[p]), order[p]),
    )
    orgs = {o.id: o.kind for o in register.organisations}
    kind_of = {p.id: orgs.get(p.organisation, "other") for p in seated}
    colours = {p: KIND_COLOURS.get(k, OTHER) for p, k in kind_of.items()}
    present = set(kind_of.values())
    legend = [(k, c) for k, c in KIND_COLOURS.items() if k in present]
    if present - set(KIND_COLOURS):
        legend.append(("other", OTHER))
    return Layout(tuple(bodies), tuple(people), colours, tuple(legend))


@cache
def _width(text: str, bold: bool = False) -> float:
    """Width of ``text`` in DejaVu Sans at size 10, in drawing units (from the font's
    own metrics, read by matplotlib, which Diogel already depends on)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(family="DejaVu Sans", size=10, weight="bold" if bold else "normal")
    return float(TextToPath().get_text_width_height_descent(text, font, ismath=False)[0])


def _fit(text: str, suffix: str, room: float, bold: bool = False) -> str:
    """``text`` and ``suffix``, with ``text`` cut short (…) so that both fit in ``room``.

    >>> _fit("Gwent Public Services Board", " (3)", 500.0)
    'Gwent Public Services Board (3)'
    >>> _fit("Gwent Public Services Board", " (3)", 100.0)
    'Gwent Public… (3)'
    """
    if _width(text + suffix, bold) <= room:
        return text + suffix
    low, high = 0, len(text)
    while low < high:  # the longest cut that fits
        mid = (low + high + 1) // 2
        if _width(text[:mid].rstrip() + "…" + suffix, bold) <= room:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…" + suffix


def network_svg(register: Register, t: Translator | None = None) -> str:
    """The network as SVG text (scales to its container; ``viewBox`` in drawing units).

    Parameters
    ----------
    register : Register
        A checked register.
    t : Translator, optional
        Language of the labels, legend and text alternative (default English).
    """
    t = t or translator("en")
    lang = t.lang
    layout = network_layout(register)
    rows = max(len(layout.bodies), len(layout.people), 1)
    top = 34
    height_rows = rows * ROW

    def y_of(i: int, n: int) -> float:
        # both columns span the same height, so short columns spread out
        return top + (i + 0.5) * height_rows / max(n, 1)

    body_y = {b: y_of(i, len(layout.bodies)) for i, (b, _) in enumerate(layout.bodies)}
    person_y = {p: y_of(i, len(layout.people)) for i, p in enumerate(layout.people)}
    members = Counter(s.body for s in register.seats)
    seats_of = Counter(s.person for s in register.seats)
    legend_y = top + height_rows + 20
    height = legend_y + 18 * (len(layout.kinds) // 5 + 1) + 30
    heaviest = officer_load(register).people[:1]
    desc = t(
        "{bodies} bodies and {people} people, joined by {seats} seats.",
        bodies=len(layout.bodies), people=len(layout.people), seats=len(register.seats),
    )  # fmt: skip
    if heaviest and heaviest[0].seats:
        desc += " " + t(
            "{person} has the most seats ({n}).",
            person=register.party_label(heaviest[0].person, lang),
            n=max(seats_of.values()),
        )
    title = t("Bodies and the people who sit on them")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="network-title network-desc" font-family="{FONT}" font-size="10">',
        f'<title id="network-title">{html.escape(title)}</title>',
        f'<desc id="network-desc">{html.escape(desc)}</desc>',
        f'<text x="8" y="16" font-weight="bold" fill="{INK}">{html.escape(t("Bodies"))}</text>',
        f'<text x="{PERSON_X + 10}" y="16" font-weight="bold" fill="{INK}">'
        f"{html.escape(t('People'))}</text>",
        '<g fill="none">',
    ]
    for seat in register.seats:
        if seat.body not in body_y or seat.person not in person_y:
            continue
        y1, y2 = body_y[seat.body], person_y[seat.person]
        mid = (BODY_X + PERSON_X) / 2
        chair = seat.role == "chair"
        out.append(
            f'<path d="M{BODY_X + 5} {y1:.1f} C{mid} {y1:.1f} {mid} {y2:.1f} {PERSON_X - 5} '
            f'{y2:.1f}" stroke="{layout.colours[seat.person]}" '
            f'stroke-width="{2.6 if chair else 1}" stroke-opacity="{0.95 if chair else 0.6}"/>'
        )
    out.append("</g>")
    for body_id, depth in layout.bodies:
        body = register.body(body_id)
        name = body.label(lang) if body else body_id
        y = body_y[body_id]
        x = 8 + INDENT * depth
        label = _fit(name, f" ({members.get(body_id, 0)})", BODY_X - 12 - x, bold=depth == 0)
        weight = ' font-weight="bold"' if depth == 0 else ""
        out.append(
            f"<g><title>{html.escape(name)}</title>"
            f'<rect x="{BODY_X - 4}" y="{y - 4:.1f}" width="8" height="8" fill="{BODY_FILL}"/>'
            f'<text x="{x}" y="{y + 3.5:.1f}" fill="{INK}"{weight}>'
            f"{html.escape(label)}</text></g>"
        )
    for person_id in layout.people:
        name = register.party_label(person_id, lang)
        y = person_y[person_id]
        label = _fit(name, f" ({seats_of[person_id]})", WIDTH - PERSON_X - 14)
        out.append(
            f"<g><title>{html.escape(name)}</title>"
            f'<circle cx="{PERSON_X}" cy="{y:.1f}" r="4.5" fill="{layout.colours[person_id]}"/>'
            f'<text x="{PERSON_X + 9}" y="{y + 3.5:.1f}" fill="{INK}">'
            f"{html.escape(label)}</text></g>"
        )
    out.extend(_legend(layout, t, legend_y))
    out.append("</svg>")
    return "".join(out)


def _legend(layout: Layout, t: Translator, y: float) -> list[str]:
    out = [f'<g font-size="9.5" fill="{INK}">']
    x = 8.0
    for kind, colour in layout.kinds:
        label = t(ORGANISATION_KINDS[kind])
        width = 12 + _width(label) * 0.95 + 18
        if x + width > WIDTH:
            x, y = 8.0, y + 18
        out.append(f'<circle cx="{x + 4}" cy="{y - 3}" r="4" fill="{colour}"/>')
        out.append(f'<text x="{x + 12}" y="{y}">{html.escape(label)}</text>')
        x += width
    y += 20
    body, chair = t("Body (number of members)"), t("Chair")
    person = t("Person (number of seats), coloured by organisation")
    chair_x = 20 + _width(body) * 0.95 + 18
    person_x = chair_x + 28 + _width(chair) * 0.95 + 18
    out.append(f'<rect x="8" y="{y - 7}" width="8" height="8" fill="{BODY_FILL}"/>')
    out.append(f'<text x="20" y="{y}">{html.escape(body)}</text>')
    out.append(f'<path d="M{chair_x:.0f} {y - 3} h22" stroke="{INK}" stroke-width="2.6"/>')
    out.append(f'<text x="{chair_x + 28:.0f}" y="{y}">{html.escape(chair)}</text>')
    out.append(f'<circle cx="{person_x + 4:.0f}" cy="{y - 3}" r="4" fill="{OTHER}"/>')
    out.append(f'<text x="{person_x + 12:.0f}" y="{y}">{html.escape(person)}</text>')
    out.append("</g>")
    return out


def network_table(register: Register, lang: str = "en") -> pd.DataFrame:
    """Every seat as a row: body, person, organisation, role and hours a year (the
    recorded hours, or the estimate ``officer_load`` makes)."""
    t = translator(lang)
    load = {(s.person, s.body): s for s in officer_load(register).seats}
    people = {p.id: p for p in register.people}
    rows = []
    for seat in register.seats:
        person = people[seat.person]
        rows.append(
            {
                "body": register.party_label(seat.body, lang),
                "person": person.label(lang),
                "organisation": register.party_label(person.organisation, lang),
                "role": t(SEAT_ROLES[seat.role]),
                "hours": load[(seat.person, seat.body)].hours,
            }
        )
    return pd.DataFrame(rows, columns=["body", "person", "organisation", "role", "hours"])
