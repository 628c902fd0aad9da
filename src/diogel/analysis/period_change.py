"""The change in the monthly rate of crime between two periods: an exact test of two
Poisson rates, with a plain-language verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np
from scipy import stats

from diogel.errors import InputError

#: Significance level used for the plain-language verdict of :func:`compare_periods`.
ALPHA: Final = 0.05

__all__ = [
    "ALPHA",
    "RECORDING_CHANGE",
    "RECORDING_MIN",
    "PeriodComparison",
    "compare_periods",
    "recording_change",
    "verdict_sentence",
]

#: A monthly rate that is multiplied or divided by this factor or more between two periods
#: is more likely a change in how crimes were recorded or published than in crime itself.
RECORDING_CHANGE: Final = 3.0
#: ... when the busier period holds at least this many incidents (fewer change that much
#: by chance).
RECORDING_MIN: Final = 50


@dataclass(frozen=True)
class PeriodComparison:
    """The change in the monthly rate of crime between two periods.

    Attributes
    ----------
    before_count, after_count : int
        Counts in each period.
    before_months, after_months : float
        Length of each period in months (the exposure).
    before_rate, after_rate : float
        Counts per month.
    rate_ratio : float or None
        ``after_rate / before_rate``; ``None`` when the before count is zero.
    rate_ratio_lower, rate_ratio_upper : float or None
        Exact conditional (Clopper-Pearson) confidence interval for the rate ratio at
        level ``1 - alpha``.
    pct_change : float or None
        Percentage change in the monthly rate; ``None`` when the before count is zero.
    direction : str
        ``"rose"``, ``"fell"`` or ``"no change"`` (rates exactly equal).
    p_value : float
        Two-sided p-value of the exact conditional test of equal rates.
    significant : bool
        ``p_value < alpha``.
    alpha : float
        The significance level used.
    test : str
        The name of the test.
    recording_change : bool
        The rate changed so much (:func:`recording_change`) that recording or publishing
        more likely changed than crime: the test of chance is then beside the point.
    sentence : str
        The verdict in plain English, built from the fields above.
    """

    before_count: int
    after_count: int
    before_months: float
    after_months: float
    before_rate: float
    after_rate: float
    rate_ratio: float | None
    rate_ratio_lower: float | None
    rate_ratio_upper: float | None
    pct_change: float | None
    direction: str
    p_value: float
    significant: bool
    alpha: float
    test: str
    recording_change: bool
    sentence: str


def _check_count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer | float | np.floating):
        raise InputError(
            f"{name} must be a whole number of incidents; received {value!r}",
            hint="pass the total count for the period",
        )
    if not math.isfinite(float(value)) or float(value) < 0 or float(value) != int(value):
        raise InputError(
            f"{name} must be a whole number >= 0; received {value!r}",
            hint="pass the total count for the period",
        )
    return int(value)


def _check_positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | np.integer | float | np.floating):
        raise InputError(
            f"{name} must be a number of months; received {value!r}",
            hint="e.g. 12 for a year",
        )
    if not math.isfinite(float(value)) or float(value) <= 0:
        raise InputError(f"{name} must be > 0; received {value!r}", hint="e.g. 12 for a year")
    return float(value)


def _format_pct(pct: float) -> str:
    size = abs(pct)
    if size >= 10:
        return f"{size:,.0f}%"
    if size >= 0.05:
        return f"{size:.1f}%"
    return "less than 0.1%"


def _fmt_months(months: float) -> str:
    text = f"{months:g}"
    return f"{text} month" if months == 1 else f"{text} months"


def recording_change(before: int, before_months: float, after: int, after_months: float) -> bool:
    """True when the monthly rate changed by ``RECORDING_CHANGE`` times or more (either way)
    and the busier period holds at least ``RECORDING_MIN`` incidents.

    Examples
    --------
    >>> recording_change(70, 6, 1042, 6), recording_change(300, 12, 260, 6)
    (True, False)
    >>> recording_change(4, 6, 40, 6)  # ten-fold, but too few to tell
    False
    """
    if max(before, after) < RECORDING_MIN:
        return False
    rate_before, rate_after = before / before_months, after / after_months
    return max(rate_before, rate_after) >= RECORDING_CHANGE * min(rate_before, rate_after)


def verdict_sentence(comparison: PeriodComparison) -> str:
    """The English sentence for a :class:`PeriodComparison`.

    Built only from the structured fields (direction, change, counts, significance)
    so that it can be generated in another language from the same fields.

    Examples
    --------
    >>> print(compare_periods(100, 150, before_months=12, after_months=12).sentence)
    rose 50% (100 to 150); this rise is unlikely to be chance
    >>> print(compare_periods(70, 1042, before_months=6, after_months=6).sentence)
    rose 1,389% (70 to 1,042); a change this large usually reflects how crimes were recorded or published rather than crime itself
    """
    c = comparison
    same_length = c.before_months == c.after_months
    if same_length:
        counts = f"({c.before_count:,} to {c.after_count:,})"
    else:
        counts = (
            f"({c.before_count:,} in {_fmt_months(c.before_months)} to "
            f"{c.after_count:,} in {_fmt_months(c.after_months)})"
        )
    if c.direction == "no change":
        return f"no change {counts}"
    noun = "rise" if c.direction == "rose" else "fall"
    chance = "is unlikely to be chance" if c.significant else "could be chance"
    per_month = "" if same_length else " per month"
    if c.pct_change is None:
        head = f"{c.direction} from none{per_month}"
    else:
        head = f"{c.direction} {_format_pct(c.pct_change)}{per_month}"
    if c.recording_change:  # the test of chance is right, but beside the point
        return (
            f"{head} {counts}; a change this large usually reflects how crimes were recorded "
            "or published rather than crime itself"
        )
    return f"{head} {counts}; this {noun} {chance}"


def compare_periods(
    before_count: Any,
    after_count: Any,
    *,
    before_months: Any,
    after_months: Any,
    alpha: float = ALPHA,
) -> PeriodComparison:
    """Test whether the monthly rate of crime changed between two periods.

    Uses the exact conditional test of two Poisson rates: given the total
    ``n = before + after``, the after count is Binomial(``n``, ``p0``) under equal rates,
    with ``p0 = after_months / (before_months + after_months)``. The two-sided p-value is
    :func:`scipy.stats.binomtest`'s (the sum of the probabilities of all outcomes no more
    likely than the one observed). This is the ``'exact-cond'`` method of
    ``statsmodels.stats.rates.test_poisson_2indep``. It is exact, so it is valid for
    small counts; like any Poisson test it assumes incidents are independent, so with
    strongly clustered (overdispersed) counts it will call more changes significant than
    it should.

    Parameters
    ----------
    before_count, after_count : int
        Number of incidents in each period.
    before_months, after_months : float
        Length of each period in months.
    alpha : float, default 0.05
        Significance level for the verdict.

    Returns
    -------
    PeriodComparison

    Examples
    --------
    >>> r = compare_periods(2310, 2587, before_months=12, after_months=12)
    >>> r.direction, round(r.pct_change, 1), r.significant
    ('rose', 12.0, True)
    >>> r.sentence
    'rose 12% (2,310 to 2,587); this rise is unlikely to be chance'
    >>> compare_periods(20, 17, before_months=6, after_months=6).sentence
    'fell 15% (20 to 17); this fall could be chance'
    """
    b = _check_count(before_count, "before_count")
    a = _check_count(after_count, "after_count")
    tb = _check_positive(before_months, "before_months")
    ta = _check_positive(after_months, "after_months")
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise InputError(f"alpha must be between 0 and 1; received {alpha!r}", hint="use 0.05")
    before_rate, after_rate = b / tb, a / ta
    n = a + b
    if n == 0:
        p_value = 1.0
        lo_ratio = hi_ratio = None
    else:
        result = stats.binomtest(a, n, ta / (ta + tb), alternative="two-sided")
        p_value = float(min(1.0, result.pvalue))
        ci = result.proportion_ci(confidence_level=1 - alpha, method="exact")
        # The rate ratio is (p / (1 - p)) * (tb / ta) for p = after share of the total.
        if b == 0:
            lo_ratio = hi_ratio = None
        else:
            lo_ratio = float(ci.low / (1 - ci.low) * tb / ta)
            hi_ratio = float(ci.high / (1 - ci.high) * tb / ta) if ci.high < 1 else None
    ratio = after_rate / before_rate if b > 0 else None
    pct = (ratio - 1) * 100 if ratio is not None else None
    if after_rate > before_rate:
        direction = "rose"
    elif after_rate < before_rate:
        direction = "fell"
    else:
        direction = "no change"
    draft = PeriodComparison(
        before_count=b,
        after_count=a,
        before_months=tb,
        after_months=ta,
        before_rate=before_rate,
        after_rate=after_rate,
        rate_ratio=ratio,
        rate_ratio_lower=lo_ratio,
        rate_ratio_upper=hi_ratio,
        pct_change=pct,
        direction=direction,
        p_value=p_value,
        significant=bool(p_value < alpha),
        alpha=float(alpha),
        test="exact conditional test of two Poisson rates (binomial, two-sided)",
        recording_change=recording_change(b, tb, a, ta),
        sentence="",
    )
    return replace(draft, sentence=verdict_sentence(draft))
