"""Deleting a parent's account: her personal data goes; attendance and scores stay, without
anything that names her, only if she agreed to their use for evaluation.

First her places end, as if she had left each group: a place she held (or an offer held for
her) goes to the next parent waiting, her waiting-list entries go, and so do her marks for
sessions not yet started, so no nameless row stays on a register. Her past attendance stays,
counted in the reports as a withdrawn enrolment's.

Other features take part without this module knowing them:
- a table hanging from the parent (by foreign keys) is deleted, unless its Table.info says
  {"erasure": "keep_anonymised"}; columns with Column.info {"personal": True} are blanked then;
- ERASURE_HOOKS (parent, keep_anonymised) run first, for anything foreign keys cannot find;
- EVALUATION_CONSENT_CHECKS (parent -> bool) say whether she agreed to evaluation use.
"""

import sqlalchemy as sa

from pairs_group.account import data, settings
from pairs_group.account.models import SignInCode
from pairs_group.attendance.models import Attendance
from pairs_group.audit.service import record
from pairs_group.db import db, utcnow
from pairs_group.groups.models import GroupSession, GroupStatus
from pairs_group.parents.models import EnrolmentStatus, Parent
from pairs_group.parents.places import withdraw_enrolment
from pairs_group.sms.models import OutboxMessage

# Kept (anonymised) when she agreed to evaluation use; a feature can add its tables by info.
KEEP_ANONYMISED = {"dyad", "enrolment", "attendance", "questionnaire_response",
                   "questionnaire_score", "consent"}
# Free text that could name her or others, blanked on rows that are kept.
BLANK_WHEN_KEPT = {"attendance": {"reason": ""}, "baby": {"name": ""}}
ERASURE_HOOKS = []
EVALUATION_CONSENT_CHECKS = []


def register_erasure_hook(hook):
    ERASURE_HOOKS.append(hook)
    return hook


def register_evaluation_consent_check(check):
    EVALUATION_CONSENT_CHECKS.append(check)
    return check


def agreed_to_evaluation(parent):
    return settings.agreed_to_evaluation(parent) or any(
        check(parent) for check in EVALUATION_CONSENT_CHECKS)


def _kept(table):
    return table.name in KEEP_ANONYMISED or table.info.get("erasure") == "keep_anonymised"


def _blanks(table):
    blanks = dict(BLANK_WHEN_KEPT.get(table.name, {}))
    blanks.update({c.name: None if c.nullable else "" for c in table.columns
                   if c.info.get("personal")})
    return blanks


def _erase_rows(name, rows, keep):
    table = db.metadata.tables[name]
    ids = [row["id"] for row in rows]
    if keep and _kept(table):
        if _blanks(table):
            db.session.execute(sa.update(table).where(table.c.id.in_(ids)).values(_blanks(table)))
        return len(ids), 0
    db.session.execute(sa.delete(table).where(table.c.id.in_(ids)))
    return 0, len(ids)


def _scrub_parent(parent):
    """Her row stays only as the anchor of anonymised records: nothing in it names her."""
    parent.name, parent.mobile, parent.email = "", f"erased-{parent.id}", None
    parent.postcode, parent.interpreter_language, parent.access_needs = "", "", ""
    parent.sms_opted_out_at, parent.discreet_sms = utcnow(), True


def _scrub_babies(found):
    ids = [row["id"] for row in found.get("baby", [])]
    if ids:
        db.session.execute(sa.update(db.metadata.tables["baby"]).where(
            db.metadata.tables["baby"].c.id.in_(ids)).values(
            name="", date_of_birth=None, due_date=None))


def _in_erasure_order(found):
    """Rows that point at others go first (the tables' dependency order, reversed)."""
    return [t.name for t in reversed(db.metadata.sorted_tables)
            if t.name in found and t.name not in ("parent", "baby")]


def end_places(parent, now=None):
    """Every group she is in or waiting for lets her go; returns the offers made to others."""
    now, offers = now or utcnow(), []
    for enrolment in [e for d in parent.dyads for e in d.enrolments if _still_to_come(e, now)]:
        waiting = enrolment.status == EnrolmentStatus.WAITING
        offers += withdraw_enrolment(enrolment, now)
        record("enrolment.withdraw", enrolment, by="erasure")
        _forget_future_marks(enrolment, now)
        if waiting:
            db.session.delete(enrolment)  # its offers and overrides go with it (ON DELETE)
    db.session.flush()
    return offers


def _still_to_come(enrolment, now):
    """A waiting-list entry, or a place in a group not yet over (a finished group's enrolment
    stays as it was: she did take part)."""
    if enrolment.status == EnrolmentStatus.WAITING:
        return True
    group = enrolment.group
    over = group.status == GroupStatus.FINISHED or (
        group.finished_at is not None and group.finished_at <= now)
    return enrolment.status == EnrolmentStatus.ENROLLED and not over


def _forget_future_marks(enrolment, now):
    """Her "can't come" for a session not yet started is no fact about the past."""
    future = sa.select(GroupSession.id).where(GroupSession.starts_at > now)
    db.session.execute(sa.delete(Attendance).where(
        Attendance.enrolment_id == enrolment.id, Attendance.session_id.in_(future)))


def erase_parent(parent, keep_anonymised=None):
    """Erase her account; returns {"kept": n, "deleted": n}. The caller commits."""
    keep = agreed_to_evaluation(parent) if keep_anonymised is None else keep_anonymised
    end_places(parent)
    for hook in ERASURE_HOOKS:
        hook(parent, keep)
    db.session.flush()
    found, kept, deleted = data.collect(parent), 0, 0
    # Codes and texts to her number that were never linked to her row (a new number's code).
    db.session.execute(sa.delete(SignInCode).where(SignInCode.mobile == parent.mobile))
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.to == parent.mobile))
    for name in _in_erasure_order(found):
        k, d = _erase_rows(name, found[name], keep)
        kept, deleted = kept + k, deleted + d
    kept_dyads = keep and bool(found.get("dyad"))
    record("account.delete", parent, kept_anonymised=bool(kept_dyads), rows_kept=kept,
           rows_deleted=deleted)
    _finish_babies_and_parent(parent, found, kept_dyads)
    return {"kept": kept, "deleted": deleted}


def _finish_babies_and_parent(parent, found, kept_dyads):
    if kept_dyads:
        _scrub_babies(found)
        _scrub_parent(parent)
        return
    baby_ids = [row["id"] for row in found.get("baby", [])]
    parent_table, baby_table = Parent.__table__, db.metadata.tables["baby"]
    db.session.execute(sa.delete(parent_table).where(parent_table.c.id == parent.id))
    if baby_ids:
        db.session.execute(sa.delete(baby_table).where(baby_table.c.id.in_(baby_ids)))
    db.session.expunge(parent)
