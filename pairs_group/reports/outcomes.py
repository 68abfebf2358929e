"""Pre/post outcomes: dyads paired in SQL, statistics per subscale, level shifts, FFT."""

import numpy as np
import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.questionnaires.models import (
    Answer,
    QuestionnaireResponse,
    ResponseStatus,
    Score,
    Timepoint,
)
from pairs_group.reports import charts, instruments, paging
from pairs_group.reports.filters import answered_conditions, scoped_dyad_ids
from pairs_group.reports.statistics import better_direction_taken, paired_summary


def _timepoint_value(timepoint):
    return sa.func.max(sa.case((QuestionnaireResponse.timepoint == timepoint, Score.value)))


def dyad_scores(report_filter):
    """One row per dyad x instrument x subscale with its valid pre and post values (a subquery).

    Grouped by the dyad first: sorting on its number is what keeps this cheap (the few rows of
    one dyad are the only ones whose text keys are ever compared)."""
    return (sa.select(QuestionnaireResponse.instrument_id.label("instrument"),
                      Score.subscale, QuestionnaireResponse.dyad_id,
                      _timepoint_value(Timepoint.PRE).label("pre"),
                      _timepoint_value(Timepoint.POST).label("post"))
            .join(Score, Score.response_id == QuestionnaireResponse.id)
            .where(QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
                   Score.valid.is_(True), Score.value.is_not(None),
                   QuestionnaireResponse.dyad_id.in_(scoped_dyad_ids(report_filter)),
                   *answered_conditions(report_filter))
            .group_by(QuestionnaireResponse.dyad_id, QuestionnaireResponse.instrument_id,
                      Score.subscale)
            .subquery())


KEY_SEPARATOR = "\x1f"  # joins instrument and subscale ids in one column (neither contains it)


def plain_rows(query):
    """The rows as the database driver gives them (tuples): SQLAlchemy's Row objects cost more
    than the query itself over 70,000 rows. Only for columns that need no type conversion."""
    result = db.session.connection().execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def load_scores(report_filter):
    """(instrument, subscale) -> array of [pre, post] per dyad, in dyad order (NaN: missing).

    SQL pairs each dyad's pre and post in one aggregate query; the per-dyad values then go to
    NumPy and SciPy, which need them (a Wilcoxon test cannot be done from sums). At 10,000
    dyads that is 70,000 rows, so each row is kept small (one key, two numbers, no Row
    objects) and NumPy, not a Python loop, splits them into one array per subscale."""
    scores = dyad_scores(report_filter)
    key = (scores.c.instrument + KEY_SEPARATOR + scores.c.subscale)
    query = sa.select(key, scores.c.pre, scores.c.post).order_by(scores.c.dyad_id)
    rows = plain_rows(query)
    if not rows:
        return {}
    keys, pre, post = zip(*rows, strict=True)
    codes = {name: code for code, name in enumerate(sorted(set(keys)))}
    key_codes = np.fromiter(map(codes.__getitem__, keys), dtype=np.int64, count=len(keys))
    order = np.argsort(key_codes, kind="stable")  # stable: each subscale stays in dyad order
    values = np.array((pre, post), dtype=float).T[order]
    starts = np.searchsorted(key_codes[order], np.arange(len(codes) + 1))
    return {tuple(name.split(KEY_SEPARATOR, 1)): values[starts[code]:starts[code + 1]]
            for name, code in codes.items()}


def _empty():
    return np.empty((0, 2))


def _counts(values):
    has_pre, has_post = ~np.isnan(values[:, 0]), ~np.isnan(values[:, 1])
    return {"n_pre": int(has_pre.sum()), "n_post": int(has_post.sum()),
            "pairs_lost": int((has_pre & ~has_post).sum())}


def _pairs(values):
    complete = values[~np.isnan(values).any(axis=1)]
    return complete[:, 0], complete[:, 1]


def outcome_rows(report_filter, table=None):
    """One row per instrument subscale measured before or after, with its paired statistics."""
    table = load_scores(report_filter) if table is None else table
    rows = []
    for key in sorted(table, key=_display_order):
        if key in instruments.NOT_OUTCOMES:
            continue
        summary = paired_summary(*_pairs(table[key]))
        direction = instruments.direction(*key)
        rows.append({"instrument": key[0], "subscale": key[1], **_counts(table[key]),
                     **summary.as_dict(), "too_few_pairs": summary.too_few,
                     "direction": direction, "ordinal": key in instruments.ORDINAL,
                     "improved": better_direction_taken(direction, summary.mean_change)})
    return rows


