"""The export's codebook: every variable of every file, its label, type and value codes."""

from pairs_group.attendance.models import AttendanceStatus
from pairs_group.parents import choices
from pairs_group.parents.models import PREFER_NOT_TO_SAY, EnrolmentStatus, Relationship
from pairs_group.questionnaires.models import HelpKind
from pairs_group.referrals.models import ReferralStatus
from pairs_group.reports import instruments, referrals, rules

CODEBOOK_HEADER = ["file", "variable", "label", "type", "values", "scoring_rule"]
SUBSCALE_ORDER = list(instruments.SUBSCALE_NAMES)
INTEGER_SUBSCALES = ("part_a", "part_b", "zone", "rating", "interval_months", "items_omitted")
PREFER = f"{PREFER_NOT_TO_SAY}=Prefer not to say; (blank)=not answered"


def _codes(options):
    return "; ".join(f"{code}={label}" for code, label in options)


def _answer_codes(question):
    options = [o for o in choices.QUESTIONS[question] if o[0] != PREFER_NOT_TO_SAY]
    return _codes(options) + "; " + PREFER


def _enum_codes(enum):
    return "; ".join(member.value for member in enum)


# (variable, label, type, values) per file; the header of each CSV is its variables in order.
VARIABLES = {
    "dyads.csv": [
        ("dyad_id", "Stable random id of the parent-baby pair", "string", ""),
        ("relationship_to_baby", "Parent or carer's relationship to the baby", "string",
         lambda: _enum_codes(Relationship)),
        ("language", "Language the parent uses the app in (ISO 639-1)", "string", ""),
        ("postcode_district", "Postcode district (outward code only)", "string", ""),
        ("imd_decile", "Index of Multiple Deprivation decile of the home postcode's LSOA "
         "(1 = most deprived 10%)", "integer", "1-10; blank = unknown"),
        ("imd_edition", "IMD edition the decile comes from", "string", "e.g. IMD2019, IMD2025"),
        ("ethnic_group", "Ethnic group (Census 2021, 19 categories)", "string",
         lambda: _answer_codes("ethnic_group")),
        ("ethnic_group_5", "Ethnic group (Census 2021, 5 groups)", "string",
         lambda: _codes([(c, label) for c, label, _i in choices.ETHNIC_GROUPS]) + "; " + PREFER),
        ("gender", "Gender", "string", lambda: _answer_codes("gender")),
        ("age_band", "Age band", "string", lambda: _answer_codes("age_band")),
        ("relationship_status", "Relationship status", "string",
         lambda: _answer_codes("relationship_status")),
        ("first_time_parent", "First-time parent", "string",
         lambda: _answer_codes("first_time_parent")),
        ("heard_from", "Who suggested Together Time to her (asked at sign-up; staff ask a "
         "walk-in)", "string",
         lambda: _answer_codes("heard_from")),
    ],
    "enrolments.csv": [
        ("dyad_id", "Stable random id of the parent-baby pair", "string", ""),
        ("group_id", "Group (app id)", "integer", ""),
        ("venue_id", "Venue (app id)", "integer", ""),
        ("group_start_date", "Date of the group's first session (Europe/London)", "date", ""),
        ("status", "Enrolment status", "string", lambda: _enum_codes(EnrolmentStatus)),
        ("enrolled_date", "Date the place was taken", "date", ""),
        ("ended_date", "Date the enrolment ended", "date", ""),
    ],
    "attendance.csv": [
        ("dyad_id", "Stable random id of the parent-baby pair", "string", ""),
        ("group_id", "Group (app id)", "integer", ""),
        ("session_number", "Session number within the group", "integer", ""),
        ("session_date", "Session date (Europe/London)", "date", ""),
        ("status", "Attendance", "string", lambda: _enum_codes(AttendanceStatus)),
    ],
    "responses.csv": [
        ("response_id", "Questionnaire response (app id)", "integer", ""),
        ("dyad_id", "Stable random id of the parent-baby pair", "string", ""),
        ("instrument", "Instrument", "string",
         lambda: _codes((k, str(v)) for k, v in instruments.INSTRUMENT_NAMES.items())),
        ("instrument_version", "Instrument version", "string", ""),
        ("timepoint", "Timepoint", "string", "pre=start of group; post=end of group"),
        ("status", "Response status", "string", "in_progress; submitted"),
        ("language_shown", "Language the items were shown in", "string", ""),
        ("entered_by", "Who entered the answers", "string", "parent; staff"),
        ("submitted_date", "Date submitted (Europe/London)", "date", ""),
        ("assisted", "Answered with help (a facilitator went through it with her)", "integer",
         "1=answered with help; 0=not"),
        ("help_language", "Language spoken when answered with help", "string",
         "a language code (en, pt, es, pl, fr, so, ar) or the language's name as typed; "
         "blank = not answered with help"),
        ("help_kind", "Who helped her answer", "string",
         lambda: _enum_codes(HelpKind) + "; blank = not answered with help"),
    ],
    "answers.csv": [
        ("response_id", "Questionnaire response (see responses.csv)", "integer", ""),
        ("dyad_id", "Stable random id of the parent-baby pair", "string", ""),
        ("instrument", "Instrument", "string", ""),
        ("timepoint", "Timepoint", "string", "pre; post"),
        ("item_id", "Item", "string", ""),
        ("value", "Answer as given (free text is not exported)", "integer",
         "blank = not answered or free text"),
    ],
    "referrals.csv": [
        ("kind", "A professional's referral, or a parent who signed up herself (no referral "
         "led to her sign-up); each row is one referral", "string",
         "professional=referred by a professional; self=signed up herself"),
        ("source", "Referral source: the referrer's role, or the parent's answer to 'Who "
         "suggested Together Time to you?'", "string",
         lambda: _codes(referrals.source_labels().items())),
        ("team_id", "Referring team or organisation as a stable code (teams compared without "
         "case, spaces or punctuation); blank for a parent who signed up herself", "string",
         ""),
        ("referral_date", "Day of the referral or sign-up (Europe/London)", "date", ""),
        ("pregnant", "Baby not yet born that day (due date, or birth, after it)", "integer",
         "1=yes; 0=no"),
        ("dyad_id", "Stable random id of the parent-baby pair once she has signed up", "string",
         "blank = not signed up"),
        ("status", "Where the referral stands", "string",
         lambda: _enum_codes(ReferralStatus) + f"; {referrals.SIGNED_UP}=signed up herself"),
        ("joined", "Attended at least one session that has started", "integer", "1=yes; 0=no"),
        ("first_session_date", "Date of the first session attended (Europe/London)", "date",
         "blank = none yet"),
        ("days_to_first_session", "Days from referral_date to first_session_date", "integer",
         "blank = none yet"),
    ],
    "scores.csv": [
        ("dyad_id", "Stable random id of the parent-baby pair", "string", ""),
        ("instrument", "Instrument", "string", ""),
        ("timepoint", "Timepoint", "string", "pre; post"),
        ("response_id", "Questionnaire response (see responses.csv)", "integer", ""),
    ],
}
HEADERS = {name: [v[0] for v in variables] for name, variables in VARIABLES.items()}


