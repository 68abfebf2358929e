"""The register form (one radio group per dyad) and the form to correct one mark."""

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from pairs_group.attendance.models import AttendanceStatus
from pairs_group.attendance.service import MAX_REASON_LENGTH, REGISTER_CHOICES, may_mark
from pairs_group.forms import Form
from pairs_group.templating import london_date, london_time

STATUS_LABELS = {
    AttendanceStatus.ATTENDED: _l("Attended"),
    AttendanceStatus.CANCELLED_BY_PARENT: _l("Apologies"),
    AttendanceStatus.DID_NOT_ATTEND: _l("Did not attend"),
    AttendanceStatus.CANCELLED_BY_SERVICE: _l("Cancelled by us"),
}
MAX_VERSION = 2**31 - 1


def parse_version(raw):
    """The version a row was seen at; anything odd counts as 'seen at an unknown version'."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and int(raw) <= MAX_VERSION else -1


@dataclass
class RegisterLine:
    """What one row of the register shows: the dyad, the choice ticked, the version it carries."""

    row: object
    chosen: str
    version: int
    was: str
    error: str = ""
    conflict: object = None

    @property
    def key(self):
        return self.row.family.id


class RegisterForm(Form):
    """CSRF for the whole register; the rows are read by hand because they vary per session."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_errors = []

    def error_list(self):
        return super().error_list() + self.row_errors

    @property
    def errors(self):
        return {**super().errors, **dict(self.row_errors)}


def lines_from_rows(rows):
    return [RegisterLine(r, r.status.value if r.status else "", r.version,
                         r.status.value if r.status else "") for r in rows]


def named_enrolment_ids(formdata):
    """The enrolment ids the form's rows name (status-<id>), for checking they belong here."""
    named = {name.split("-", 1)[1] for name in formdata if name.startswith("status-")}
    return {int(n) for n in named if n.isdigit() and len(n) < 12}


def read_lines(form, formdata, session, rows):
    """Each row as she left it; unknown statuses, and attended or did not attend before the
    session has started, become errors next to that row (the refused choice is not kept)."""
    lines = []
    for row in rows:
        key = row.family.id
        was = formdata.get(f"was-{key}", "")
        line = RegisterLine(row, formdata.get(f"status-{key}", ""),
                            parse_version(formdata.get(f"version-{key}")), was)
        line.error = row_error(session, line)
        if line.error:
            line.chosen = "" if line.chosen not in {s.value for s in AttendanceStatus} else was
            form.row_errors.append((f"status-{key}-attended", line.error))
        lines.append(line)
    return lines


def row_error(session, line):
    """What is wrong with the choice on one row, or ""."""
    name = line.row.family.name
    if not line.chosen or line.chosen == line.was:
        return ""
    if line.chosen not in {s.value for s in REGISTER_CHOICES}:
        return _("Choose attended, apologies or did not attend for %(name)s.", name=name)
    if not may_mark(session, line.chosen):
        return too_early(session, name)
    return ""


def too_early(session, name):
    return _("The session has not started yet: %(name)s can be marked attended or did not "
             "attend from %(time)s on %(date)s. Apologies can be given now.",
             name=name, time=london_time(session.starts_at), date=london_date(session.starts_at))


def changed_lines(lines):
    """Only the rows she changed are saved: an untouched row never overwrites anyone."""
    return [line for line in lines if line.chosen and line.chosen != line.was]


class ChangeAttendanceForm(Form):
    status = RadioField(
        _l("What happened?"),
        choices=[SelectChoice(s.value, STATUS_LABELS[s]) for s in AttendanceStatus],
        validators=[InputRequired(_l("Choose what happened."))],
    )
    reason = TextAreaField(
        _l("Why are you changing it? (optional)"),
        validators=[Length(max=MAX_REASON_LENGTH, message=_l(
            "Write %(max)d characters or fewer.", max=MAX_REASON_LENGTH))],
    )
    version = HiddenField()

    def __init__(self, *args, session=None, name="", **kwargs):
        super().__init__(*args, **kwargs)
        self.session, self.name = session, name

    def validate_status(self, field):
        if field.data and not may_mark(self.session, field.data):
            raise ValidationError(too_early(self.session, self.name))


def saved_message(lines):
    """The register as saved, counted from this request's rows (no second look-up): a row she
    changed is what she chose, the others as read just before saving."""
    changed = {line.key for line in changed_lines(lines)}
    counts = Counter(AttendanceStatus(line.chosen) if line.key in changed else line.row.status
                     for line in lines)
    return _("Register saved. Attended: %(attended)d. Apologies: %(apologies)d. "
             "Did not attend: %(dna)d. Not marked yet: %(unmarked)d.",
             attended=counts[AttendanceStatus.ATTENDED],
             apologies=counts[AttendanceStatus.CANCELLED_BY_PARENT],
             dna=counts[AttendanceStatus.DID_NOT_ATTEND], unmarked=counts[None])
