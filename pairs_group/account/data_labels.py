"""Her data in words she can read: a translatable label for each column, Yes/No, dates in her
language (Europe/London) and codes through the labels the forms already show her."""

import enum
import json
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pairs_group.attendance.forms import STATUS_LABELS as ATTENDANCE_LABELS
from pairs_group.i18n import LANGUAGES, datetime_pattern
from pairs_group.parents import choices
from pairs_group.parents.forms import RELATIONSHIPS
from pairs_group.referrals.forms import STATUS_LABELS as REFERRAL_LABELS
from pairs_group.sms.forms import STATUS_LABELS as TEXT_STATUS_LABELS
from pairs_group.sms.forms import kind_label

# Each table as a section she can read (the page, the readable file and the spreadsheet).
SECTION_TITLES = {
    "parent": _l("About you"), "baby": _l("Your baby"), "dyad": _l("You and your baby"),
    "enrolment": _l("Your groups"), "attendance": _l("Sessions you came to or missed"),
    "consent": _l("What you agreed to"), "about_you": _l("Your answers about you"),
    "outbox_message": _l("Texts we sent you"),
    "questionnaire_response": _l("Your questionnaires"),
    "questionnaire_answer": _l("Your questionnaire answers"),
    "questionnaire_score": _l("Your scores"),
    "waiting_list_offer": _l("Places we offered you"), "sign_in_code": _l("Codes we texted you"),
    "calendar_feed": _l("Your calendar address"), "inbound_message": _l("Texts you sent us"),
    "sms_opt_out_event": _l("When you stopped or started our texts"),
    "questionnaire_safeguarding_flag": _l("Answers a worker checked on"),
    "eligibility_override": _l("Places we offered outside the usual rules"),
    "used_link": _l("Links you used"),
    "referral": _l("Your referral"),
}


def section_title(table):
    return SECTION_TITLES.get(table) or _("Other things we keep")


SECTIONS = {"section_titles": SECTION_TITLES, "section_title": section_title}  # for templates


# Columns with the same meaning in every table.
COMMON = {
    "name": _l("Name"), "mobile": _l("Mobile number"), "email": _l("Email"),
    "language": _l("Language"), "status": _l("Status"), "created_at": _l("Added on"),
    "answered_at": _l("Answered on"), "expires_at": _l("Ends on"), "used_at": _l("Used on"),
    "value": _l("Answer"), "text": _l("Answer in your words"), "reason": _l("Reason"),
    "source": _l("How we got it"), "kind": _l("What it is"), "purpose": _l("What it was for"),
}