def _display_order(key):
    order = list(instruments.INSTRUMENT_NAMES)
    position = order.index(key[0]) if key[0] in order else len(order)
    subscales = list(instruments.SUBSCALE_NAMES)
    return position, subscales.index(key[1]) if key[1] in subscales else 99, key


def distribution(table, instrument, subscale, levels):
    """% of dyads at each level before and after (everyone measured at that time)."""
    values = table.get((instrument, subscale), _empty())
    result = {}
    for column, timepoint in enumerate(("pre", "post")):
        measured = values[~np.isnan(values[:, column]), column]
        total = len(measured)
        counts = {level: int((measured == level).sum()) for level in levels}
        result[timepoint] = {"n": total, "levels": [
            {"level": level, "count": counts[level],
             "proportion": counts[level] / total if total else None} for level in levels]}
    return result


def shift_table(table, instrument, subscale, levels):
    """Counts of paired dyads by level before (rows) and after (columns)."""
    pre, post = _pairs(table.get((instrument, subscale), _empty()))
    rows = [{"pre": a, "post": {b: int(((pre == a) & (post == b)).sum()) for b in levels}}
            for a in levels]
    moves = {"better": int((post < pre).sum()), "same": int((post == pre).sum()),
             "worse": int((post > pre).sum())}
    return {"rows": rows, "n_pairs": len(pre), "moves": moves}


def levels_section(table, instrument, subscales, levels):
    return [{"subscale": subscale,
             "distribution": distribution(table, instrument, subscale, levels),
             "shift": shift_table(table, instrument, subscale, levels)}
            for subscale in subscales]


def fft_summary(table):
    """Ratings, % positive (very good + good) and % negative (poor + very poor) of all answers."""
    values = table.get(("fft", "rating"), _empty())
    rating = np.where(np.isnan(values[:, 1]), values[:, 0], values[:, 1])
    rating = rating[~np.isnan(rating)]
    total = len(rating)
    counts = {code: int((rating == code).sum()) for code in instruments.FFT_RATINGS}

    def share(*codes):
        return sum(counts[c] for c in codes) / total if total else None

    return {"n": total, "counts": counts, "positive": share(1, 2), "negative": share(4, 5)}


def fft_comments(report_filter, limit=None, offset=0):
    """The free-text answers, newest first (never linked to a person in the report)."""
    query = (sa.select(Answer.item_id, Answer.text, QuestionnaireResponse.submitted_at)
             .join(QuestionnaireResponse, QuestionnaireResponse.id == Answer.response_id)
             .where(*_comment_conditions(report_filter))
             .order_by(QuestionnaireResponse.submitted_at.desc(), Answer.id).limit(limit)
             .offset(offset or None))
    return [{"item": r.item_id, "text": r.text, "submitted_at": r.submitted_at}
            for r in db.session.execute(query)]


def _comment_conditions(report_filter):
    return [QuestionnaireResponse.instrument_id == "fft",
            QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
            Answer.item_id.in_(list(instruments.FFT_COMMENT_ITEMS)),
            sa.func.length(sa.func.trim(Answer.text)) > 0,
            QuestionnaireResponse.dyad_id.in_(scoped_dyad_ids(report_filter)),
            *answered_conditions(report_filter)]


def comments_page(report_filter, asked):
    """(one page of the comments, its Page)."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(Answer)
        .join(QuestionnaireResponse, QuestionnaireResponse.id == Answer.response_id)
        .where(*_comment_conditions(report_filter)))
    page = paging.page_of(total, asked)
    return fft_comments(report_filter, page.size, page.offset), page


def _score_figures(report_filter, table):
    return {
        "rows": outcome_rows(report_filter, table),
        "loaf": levels_section(table, "loaf", ("part_a", "part_b"),
                               list(instruments.LOAF_LEVELS)),
        "asq_se2": levels_section(table, "asq_se2", ("zone",), list(instruments.ASQ_ZONES)),
        "fft": fft_summary(table),
    }


def summary(report_filter, limit=None):
    """The whole outcomes section, from one load of the scores."""
    return {**_score_figures(report_filter, load_scores(report_filter)),
            "fft_comments": fft_comments(report_filter, limit)}


def section_page(report_filter, pages):
    """The section as its page shows it: one page of comments, and the chart."""
    data = _score_figures(report_filter, load_scores(report_filter))
    data["fft_comments"], data["comments_page"] = comments_page(report_filter, pages["comments"])
    data["chart"] = charts.outcome_bars(data["rows"])
    return data
