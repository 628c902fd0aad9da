"""Months and periods as users type them (``YYYY-MM``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from diogel.errors import InputError

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def parse_month(text: str, argument: str = "month") -> dt.date:
    """The first day of the month ``text`` names.

    Examples
    --------
    >>> parse_month("2023-01")
    datetime.date(2023, 1, 1)
    >>> parse_month("2024-13", "--from")
    Traceback (most recent call last):
    ...
    diogel.errors.InputError: --from '2024-13' is not a month. Hint: write the year and month as YYYY-MM, e.g. 2023-01
    """
    m = _MONTH.match(text or "")
    if m is None or not 1 <= int(m.group(2)) <= 12:
        raise InputError(
            f"{argument} '{text}' is not a month",
            hint="write the year and month as YYYY-MM, e.g. 2023-01",
        )
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


@dataclass(frozen=True)
class Period:
    """An inclusive range of whole months.

    Examples
    --------
    >>> p = Period.parse("2023-01", "2023-12")
    >>> p.months, p.label
    (12, '2023-01 to 2023-12')
    """

    start: dt.date
    end: dt.date

    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        first = parse_month(start, "--from")
        last = parse_month(end, "--to")
        if last < first:
            raise InputError(
                f"--to {end} is before --from {start}",
                hint="give the earlier month with --from and the later one with --to",
            )
        return cls(first, last)

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m} to {self.end:%Y-%m}"