# Columns whose meaning depends on the table: (table, column) → label.
BY_TABLE = {
    ("parent", "relationship_to_baby"): _l("You are your baby's"),
    ("parent", "postcode"): _l("Postcode"),
    ("parent", "interpreter_language"): _l("Interpreter needed for"),
    ("parent", "access_needs"): _l("Things that help you come"),
    ("parent", "sms_opted_out_at"): _l("You stopped our texts on"),
    ("parent", "sms_carrier_blocked_at"): _l("Our texts were blocked on"),
    ("parent", "discreet_sms"): _l("Short texts that do not say what they are about"),
    ("parent", "created_at"): _l("You joined on"),
    ("baby", "date_of_birth"): _l("Date of birth"),
    ("baby", "due_date"): _l("Due date"),
    ("dyad", "created_at"): _l("Added on"),
    ("enrolment", "enrolled_at"): _l("Got a place on"),
    ("enrolment", "ended_at"): _l("Ended on"),
    ("enrolment", "created_at"): _l("Asked to join on"),
    ("attendance", "status"): _l("Did you come?"),
    ("attendance", "recorded_at"): _l("Written down on"),
    ("consent", "kind"): _l("Permission for"),
    ("consent", "wording_version"): _l("Version of the words you saw"),
    ("consent", "answer"): _l("Your answer"),
    ("about_you", "ethnic_group"): _l("Ethnic group"),
    ("about_you", "gender"): _l("Gender"),
    ("about_you", "age_band"): _l("Age"),
    ("about_you", "relationship_status"): _l("Relationship"),
    ("about_you", "first_time_parent"): _l("First baby"),
    ("about_you", "heard_from"): _l("Who suggested Together Time"),
    ("outbox_message", "kind"): _l("Kind of text"),
    ("outbox_message", "to"): _l("Sent to"),
    ("outbox_message", "body"): _l("What the text said"),
    ("outbox_message", "created_at"): _l("Written on"),
    ("outbox_message", "sent_at"): _l("Sent on"),
    ("questionnaire_response", "instrument_id"): _l("Questionnaire"),
    ("questionnaire_response", "instrument_version"): _l("Questionnaire version"),
    ("questionnaire_response", "timepoint"): _l("When"),
    ("questionnaire_response", "language_shown"): _l("Language shown"),
    ("questionnaire_response", "current_section"): _l("Part you got to"),
    ("questionnaire_response", "rater"): _l("Filled in by"),
    ("questionnaire_response", "assessed_on"): _l("Date of the check"),
    ("questionnaire_response", "started_at"): _l("Started on"),
    ("questionnaire_response", "submitted_at"): _l("Sent on"),
    ("questionnaire_answer", "item_id"): _l("Question"),
    ("questionnaire_score", "subscale"): _l("Part of the questionnaire"),
    ("questionnaire_score", "value"): _l("Score"),
    ("questionnaire_score", "valid"): _l("Enough answers to count"),
    ("questionnaire_safeguarding_flag", "item_id"): _l("Question"),
    ("questionnaire_safeguarding_flag", "value"): _l("Answer"),
    ("questionnaire_safeguarding_flag", "raised_at"): _l("A worker was asked to check on"),
    ("questionnaire_safeguarding_flag", "acknowledged_at"): _l("A worker checked on"),
    ("waiting_list_offer", "offered_at"): _l("Offered on"),
    ("sign_in_code", "created_at"): _l("Sent on"),
    ("calendar_feed", "created_at"): _l("Made on"),
    ("inbound_message", "from_number"): _l("Sent from"),
    ("inbound_message", "body"): _l("What your text said"),
    ("inbound_message", "action"): _l("What we did"),
    ("inbound_message", "possible_opt_out"): _l("Might mean stop"),
    ("inbound_message", "received_at"): _l("Received on"),
    ("inbound_message", "reviewed_at"): _l("Read by staff on"),
    ("sms_opt_out_event", "number"): _l("Number"),
    ("sms_opt_out_event", "opted_out"): _l("Texts stopped"),
    ("sms_opt_out_event", "keyword"): _l("Word you sent"),
    ("sms_opt_out_event", "at_carrier"): _l("Blocked by our text provider"),
    ("sms_opt_out_event", "at"): _l("When"),
    ("eligibility_override", "reasons_not_eligible"): _l("Why the usual rules did not fit"),
    ("eligibility_override", "reason"): _l("Why we offered you a place"),
    ("used_link", "used_at"): _l("Link used on"),
    ("referral", "created_at"): _l("Referred on"),
    ("referral", "referrer_name"): _l("Referred by"),
    ("referral", "referrer_role"): _l("Their role"),
    ("referral", "referrer_team"): _l("Team or organisation"),
    ("referral", "referrer_email"): _l("Work email address"),
    ("referral", "referrer_phone"): _l("Work phone number"),
    ("referral", "tell_referrer"): _l("They asked to hear if you joined"),
    ("referral", "consent_confirmed"): _l("They said you agreed to be referred"),
    ("referral", "first_name"): _l("Your first name"),
    ("referral", "postcode"): _l("Postcode"),
    ("referral", "baby_date_of_birth"): _l("Baby's date of birth"),
    ("referral", "baby_due_date"): _l("Due date"),
    ("referral", "interpreter_needed"): _l("Interpreter needed"),
    ("referral", "interpreter_language"): _l("Interpreter needed for"),
    ("referral", "notes"): _l("Anything the team should know"),
    ("referral", "discreet_sms"): _l("Short texts that do not say what they are about"),
    ("referral", "invited_at"): _l("Invited on"),
    ("referral", "reminded_at"): _l("Reminded on"),
    ("referral", "contacted_at"): _l("We contacted you on"),
    ("referral", "joined_at"): _l("You joined on"),
    ("referral", "closed_at"): _l("Ended on"),
    ("referral", "referrer_told_at"): _l("They were told on"),
}

ENROLMENT_LABELS = {"waiting": _l("On the waiting list"), "enrolled": _l("Has a place"),
                    "withdrawn": _l("Left the group"), "completed": _l("Finished the group")}
OFFER_LABELS = {"open": _l("Waiting for your answer"), "accepted": _l("You said yes"),
                "declined": _l("You said no"), "expired": _l("Ran out of time")}
