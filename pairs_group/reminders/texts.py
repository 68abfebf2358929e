"""The words of reminders and session-change texts (rendered at send time in her language)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.groups.models import GroupSession, SessionStatus
from pairs_group.parents.models import Enrolment, EnrolmentStatus
from pairs_group.sms.messages import EXAMPLE_VENUE, MessageKind, register, when

EXAMPLE = {"starts_at": "2027-09-27T12:30:00+00:00", "venue": EXAMPLE_VENUE,
           "session_id": 1, "enrolment_id": 1}


def _reminder(context):
    if context.get("discreet"):
        return _("See you %(when)s at %(venue)s. Reply 2 if you can't come.",
                 when=when(context["starts_at"]), venue=context["venue"])
    return _("Together Time: see you %(when)s at %(venue)s. Reply 2 if you can't come.",
             when=when(context["starts_at"]), venue=context["venue"])


def _cancelled(context):
    if context.get("discreet"):
        return with_note(_("Sorry, the meeting on %(when)s is cancelled. We will text you about "
                           "the next one.", when=when(context["starts_at"])), context)
    return with_note(_("Sorry, Together Time on %(when)s is cancelled. We will text you about "
                       "the next one.", when=when(context["starts_at"])), context)


def _moved(context):
    if context.get("discreet"):
        return with_note(_("Change: the meeting is now %(when)s at %(venue)s. Reply 2 if you "
                           "can't come.", when=when(context["starts_at"]),
                           venue=context["venue"]), context)
    return with_note(_("Change: Together Time is now %(when)s at %(venue)s. Reply 2 if you "
                       "can't come.", when=when(context["starts_at"]), venue=context["venue"]),
                     context)


def clean_note(note):
    """A note as it goes in a text: one line, spaces squeezed."""
    return " ".join((note or "").split())


def with_note(text, context):
    """The text, then the note staff wrote for parents, quoted as their own words (it is not
    translated)."""
    note = clean_note(context.get("note"))
    if not note:
        return text
    return f"{text} " + _('From the team: "%(note)s"', note=note)


def _cant_come_thanks(context):
    return _("Thank you for telling us. We hope to see you next time.")


def reminder_still_wanted(message):
    """At send time: the session is still on, at the same time, and she is still coming."""
    return message.id in reminders_still_wanted([message])


def reminders_still_wanted(messages):
    """The ids of reminders still wanted, looked up for many at once."""
    session_ids = {m.context.get("session_id") for m in messages}
    sessions = {s.id: s for s in db.session.scalars(
        sa.select(GroupSession).where(GroupSession.id.in_(session_ids)))}
    enrolments = {e.id: e for e in db.session.scalars(sa.select(Enrolment).where(
        Enrolment.id.in_({m.context.get("enrolment_id") for m in messages})))}
    not_coming = set(db.session.execute(
        sa.select(Attendance.enrolment_id, Attendance.session_id).where(
            Attendance.session_id.in_(session_ids),
            Attendance.status == AttendanceStatus.CANCELLED_BY_PARENT)).all())
    now = utcnow()
    return {m.id for m in messages if _wanted(
        m, sessions.get(m.context.get("session_id")),
        enrolments.get(m.context.get("enrolment_id")), not_coming, now)}


def _wanted(message, session, enrolment, not_coming, now):
    if session is None or enrolment is None or session.status == SessionStatus.CANCELLED:
        return False
    if session.starts_at.isoformat() != message.context.get("starts_at"):
        return False  # moved since: the session_moved text told her
    if session.starts_at <= now or enrolment.status != EnrolmentStatus.ENROLLED:
        return False
    return (enrolment.id, session.id) not in not_coming


def change_still_wanted(message):
    """A change text is stale once the session has started, she has left the group, or the
    session has changed again (the newer text says what holds now)."""
    session = db.session.get(GroupSession, message.context.get("session_id"))
    enrolment = db.session.get(Enrolment, message.context.get("enrolment_id"))
    if session is None or enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED:
        return False
    if message.context.get("change", session.change_number) != session.change_number:
        return False
    if message.kind == "session_moved" and (
            session.starts_at.isoformat() != message.context.get("starts_at")):
        return False
    return session.starts_at > utcnow()


register(MessageKind("reminder", _reminder, example=EXAMPLE, still_wanted=reminder_still_wanted,
                     still_wanted_many=reminders_still_wanted,
                     description="Before each session, at the group's reminder times"))
register(MessageKind("session_cancelled", _cancelled, example=EXAMPLE,
                     still_wanted=change_still_wanted, description="When staff cancel a session"))
register(MessageKind("session_moved", _moved, example=EXAMPLE, still_wanted=change_still_wanted,
                     description="When staff move a session"))
register(MessageKind("cant_come_thanks", _cant_come_thanks, example={}, urgent=True,
                     description="When she replies 2 to say she can't come"))
