"""Paired pre/post statistics with SciPy: means, change and its 95% CI, t-test, Wilcoxon, d_z."""

import math
import warnings
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

MIN_PAIRS_FOR_TESTS = 5
CONFIDENCE = 0.95  # of the interval around the mean change
WILCOXON_ZEROS = "wilcox"  # SciPy's zero_method: pairs with no change are left out


@dataclass
class PairedSummary:
    n_pairs: int
    mean_pre: float | None
    sd_pre: float | None
    mean_post: float | None
    sd_post: float | None
    mean_change: float | None
    ci95: list | None
    p_t: float | None
    p_wilcoxon: float | None
    d_z: float | None

    @property
    def too_few(self):
        return self.n_pairs < MIN_PAIRS_FOR_TESTS

    def as_dict(self):
        return asdict(self)


def _number(value):
    """A plain float, or None for NaN and infinities (JSON and templates cannot show them)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _sd(values):
    return _number(np.std(values, ddof=1)) if len(values) > 1 else None


def paired_summary(pre, post):
    """Everything the report shows for one subscale, from the paired values of each dyad."""
    pre, post = np.asarray(pre, dtype=float), np.asarray(post, dtype=float)
    n = len(pre)
    if n == 0:
        return PairedSummary(0, *([None] * 9))
    change = post - pre
    summary = PairedSummary(
        n_pairs=n, mean_pre=_number(pre.mean()), sd_pre=_sd(pre), mean_post=_number(post.mean()),
        sd_post=_sd(post), mean_change=_number(change.mean()), ci95=None, p_t=None,
        p_wilcoxon=None, d_z=None)
    if n >= MIN_PAIRS_FOR_TESTS:
        summary.ci95, summary.p_t, summary.d_z = _t_statistics(change)
        summary.p_wilcoxon = _wilcoxon_p(change)
    return summary


def _t_statistics(change):
    """CI of the mean change (CONFIDENCE), paired t-test p, and Cohen's d_z (mean change / SD of
    change)."""
    n, mean, sd = len(change), float(change.mean()), float(np.std(change, ddof=1))
    if sd == 0:
        return [mean, mean], None, None
    margin = float(stats.t.ppf((1 + CONFIDENCE) / 2, n - 1)) * sd / math.sqrt(n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        p = stats.ttest_1samp(change, 0.0).pvalue
    return [mean - margin, mean + margin], _number(p), mean / sd


def _wilcoxon_p(change):
    """Wilcoxon signed-rank p (SciPy picks exact or normal approximation); None if all zero."""
    if not np.any(change != 0):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (RuntimeWarning, UserWarning))
        return _number(stats.wilcoxon(change, zero_method=WILCOXON_ZEROS).pvalue)


def better_direction_taken(direction, mean_change):
    """True if the change is in the direction that counts as improvement, None if unknown."""
    if direction not in ("higher", "lower") or not mean_change:
        return None
    return (mean_change > 0) == (direction == "higher")