CONSENT_LABELS = {"sms": _l("Texts from us"),
                  "evaluation": _l("Using your answers to check how we are doing")}
RESPONSE_LABELS = {"in_progress": _l("Started"), "submitted": _l("Sent")}
TIMEPOINT_LABELS = {"pre": _l("Before the group"), "post": _l("After the group")}
SOURCE_LABELS = {"sign_up": _l("When you signed up"), "settings": _l("In your settings"),
                 "my_data": _l("On your My data page"), "staff": _l("A worker wrote it down")}
PURPOSE_LABELS = {"sign_in": _l("Signing in"), "change_mobile": _l("Changing your number")}
INBOUND_LABELS = {"opted_out": _l("Texts stopped"), "opted_in": _l("Texts started again"),
                  "help": _l("We sent help"), "cant_come": _l("Marked that you can't come"),
                  "inbox": _l("Read by staff")}


def _or_prefer_not(pairs):
    return dict([*pairs, choices.PREFER_NOT])


# Codes stored for a column → the words shown for them.
VALUES = {
    ("parent", "relationship_to_baby"): dict(RELATIONSHIPS),
    ("enrolment", "status"): ENROLMENT_LABELS,
    ("attendance", "status"): {str(k): v for k, v in ATTENDANCE_LABELS.items()},
    ("consent", "kind"): CONSENT_LABELS,
    ("consent", "source"): SOURCE_LABELS,
    ("about_you", "ethnic_group"): _or_prefer_not(choices.ETHNIC_CATEGORIES),
    ("about_you", "gender"): _or_prefer_not(choices.GENDERS),
    ("about_you", "age_band"): _or_prefer_not(choices.AGE_BANDS),
    ("about_you", "relationship_status"): _or_prefer_not(choices.RELATIONSHIP_STATUSES),
    ("about_you", "first_time_parent"): _or_prefer_not(choices.FIRST_TIME),
    ("about_you", "heard_from"): _or_prefer_not(choices.HEARD_FROM),
    ("outbox_message", "status"): {str(k): v for k, v in TEXT_STATUS_LABELS.items()},
    ("questionnaire_response", "status"): RESPONSE_LABELS,
    ("questionnaire_response", "timepoint"): TIMEPOINT_LABELS,
    ("waiting_list_offer", "status"): OFFER_LABELS,
    ("sign_in_code", "purpose"): PURPOSE_LABELS,
    ("inbound_message", "action"): INBOUND_LABELS,
    ("referral", "status"): {str(k): v for k, v in REFERRAL_LABELS.items()},
    ("referral", "referrer_role"): dict(choices.REFERRER_ROLES),
}


@dataclass
class Line:
    """One row of the summary list: words for the column (None: "Other detail"), the value."""

    label: object
    value: object
    key: str = ""  # the raw column name, shown (as a name for machines) under "Other detail"
    code: bool = False  # a value for machines (a JSON list or object), not words


def label_for(table, column):
    return BY_TABLE.get((table, column)) or COMMON.get(column)


def _shown(table, column, value):
    """(value as she reads it, whether it is a value for machines, shown as code)."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return (_("Yes") if value else _("No")), False
    if isinstance(value, datetime):
        return format_datetime(value, datetime_pattern(get_locale(), "medium")), False
    if isinstance(value, date):
        return format_date(value, "long"), False
    if isinstance(value, float):
        return format_decimal(value, "#,##0.##"), False
    if table == "outbox_message" and column == "kind":
        return kind_label(value), False
    words = VALUES.get((table, column), {})
    if isinstance(value, str) and value in words:
        return words[value], False
    if column in ("language", "language_shown") and value in LANGUAGES:
        return LANGUAGES[value].native_name, False
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False), True
    return value, False


def readable_row(table, row):
    """Lines for one row, labelled ones first in column order, then any 'other detail'."""
    lines = []
    for column, value in row.items():
        shown, is_code = _shown(table, column, value)
        label = label_for(table, column)
        lines.append(Line(label, shown, "" if label else column, is_code))
    return sorted(lines, key=lambda line: line.label is None)


def readable_value(table, column, value):
    """A value as text in her language (the spreadsheet's "value" column)."""
    shown, _is_code = _shown(table, column, value)
    return "" if shown is None else str(shown)


def readable(rows_by_table):
    return {table: [readable_row(table, row) for row in rows]
            for table, rows in rows_by_table.items()}
