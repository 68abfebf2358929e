"""Which reminders are due, queueing them once each, texts about changed sessions, and the
"2" reply that means she can't come."""

from dataclasses import dataclass
from datetime import time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from pairs_group.attendance.models import AttendanceStatus
from pairs_group.attendance.service import StaleAttendance, current_mark, mark_attendance
from pairs_group.audit.service import record
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupSession, SessionStatus
from pairs_group.parents.consents import sms_allowed
from pairs_group.parents.models import Dyad, Enrolment, EnrolmentStatus
from pairs_group.reminders import texts  # noqa: F401 - registers the reminder kinds
from pairs_group.reminders.models import DEFAULT_OFFSETS, MAX_DAYS_BEFORE, ReminderOffset
from pairs_group.sms.inbound import last_text_to
from pairs_group.sms.models import InboundAction, OutboxMessage
from pairs_group.sms.service import queue_many, queue_sms, send_soon
from pairs_group.times import in_london, london_moment

URGENT_WITHIN = timedelta(hours=12)  # a change this close to the session is sent even at night
# "2", or two in words in each shipped language (as sms.inbound.normalise leaves them: upper
# case, no accents or hamza marks; digits of any script are already "2").
CANT_COME_REPLIES = {
    "2", "TWO", "DOIS", "DUAS", "DOS", "DWA", "DWIE", "DWOJKA", "DEUX", "LABA",
    "اثنان", "اثنين", "اتنين", "اثنتان", "اثنتين",
}
REPLY_WINDOW = timedelta(days=7)  # "2" counts as an answer to a text sent this recently


@dataclass(frozen=True)
class Offset:
    days_before: int
    at: time

    @property
    def label(self):
        return f"{self.days_before}d{self.at:%H%M}"

    def due_at(self, session):
        day = in_london(session.starts_at).date() - timedelta(days=self.days_before)
        return london_moment(day, self.at)


@dataclass(frozen=True)
class DueReminder:
    session: GroupSession
    enrolment: Enrolment
    offset: Offset

    @property
    def key(self):
        return (f"reminder:{self.offset.label}:{self.session.id}:{self.enrolment.id}:"
                f"{self.session.starts_at:%Y%m%d%H%M}")

    @property
    def parent(self):
        return self.enrolment.dyad.parent


# --- offsets -----------------------------------------------------------------------------------

def offsets_for(group_id, stored=None):
    """The group's reminder times, or the defaults when it has none of its own."""
    rows = stored.get(group_id) if stored is not None else db.session.scalars(
        sa.select(ReminderOffset).where(ReminderOffset.group_id == group_id)).all()
    if not rows:
        return [Offset(days, at) for days, at in DEFAULT_OFFSETS]
    return sorted((Offset(r.days_before, r.at_time) for r in rows),
                  key=lambda o: (-o.days_before, o.at))


def set_offsets(group, pairs):
    """Replace a group's reminder times with (days_before, time) pairs (audited; the caller
    commits)."""
    db.session.execute(sa.delete(ReminderOffset).where(ReminderOffset.group_id == group.id))
    for days, at in sorted(set(pairs)):
        db.session.add(ReminderOffset(group_id=group.id, days_before=days, at_time=at))
    db.session.flush()
    record("reminders.change_times", group, times=[f"{days}d {at:%H:%M}" for days, at in pairs])


def stored_offsets():
    found = {}
    for row in db.session.scalars(sa.select(ReminderOffset)):
        found.setdefault(row.group_id, []).append(row)
    return found


# --- what is due -------------------------------------------------------------------------------

def latest_due_offset(session, offsets, now):
    """The most recent reminder time already passed for this session (earlier ones are stale:
    if the cron stopped for a while she gets one reminder, not a burst)."""
    passed = [o for o in offsets if o.due_at(session) <= now]
    return max(passed, key=lambda o: o.due_at(session)) if passed else None


def upcoming_sessions(now):
    return db.session.scalars(
        sa.select(GroupSession).join(Group)
        .where(GroupSession.status != SessionStatus.CANCELLED, GroupSession.starts_at > now,
               GroupSession.starts_at <= now + timedelta(days=MAX_DAYS_BEFORE + 1))
        .options(joinedload(GroupSession.group)).order_by(GroupSession.starts_at)).all()


def enrolments_in(group_ids):
    rows = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.group_id.in_(group_ids),
                                   Enrolment.status == EnrolmentStatus.ENROLLED)
        .options(joinedload(Enrolment.dyad).joinedload(Dyad.parent))).all()
    found = {}
    for enrolment in rows:
        found.setdefault(enrolment.group_id, []).append(enrolment)
    return found


def cancelled_by_parent(session_ids):
    """(enrolment id, session id) pairs where she told us she can't come."""
    from pairs_group.attendance.models import Attendance

    if not session_ids:
        return set()
    return set(db.session.execute(sa.select(Attendance.enrolment_id, Attendance.session_id).where(
        Attendance.session_id.in_(session_ids),
        Attendance.status == AttendanceStatus.CANCELLED_BY_PARENT)).all())


