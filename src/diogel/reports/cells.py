"""Tables for reading: figure data with readable headings, and cells in the document's language.

A figure's ``data`` uses the column names the chart needs (``x``, ``label``, ``value``,
...); ``figure_frame`` renames them to words a reader understands (the axis labels
from ``spec`` where given) so the table beside a chart, and the CSV/XLSX exports,
make sense on their own. ``format_frame`` writes every cell as text: numbers with
the language's separators, one number of decimals per column, months and dates in
the language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from diogel.assess.model import Figure
from diogel.i18n import Translator

#: Shown for a missing value (an en dash, as in published statistics).
MISSING = "–"


def figure_frame(figure: Figure, t: Translator) -> pd.DataFrame:
    """The figure's data with readable column headings (and month names for months)."""
    frame = figure.data.reset_index(drop=figure.data.index.name is None).copy()
    spec = figure.spec
    names: dict[str, str] = {}
    if figure.kind == "line":
        x = spec.get("x", "x")
        months = parse_months(frame[x], t) if x in frame else None
        if months is not None:
            frame[x] = [t.month_year(m.year, m.month) for m in months]
        if x == "x":
            names["x"] = spec.get("x_label") or t("Month")
    elif figure.kind == "bar":
        names["label"] = spec.get("label_title") or spec.get("y_label") or t("Item")
        names["value"] = spec.get("x_label") or spec.get("value_label") or t("Number")
    elif figure.kind == "seasonal":
        numbers = month_numbers(frame["month"], t) if "month" in frame else None
        if numbers is not None:
            frame["month"] = [t.month_name(m) for m in numbers]
        names["month"] = t("Month")
        names["value"] = spec.get("y_label") or t("Number")
    elif figure.kind == "funnel":
        names["label"] = spec.get("label_title") or t("Area")
        names["population"] = spec.get("x_label") or t("Population")
        names["rate"] = spec.get("y_label") or t("Rate")
        names.update({str(c): limit_heading(str(c), t) for c in frame.columns if c not in names})
    elif figure.kind == "matrix":
        names["label"] = spec.get("label_title") or t("Category")
        names["x"] = spec.get("x_label") or "x"
        names["y"] = spec.get("y_label") or "y"
    return frame.rename(columns={k: str(v) for k, v in names.items() if k in frame})


def parse_months(values: pd.Series, t: Translator) -> pd.DatetimeIndex | None:
    """Month starts if the values are months, else None.

    Months may be periods, first-of-month dates, ``"YYYY-MM"`` text, or month-and-year
    labels already written in the document's language (``"Gorffennaf 2023"``).

    >>> from diogel.i18n import translator
    >>> parse_months(pd.Series(["Mawrth 2024", "Ebrill 2024"]), translator("cy")).month.tolist()
    [3, 4]
    >>> parse_months(pd.Series(["Newport"]), translator("en")) is None
    True
    """
    if len(values) == 0:
        return None
    if isinstance(values.dtype, pd.PeriodDtype):
        return pd.DatetimeIndex(values.dt.to_timestamp())
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = pd.DatetimeIndex(values)
        return stamps if (stamps.day == 1).all() else None
    if values.map(lambda v: isinstance(v, pd.Period)).all():
        return pd.DatetimeIndex([v.to_timestamp() for v in values])
    if not values.map(lambda v: isinstance(v, str)).all():
        return None
    parsed = pd.to_datetime(values, format="%Y-%m", errors="coerce")
    if parsed.notna().all():
        return pd.DatetimeIndex(parsed)
    names = {t.month_name(m).lower(): m for m in range(1, 13)}
    found: list[pd.Timestamp] = []
    for value in values:
        name, _, year = value.strip().rpartition(" ")
        if name.lower() not in names or not year.isdigit():
            return None
        found.append(pd.Timestamp(int(year), names[name.lower()], 1))
    return pd.DatetimeIndex(found)


def month_numbers(values: pd.Series, t: Translator) -> list[int] | None:
    """Months of the year (1-12) from numbers or month names in the language, else None.

    >>> from diogel.i18n import translator
    >>> month_numbers(pd.Series(["Ionawr", "Chwefror"]), translator("cy"))
    [1, 2]
    """
    numeric = pd.to_numeric(values, errors="coerce")
    if len(values) and numeric.notna().all() and numeric.between(1, 12).all():
        return [int(m) for m in numeric]
    names = {t.month_name(m).lower(): m for m in range(1, 13)}
    found = [names.get(str(v).strip().lower()) for v in values]
    if len(values) and all(m is not None for m in found):
        return [int(m) for m in found if m is not None]
    return None


#: Funnel-plot limit columns named by machine ("lower_95", "upper_99.8").
_LIMIT_NAME = re.compile(r"^(lower|upper)[_ ]?(\d+(?:[._]\d+)?)$")


def limit_heading(name: str, t: Translator) -> str:
    """A readable heading for a machine-named limit column; other names unchanged.

    >>> from diogel.i18n import translator
    >>> limit_heading("upper_99_8", translator("en")), limit_heading("Rate", translator("en"))
    ('Upper 99.8% limit', 'Rate')
    """
    match = _LIMIT_NAME.match(str(name))
    if match is None:
        return str(name)
    side, level = match[1], match[2].replace("_", ".")
    if side == "lower":
        return t("Lower {level}% limit", level=level)
    return t("Upper {level}% limit", level=level)