def _subscale_values(subscale):
    if subscale in ("part_a", "part_b"):
        return _codes((k, str(v)) for k, v in instruments.LOAF_LEVELS.items())
    if subscale == "zone":
        return _codes((k, str(v)) for k, v in instruments.ASQ_ZONES.items())
    if subscale == "rating":
        return _codes((k, str(v)) for k, v in instruments.FFT_RATINGS.items())
    return "blank = not scored or invalid (too many answers missing)"


# Variables whose meaning rests on a scoring rule (the subscale columns have theirs too).
VARIABLE_RULES = {("scores.csv", "timepoint"): rules.timepoint_rule}


def rows(subscales):
    """The codebook's rows, including one per subscale column of scores.csv, each with the
    scoring rule behind it (from the instrument files and the statistics, never a copy)."""
    for name, variables in VARIABLES.items():
        for variable, label, kind, values in variables:
            rule = VARIABLE_RULES.get((name, variable))
            yield (name, variable, label, kind, values() if callable(values) else values,
                   rule() if rule else "")
    for subscale in subscales:
        kind = "integer" if subscale in INTEGER_SUBSCALES else "number"
        yield ("scores.csv", subscale, str(instruments.subscale_name(subscale)), kind,
               _subscale_values(subscale), rules.codebook_rule(subscale))
