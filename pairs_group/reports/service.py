"""The whole report as plain data (for pages, CSV and `flask report --format json`)."""

import gc
import json
from contextlib import contextmanager
from datetime import date

from pairs_group.reports import attendance, completeness, outcomes, reach, referrals


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while a report is worked out.

    A report over 10,000 dyads makes some 100,000 short-lived tuples and dicts, none of them in
    a reference cycle (reference counting frees them all). Each full collection they trigger
    walks every object in the process, 100-300 ms of a report that must take under a second,
    to find nothing. Restored afterwards, also on errors, and left off if it already was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_report(report_filter, limit=None):
    """Every section; `limit` caps the long lists (sessions, comments) shown on a page."""
    with collector_paused():
        return {
            "filters": report_filter.describe(),
            "attendance": attendance.summary(report_filter, limit),
            "outcomes": outcomes.summary(report_filter, limit),
            "reach": reach.summary(report_filter),
            "completeness": completeness.summary(report_filter, limit),
            "referrals": referrals.summary(report_filter),
        }


def json_report(report_filter):
    """The report for scripts: attendance counts and proportions at the top of its section,
    `outcomes` a list of rows with the agreed names; LOAF, ASQ:SE-2 and FFT beside it;
    `referrals` and `attendance_by_financial_year` as issue 19 names them."""
    with collector_paused():
        report = build_report(report_filter)
        report["attendance_by_financial_year"] = attendance.financial_year_rows(
            report["attendance"]["by_financial_year"])
        overall = report["attendance"]["overall"]
        report["attendance"] = {**overall, **report["attendance"]}
        sections = report.pop("outcomes")
        report["outcomes"] = [_outcome_row(row) for row in sections.pop("rows")]
        report.update(sections)
        return _jsonable(report)


OUTCOME_KEYS = ("instrument", "subscale", "n_pairs", "pairs_lost", "n_pre", "n_post", "mean_pre",
                "sd_pre", "mean_post", "sd_post", "mean_change", "ci95", "p_t", "p_wilcoxon",
                "d_z", "direction", "improved", "too_few_pairs")


def _outcome_row(row):
    return {key: row[key] for key in OUTCOME_KEYS}


def _jsonable(value):
    """Lazy strings to text, datetimes to ISO, dict keys to strings: through the C JSON encoder
    and back, as a recursive walk in Python costs more than the report's SQL at scale."""
    return json.loads(json.dumps(value, default=_plain))


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