def limits_label(lower: str, upper: str, t: Translator) -> str:
    """One legend entry for a lower/upper pair of limit columns.

    >>> from diogel.i18n import translator
    >>> limits_label("lower_95", "upper_95", translator("en"))
    '95% limits'
    >>> limits_label("95% lower limit", "95% upper limit", translator("en"))
    '95% limit'
    """
    match = _LIMIT_NAME.match(str(upper))
    if match is not None:
        return t("{level}% limits", level=match[2].replace("_", "."))
    shared = [w for w in str(upper).split() if w in str(lower).split()]
    return " ".join(shared) if shared else str(upper)


def month_grids(figure: Figure, t: Translator) -> list[tuple[str, pd.DataFrame]] | None:
    """A monthly line chart's data as year-by-month tables, one a series; else None.

    Years down, months across, as monthly statistics are usually published: five years
    of one series are 5 rows of 12 instead of 60 rows, which keeps a printed annex short.
    Cells are already text in the document's language.

    >>> from diogel.assess.model import Figure
    >>> from diogel.i18n import translator
    >>> data = pd.DataFrame({"x": ["2023-11", "2023-12", "2024-01"], "Crimes": [5, 1200, 7]})
    >>> [(name, grid.iloc[:, [0, 1, 12]].values.tolist())
    ...  for name, grid in month_grids(Figure("f", "line", "T", "A", data), translator("en"))]
    [('Crimes', [['2023', '–', '1,200'], ['2024', '7', '–']])]
    """
    if figure.kind != "line":
        return None
    x = figure.spec.get("x", "x")
    if x not in figure.data:
        return None
    months = parse_months(figure.data[x], t)
    if months is None:
        return None
    grids = []
    for name in [c for c in figure.data.columns if c != x]:
        values = pd.to_numeric(figure.data[name], errors="coerce").to_numpy(dtype=float)
        if len(months) != len(set(months)):
            return None
        digits = decimals(values)
        table = pd.DataFrame({"year": months.year, "month": months.month, "value": values})
        wide = table.pivot(index="year", columns="month", values="value")
        wide = wide.reindex(columns=range(1, 13))
        text = wide.apply(
            lambda col, d=digits: col.map(
                lambda v, d=d: (
                    MISSING
                    if not np.isfinite(v)
                    else t.format_int(v)
                    if d == 0
                    else t.format_number(v, d)
                )
            )
        )
        text.columns = [_short_month(m, t) for m in range(1, 13)]
        text.insert(0, t("Year"), [str(y) for y in wide.index])
        grids.append((str(name), text.reset_index(drop=True)))
    return grids


def _short_month(month: int, t: Translator) -> str:
    from babel.dates import format_date

    return format_date(dt.date(2000, month, 1), "LLL", locale=t.lang)


@dataclass(frozen=True)
class Column:
    """A column ready to print: its heading, its cells as text, and whether it is numeric."""

    heading: str
    cells: list[str]
    numeric: bool


def format_frame(frame: pd.DataFrame, t: Translator) -> list[Column]:
    """Every column of ``frame`` as text in the document's language."""
    return [_column(str(name), frame.iloc[:, i], t) for i, name in enumerate(frame.columns)]


def _column(heading: str, values: pd.Series, t: Translator) -> Column:
    if pd.api.types.is_bool_dtype(values):
        return Column(heading, [t("Yes") if v else t("No") for v in values], False)
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=float)
        digits = decimals(numbers)

        def fmt(v: float) -> str:
            if not np.isfinite(v):
                return MISSING
            return t.format_int(v) if digits == 0 else t.format_number(v, digits)

        return Column(heading, [fmt(v) for v in numbers], True)
    months = None if values.map(lambda v: isinstance(v, str)).any() else parse_months(values, t)
    if months is not None:
        return Column(heading, [t.month_year(m.year, m.month) for m in months], False)
    cells = [_text(v, t) for v in values]
    numeric_text = bool(cells) and all(_NUMBER_TEXT.match(c) for c in cells)
    return Column(heading, cells, numeric_text)


#: Text that is a number (``"62%"``, ``"1,234"``, ``"-3.5"``): aligned as numbers are.
_NUMBER_TEXT = re.compile(r"^(?:[-+−]?[\d,]+(?:\.\d+)?\s?%?|–)$")


def decimals(numbers: np.ndarray) -> int:
    """Decimal places for a column: as few as show every value, at most what its size needs.

    Whole numbers get none; values of 10 or more at most one; values under 0.1 up to three.

    >>> decimals(np.array([1.0, 20.0]))
    0
    >>> decimals(np.array([9.1, 2.2]))
    1
    >>> decimals(np.array([737.76, 612.5]))
    1
    >>> decimals(np.array([0.5, 0.25]))
    2
    >>> decimals(np.array([0.004, 0.0312]))
    3
    """
    finite = numbers[np.isfinite(numbers)]
    if len(finite) == 0 or np.all(np.mod(finite, 1) == 0):
        return 0
    biggest = float(np.max(np.abs(finite)))
    cap = 1 if biggest >= 10 else 2 if biggest >= 0.1 else 3
    for digits in range(1, cap):
        if np.allclose(finite, np.round(finite, digits), rtol=0, atol=1e-9):
            return digits
    return cap


def _text(value: Any, t: Translator) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return MISSING
    if value is pd.NaT or (not isinstance(value, str) and pd.isna(value) is True):
        return MISSING
    if isinstance(value, pd.Period):
        return t.month_year(value.year, value.month)
    if isinstance(value, dt.datetime | pd.Timestamp):
        return t.date(value.date())
    if isinstance(value, dt.date):
        return t.date(value)
    if isinstance(value, bool | np.bool_):
        return t("Yes") if value else t("No")
    if isinstance(value, int | np.integer):
        return t.format_int(int(value))
    if isinstance(value, float | np.floating):
        return t.format_number(float(value), decimals(np.array([value])))
    return str(value)
