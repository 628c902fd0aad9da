"""The assessment's generated sentences and names, in English and Welsh.

Sentences are built from structured facts (direction, percentage, significance), never
by editing English text, so each language gets its own natural wording.
"""

from __future__ import annotations

from typing import Any

from diogel.analysis.period_change import PeriodComparison
from diogel.assess.model import Statement
from diogel.i18n import Translator

#: Welsh names of police.uk categories (lower case: they sit inside sentences and are
#: capitalised where they start one).
CATEGORY_CY = {
    "Anti-social behaviour": "ymddygiad gwrthgymdeithasol",
    "Bicycle theft": "dwyn beiciau",
    "Burglary": "byrgleriaeth",
    "Criminal damage and arson": "difrod troseddol a llosgi bwriadol",
    "Drugs": "troseddau cyffuriau",
    "Other crime": "troseddau eraill",
    "Other theft": "mathau eraill o ddwyn",
    "Possession of weapons": "meddu ar arfau",
    "Public order": "troseddau trefn gyhoeddus",
    "Robbery": "lladrata",
    "Shoplifting": "dwyn o siopau",
    "Theft from the person": "dwyn oddi ar y person",
    "Vehicle crime": "troseddau cerbydau",
    "Violence and sexual offences": "trais a throseddau rhywiol",
    "Violent crime": "troseddau treisgar",
    "Public disorder and weapons": "anhrefn cyhoeddus ac arfau",
}

#: Outcome groups: police.uk's many outcome categories, grouped for a board.
OUTCOME_GROUPS = {
    "Awaiting court outcome": "Charged or summonsed",
    "Court result unavailable": "Charged or summonsed",
    "Defendant found not guilty": "Charged or summonsed",
    "Offender sent to prison": "Charged or summonsed",
    "Offender given suspended prison sentence": "Charged or summonsed",
    "Offender fined": "Charged or summonsed",
    "Offender given a drugs possession warning": "Dealt with out of court",
    "Offender given conditional discharge": "Charged or summonsed",
    "Offender given community sentence": "Charged or summonsed",
    "Offender given absolute discharge": "Charged or summonsed",
    "Offender otherwise dealt with": "Charged or summonsed",
    "Offender ordered to pay compensation": "Charged or summonsed",
    "Offender deprived of property": "Charged or summonsed",
    "Defendant sent to Crown Court": "Charged or summonsed",
    "Suspect charged": "Charged or summonsed",
    "Suspect charged as part of another case": "Charged or summonsed",
    "Court case unable to proceed": "Charged or summonsed",
    "Offender given a caution": "Dealt with out of court",
    "Offender given penalty notice": "Dealt with out of court",
    "Local resolution": "Dealt with out of court",
    "Action to be taken by another organisation": "Passed to another organisation",
    "Formal action is not in the public interest": "Not in the public interest",
    "Further action is not in the public interest": "Not in the public interest",
    "Further investigation is not in the public interest": "Not in the public interest",
    "Investigation complete; no suspect identified": "No suspect identified",
    "Unable to prosecute suspect": "Evidential difficulties",
    "Status update unavailable": "Other or unknown",
    "Under investigation": "Under investigation",
}
OUTCOME_GROUP_ORDER = (
    "Charged or summonsed",
    "Dealt with out of court",
    "Passed to another organisation",
    "Evidential difficulties",
    "No suspect identified",
    "Not in the public interest",
    "Under investigation",
    "Other or unknown",
)


def category_name(category: str, t: Translator, *, start: bool = False) -> str:
    """A category's name in the document language; capitalised to start a sentence.

    Examples
    --------
    >>> from diogel.i18n import translator
    >>> category_name("Burglary", translator("cy"), start=True)
    'Byrgleriaeth'
    >>> category_name("Burglary", translator("en"))
    'burglary'
    """
    name = CATEGORY_CY.get(category, category) if t.lang == "cy" else category
    if start:
        return name[:1].upper() + name[1:]
    return name if t.lang == "cy" else name[:1].lower() + name[1:]


def outcome_group(outcome: str | None) -> str:
    """The board-level group of a police.uk outcome."""
    if not outcome:
        return "Other or unknown"
    return OUTCOME_GROUPS.get(outcome, "Other or unknown")


def change_statement(
    subject: str, comparison: PeriodComparison, t: Translator, *, kind: str = "change"
) -> Statement:
    """ "Burglary rose 12% (310 to 347); this rise is unlikely to be chance." in either
    language. ``subject`` is already in the document language and starts the sentence.

    A change so large that it most likely reflects recording or publishing
    (``recording_change``) is said to be so, instead of being called chance or not.
    """
    c = comparison
    recording = c.recording_change
    if t.lang == "cy":  # the verb leads a Welsh sentence, so the subject is not capitalised
        subject = subject[:1].lower() + subject[1:]
    values: dict[str, Any] = {
        "subject": subject,
        "before": t.format_int(c.before_count),
        "after": t.format_int(c.after_count),
        "pct": t.format_percent(abs(c.pct_change or 0) / 100),
    }
    if c.direction == "no change":
        text = t("{subject} was unchanged ({before} in each period).", **values)
    elif c.pct_change is None:
        text = (
            t("{subject} rose from none to {after}; a change this large usually reflects how "
              "crimes were recorded or published rather than crime itself (see Data and "
              "methods).", **values)
            if recording
            else t("{subject} rose from none to {after}.", **values)
        )  # fmt: skip
    elif recording:
        # The test of chance is right but misleads here: say what the change most likely is.
        text = (
            t("{subject} rose {pct} ({before} to {after}); a change this large usually "
              "reflects how crimes were recorded or published rather than crime itself "
              "(see Data and methods).", **values)
            if c.direction == "rose"
            else t("{subject} fell {pct} ({before} to {after}); a change this large usually "
                   "reflects how crimes were recorded or published rather than crime itself "
                   "(see Data and methods).", **values)
        )  # fmt: skip
    elif c.direction == "rose":
        text = (
            t("{subject} rose {pct} ({before} to {after}); this rise is unlikely to be chance.",
              **values)
            if c.significant
            else t("{subject} rose {pct} ({before} to {after}); this rise could be chance.",
                   **values)
        )  # fmt: skip
    else:
        text = (
            t("{subject} fell {pct} ({before} to {after}); this fall is unlikely to be chance.",
              **values)
            if c.significant
            else t("{subject} fell {pct} ({before} to {after}); this fall could be chance.",
                   **values)
        )  # fmt: skip
    facts = {
        "direction": c.direction,
        "pct_change": c.pct_change,
        "before": c.before_count,
        "after": c.after_count,
        "p_value": c.p_value,
        "significant": c.significant,
        "recording_change": recording,
    }
    return Statement(kind, text, facts)
