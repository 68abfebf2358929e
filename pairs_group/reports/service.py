"""The whole report as plain data (for pages, CSV and `flask report --format json`)."""

from datetime import date

from pairs_group.reports import attendance, completeness, outcomes, reach


def build_report(report_filter, limit=None):
    """Every section; `limit` caps the long lists (sessions, comments) shown on a page."""
    return {
        "filters": report_filter.describe(),
        "attendance": attendance.summary(report_filter, limit),
        "outcomes": outcomes.summary(report_filter, limit),
        "reach": reach.summary(report_filter),
        "completeness": completeness.summary(report_filter, limit),
    }


def json_report(report_filter):
    """The report for scripts: attendance counts and proportions at the top of its section,
    `outcomes` a list of rows with the agreed names; LOAF, ASQ:SE-2 and FFT beside it."""
    report = build_report(report_filter)
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
    """Lazy strings to text, datetimes to ISO, dict keys to strings."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
