"""Every report table as CSV: a registry of (section, table) -> header and rows."""

from flask_babel import gettext as _

from pairs_group.reports import (
    attendance,
    completeness,
    instruments,
    outcomes,
    reach,
    referrals,
)
from pairs_group.reports.attendance import STATUSES
from pairs_group.times import in_london


def _day(moment):
    return in_london(moment).date().isoformat() if moment else ""


def _status_header():
    return ([s.value for s in STATUSES] + ["total"]
            + [s.value + "_proportion" for s in STATUSES])


def _status_values(row):
    return ([row["counts"][s.value] for s in STATUSES] + [row["total"]]
            + [row["proportions"][s.value] for s in STATUSES])


def attendance_overall(f):
    return _status_header(), [_status_values(attendance.overall(f))]


def attendance_groups(f):
    return (["group_id", "group", "venue", *_status_header()],
            ([r["group_id"], r["group"], r["venue"], *_status_values(r)]
             for r in attendance.per_group(f)))


def attendance_sessions(f):
    return (["session_id", "group", "session_number", "date", *_status_header()],
            ([r["session_id"], r["group"], r["number"], _day(r["starts_at"]),
              *_status_values(r)] for r in attendance.per_session(f)))


def attendance_years(f):
    return (["financial_year", "attended_sessions", "enrolments", *_status_header()],
            ([r["label"], r["attended_sessions"], r["enrolments"], *_status_values(r)]
             for r in attendance.by_financial_year(f)))


def referral_sources(f):
    keys = ["source", "n", "percent", "joined", "joined_percent", "professional"]
    return (["source", "label", *keys[1:]],
            ([r["source"], str(r["label"]), *[r[k] for k in keys[1:]]]
             for r in referrals.by_source(referrals.records(f))))


def referral_quarters(f):
    keys = ["quarter", "professional_referrals", "teams", "top3", "share"]
    return keys, ([r[k] for k in keys] for r in
                  referrals.top3_share_by_quarter(referrals.records(f)))


def referral_days(f):
    found = referrals.days_to_first_session_median(referrals.records(f))
    rows = [["all", "", found["n"], found["median"]]]
    rows += [[r["source"], str(r["label"]), r["n"], r["median"]] for r in found["by_source"]]
    return ["source", "label", "n_joined", "median_days"], rows


OUTCOME_COLUMNS = ["instrument", "subscale", "direction", "n_pre", "n_post", "n_pairs",
                   "pairs_lost", "mean_pre", "sd_pre", "mean_post", "sd_post", "mean_change"]


def outcome_table(f):
    header = [*OUTCOME_COLUMNS, "ci95_low", "ci95_high", "p_t", "p_wilcoxon", "d_z"]
    return header, ([*[r[c] for c in OUTCOME_COLUMNS], *(r["ci95"] or [None, None]), r["p_t"],
                     r["p_wilcoxon"], r["d_z"]] for r in outcomes.outcome_rows(f))


def _levels(instrument, subscales, levels):
    def build(f):
        header = ["subscale", "level", "label", "n_pre", "count_pre", "proportion_pre",
                  "n_post", "count_post", "proportion_post"]
        rows, table = [], outcomes.load_scores(f)
        for subscale in subscales:
            found = outcomes.distribution(table, instrument, subscale, list(levels))
            for pre, post in zip(found["pre"]["levels"], found["post"]["levels"], strict=True):
                rows.append([subscale, pre["level"], str(levels[pre["level"]]),
                             found["pre"]["n"], pre["count"], pre["proportion"],
                             found["post"]["n"], post["count"], post["proportion"]])
        return header, rows
    return build


def _shift(instrument, subscales, levels):
    def build(f):
        header = ["subscale", "level_before", *[f"after_{level}" for level in levels]]
        rows, table = [], outcomes.load_scores(f)
        for subscale in subscales:
            shift = outcomes.shift_table(table, instrument, subscale, list(levels))
            rows += [[subscale, row["pre"], *row["post"].values()] for row in shift["rows"]]
        return header, rows
    return build


def fft_table(f):
    found = outcomes.fft_summary(outcomes.load_scores(f))
    rows = [[code, str(label), found["counts"][code]]
            for code, label in instruments.FFT_RATINGS.items()]
    rows += [["positive", _("Very good or good"), found["positive"]],
             ["negative", _("Poor or very poor"), found["negative"]]]
    return ["code", "label", "value"], rows


def fft_comments_table(f):
    return (["question", "comment", "date"],
            ([str(instruments.FFT_COMMENT_ITEMS[c["item"]]), c["text"], _day(c["submitted_at"])]
             for c in outcomes.fft_comments(f)))


def _reach(question):
    def build(f):
        table = reach.about_you(f)[question]
        return (["code", "label", "count", "proportion"],
                ([r["code"], str(r["label"]), r["count"], r["proportion"]]
                 for r in table["rows"]))
    return build


def deprivation_table(f):
    found = reach.deprivation(f)
    rows = [[found["edition"], d["decile"], d["count"], d["proportion"]]
            for d in found["deciles"]]
    rows += [[found["edition"], f"most deprived {key}", "", value]
             for key, value in found["most_deprived"].items()]
    rows.append([found["edition"], "unknown", found.get("unknown", found["total"]), ""])
    return ["imd_edition", "decile", "count", "proportion"], rows


def about_you_gaps_table(f):
    keys = ["field", "total", "not_answered", "not_answered_proportion", "prefer_not_to_say",
            "prefer_not_to_say_proportion"]
    return keys, ([r[k] for k in keys] for r in completeness.about_you_gaps(f))


def questionnaire_gaps_table(f):
    keys = ["instrument", "enrolments", "missing_pre", "missing_pre_proportion", "post_due",
            "missing_post", "missing_post_proportion"]
    return keys, ([r[k] for k in keys] for r in completeness.missing_questionnaires(f))


def registers_table(f):
    found = attendance.registers_not_taken(f)
    return (["session_id", "group", "session_number", "date"],
            ([s["session_id"], s["group"], s["number"], _day(s["starts_at"])]
             for s in found["sessions"]))


TABLES = {
    ("attendance", "overall"): attendance_overall,
    ("attendance", "groups"): attendance_groups,
    ("attendance", "sessions"): attendance_sessions,
    ("attendance", "financial-years"): attendance_years,
    ("referrals", "sources"): referral_sources,
    ("referrals", "top-teams"): referral_quarters,
    ("referrals", "days-to-first-session"): referral_days,
    ("outcomes", "outcomes"): outcome_table,
    ("outcomes", "loaf-levels"): _levels("loaf", ("part_a", "part_b"), instruments.LOAF_LEVELS),
    ("outcomes", "loaf-shift"): _shift("loaf", ("part_a", "part_b"), instruments.LOAF_LEVELS),
    ("outcomes", "asq-zones"): _levels("asq_se2", ("zone",), instruments.ASQ_ZONES),
    ("outcomes", "asq-shift"): _shift("asq_se2", ("zone",), instruments.ASQ_ZONES),
    ("outcomes", "fft"): fft_table,
    ("outcomes", "fft-comments"): fft_comments_table,
    **{("reach", question.replace("_", "-")): _reach(question)
       for question in [*reach.QUESTION_LABELS, "ethnic_group_5"]},
    ("reach", "deprivation"): deprivation_table,
    ("completeness", "about-you"): about_you_gaps_table,
    ("completeness", "questionnaires"): questionnaire_gaps_table,
    ("completeness", "registers-not-taken"): registers_table,
}
