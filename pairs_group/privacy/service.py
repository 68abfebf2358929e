"""Retention: find parents whose groups all finished longer ago than the retention period, and
erase them through the very code a parent uses to delete her own account."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from pairs_group.account.erasure import erase_parent
from pairs_group.audit.service import record
from pairs_group.db import db
from pairs_group.parents.models import Parent

DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class Due:
    """A parent past the retention period, and since when her data has been unneeded."""

    parent_id: int
    pseudonyms: tuple
    since: datetime


def retention_cutoff(now, months):
    return now - timedelta(days=round(months * DAYS_PER_MONTH))


def last_needed(parent):
    """When her data was last needed: the end of her latest group, or when she signed up if
    she never got a place (None while a group of hers has yet to finish)."""
    ends = [e.group.finished_at for dyad in parent.dyads for e in dyad.enrolments]
    if any(end is None for end in ends):
        return None
    return max(ends, default=parent.created_at)


def is_erased(parent):
    return parent.mobile.startswith("erased-")


def find_due(now, months):
    """Every parent past the retention period, oldest first."""
    cutoff, found = retention_cutoff(now, months), []
    for parent in db.session.scalars(sa.select(Parent).order_by(Parent.id)):
        since = last_needed(parent)
        if since is not None and since < cutoff and not is_erased(parent):
            found.append(Due(parent.id, tuple(d.pseudonym for d in parent.dyads), since))
    return sorted(found, key=lambda due: due.since)


def apply_retention(now, months):
    """Erase everyone past the period, one parent at a time: yields (due, result) after each
    parent's erasure is flushed, and the caller commits it before taking the next (so a long
    run holds no lock for long, and one failure undoes no one else's)."""
    for due in find_due(now, months):
        parent = db.session.get(Parent, due.parent_id)
        result = erase_parent(parent)
        record("privacy.retention_erase", None, parent_id=due.parent_id,
               months=months, **result)
        db.session.flush()
        yield due, result
