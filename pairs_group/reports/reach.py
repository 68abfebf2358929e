"""Who the groups reach: about-you answers and deprivation (IMD decile from the postcode)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from pairs_group.db import db
from pairs_group.geo import service as geo
from pairs_group.parents import choices
from pairs_group.parents.models import PREFER_NOT_TO_SAY, AboutYou, Parent
from pairs_group.reports.filters import scoped_enrolments

QUESTION_LABELS = {
    "ethnic_group": _l("Ethnic group (19 categories)"),
    "gender": _l("Gender"),
    "age_band": _l("Age"),
    "relationship_status": _l("Relationship status"),
    "first_time_parent": _l("First-time parent"),
    "heard_from": _l("Who suggested Together Time"),
}
POSTCODE_LABEL = _l("Postcode")
NOT_ANSWERED = "not_answered"
MOST_DEPRIVED = (1, 2, 3)  # deciles: the most deprived 10%, 20% and 30% of areas in England


def scoped_parent_ids(report_filter):
    enrolments = scoped_enrolments(report_filter).subquery()
    return sa.select(enrolments.c.parent_id).distinct().subquery()


def answer_counts(report_filter):
    """{question: {code: count}} for every about-you question, in one statement (the scoped
    parents' answers read once); skipped and never asked are NOT_ANSWERED."""
    parents = scoped_parent_ids(report_filter)
    answers = (sa.select(*[getattr(AboutYou, question) for question in QUESTION_LABELS])
               .select_from(parents)
               .outerjoin(AboutYou, AboutYou.parent_id == parents.c.parent_id).cte("answers"))
    counts = []
    for question in QUESTION_LABELS:
        code = sa.func.coalesce(answers.c[question], NOT_ANSWERED)
        counts.append(sa.select(sa.literal(question).label("question"), code.label("code"),
                                sa.func.count().label("count")).group_by(code))
    found = {question: {} for question in QUESTION_LABELS}
    for question, code, count in db.session.execute(sa.union_all(*counts)):
        found[question][code] = count
    return found


def _table(counts, options):
    """Rows of code, label, count and % of everyone (answers first, then the two kinds of gap)."""
    total = sum(counts.values())
    known = [*options, (PREFER_NOT_TO_SAY, choices.PREFER_NOT[1]),
             (NOT_ANSWERED, _l("Not answered"))]
    codes = {code for code, _label in known}
    known += [(code, code) for code in sorted(counts) if code not in codes]
    return {"total": total, "rows": [
        {"code": code, "label": label, "count": counts.get(code, 0),
         "proportion": counts.get(code, 0) / total if total else None}
        for code, label in known]}


def ethnic_groups(counts):
    """The 19 categories' counts folded into the 5 Census groups."""
    folded = {}
    for code, count in counts.items():
        group = choices.ETHNIC_GROUP_OF.get(code, code)
        folded[group] = folded.get(group, 0) + count
    return _table(folded, [(code, label) for code, label, _items in choices.ETHNIC_GROUPS])


def about_you(report_filter):
    found, counts = {}, answer_counts(report_filter)
    for question, label in QUESTION_LABELS.items():
        options = [item for item in choices.QUESTIONS[question] if item[0] != PREFER_NOT_TO_SAY]
        found[question] = {"label": label, **_table(counts[question], options)}
    found["ethnic_group_5"] = {"label": _l("Ethnic group (5 groups)"),
                               **ethnic_groups(counts["ethnic_group"])}
    return found


def deprivation(report_filter):
    """Families by IMD decile of their postcode, and the share in the most deprived areas."""
    edition, boundary = geo.latest_edition()
    parents = scoped_parent_ids(report_filter)
    if not edition:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(parents))
        return {"edition": None, "total": total, "known": 0, "deciles": [], "most_deprived": {}}
    decile = geo.decile_query(Parent.postcode, edition, boundary).label("decile")
    found = dict(db.session.execute(
        sa.select(decile, sa.func.count()).select_from(parents)
        .join(Parent, Parent.id == parents.c.parent_id).group_by(decile)).all())
    total = sum(found.values())  # every parent has a decile or None: no second count
    known = sum(count for key, count in found.items() if key is not None)
    return {
        "edition": edition, "total": total, "known": known, "unknown": total - known,
        "deciles": [{"decile": d, "count": found.get(d, 0),
                     "proportion": found.get(d, 0) / known if known else None}
                    for d in range(1, 11)],
        "most_deprived": {f"{10 * d}%": (sum(found.get(x, 0) for x in range(1, d + 1)) / known
                                         if known else None) for d in MOST_DEPRIVED},
    }


def summary(report_filter):
    return {"about_you": about_you(report_filter), "deprivation": deprivation(report_filter)}