def may_remind(enrolment, due_at, allowed):
    """Not opted out (in the app or at the provider), agreed to texts (her id in `allowed`, from
    sms_allowed), and enrolled before the reminder fell due (a reminder that fell due before she
    joined is stale)."""
    parent = enrolment.dyad.parent
    joined = enrolment.enrolled_at or enrolment.created_at
    if parent.sms_opted_out_at or parent.sms_carrier_blocked_at or (joined and joined > due_at):
        return False
    return parent.id in allowed


def due_reminders(now):
    """Every reminder that should have been queued by `now` for a session still to come."""
    sessions = upcoming_sessions(now)
    stored = stored_offsets()
    by_group = enrolments_in({s.group_id for s in sessions})
    not_coming = cancelled_by_parent([s.id for s in sessions])
    allowed = sms_allowed({e.dyad.parent_id for found in by_group.values() for e in found})
    due = []
    for session in sessions:
        offset = latest_due_offset(session, offsets_for(session.group_id, stored), now)
        if offset is None:
            continue
        for enrolment in by_group.get(session.group_id, []):
            if (enrolment.id, session.id) not in not_coming and may_remind(
                    enrolment, offset.due_at(session), allowed):
                due.append(DueReminder(session, enrolment, offset))
    return due


def reminder_context(session, enrolment):
    return {"starts_at": session.starts_at.isoformat(), "venue": session.venue.name,
            "session_id": session.id, "enrolment_id": enrolment.id,
            "group_id": session.group_id}


def existing_keys(keys):
    keys, found = list(keys), set()
    for start in range(0, len(keys), 500):
        found.update(db.session.scalars(sa.select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.in_(keys[start:start + 500]))))
    return found


def not_yet_queued(reminders):
    seen = existing_keys(r.key for r in reminders)
    return [r for r in reminders if r.key not in seen]


def queue_reminders(now, reminders, chunk=500):
    """Queue reminders not yet queued (their keys make a second copy impossible), a chunk at a
    time: yields each chunk's size once it is flushed, and the caller commits it before the
    next (a long run holds no lock for long)."""
    for start in range(0, len(reminders), chunk):
        part = reminders[start:start + chunk]
        queue_many([{"kind": "reminder", "key": r.key, "parent": r.parent, "session": r.session,
                     "context": reminder_context(r.session, r.enrolment), "send_after": now}
                    for r in part])
        db.session.flush()
        yield len(part)


# --- session changes ---------------------------------------------------------------------------

def on_session_changed(session, change, **_extra):
    """Listener for groups.service.session_changed: text every enrolled parent at once."""
    if change not in ("cancelled", "moved"):
        return
    kind = f"session_{change}"
    urgent = session.starts_at - utcnow() <= URGENT_WITHIN
    for enrolment in enrolments_in([session.group_id]).get(session.group_id, []):
        # Keyed by the change, not the new time: a move back to an earlier time is told too.
        key = f"{kind}:{session.id}:{enrolment.id}:change-{session.change_number}"
        message = queue_sms(kind, key, parent=enrolment.dyad.parent, session=session,
                            urgent=urgent, context=change_context(session, enrolment))
        send_soon(message)


def change_context(session, enrolment):
    """A change text's context: which change it tells, and the note staff wrote for parents."""
    return {**reminder_context(session, enrolment), "change": session.change_number,
            "note": session.note or ""}


# --- "2": she can't come -----------------------------------------------------------------------

def next_session_for(parent, message, now):
    """The session her "2" is about: the one in the text she answers, else her next one."""
    session = db.session.get(GroupSession, message.session_id) if message.session_id else None
    if session is not None and session.starts_at > now and not session.is_cancelled:
        enrolment_id = message.context.get("enrolment_id")
        enrolment = db.session.get(Enrolment, enrolment_id) if enrolment_id else None
        if enrolment is not None:
            return session, enrolment
    return None, None


def on_reply(parent, text, inbound, **_extra):
    """Listener for sms.inbound.reply_received: "2" after a reminder marks her as not coming."""
    if text not in CANT_COME_REPLIES:
        return None
    now = utcnow()
    message = last_text_to(parent, ("reminder", "session_moved"))
    if message is None or message.sent_at is None or now - message.sent_at > REPLY_WINDOW:
        return None
    session, enrolment = next_session_for(parent, message, now)
    if session is None:
        return None
    mark_cant_come(session, enrolment)
    thanks = queue_sms("cant_come_thanks", f"cant_come_thanks:{inbound.id}", parent=parent)
    send_soon(thanks)
    return InboundAction.CANT_COME


def mark_cant_come(session, enrolment):
    for _attempt in range(2):  # a facilitator may be saving the register at the same moment
        current = current_mark(session, enrolment)
        if current is not None and current.status == AttendanceStatus.CANCELLED_BY_PARENT:
            return current
        try:
            return mark_attendance(session, enrolment, AttendanceStatus.CANCELLED_BY_PARENT,
                                   expected_version=current.version if current else 0,
                                   reason="Replied 2 to a text")
        except StaleAttendance:
            continue
    return None
