"""Which groups a member of staff runs, as admins set it; the account changes themselves are
auth/accounts.py's. Services flush; the views commit."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from pairs_group.audit.service import record
from pairs_group.auth import accounts
from pairs_group.db import db
from pairs_group.groups.models import Group, GroupStatus


def groups_to_offer(user=None):
    """Groups a person can be given: every group not finished, and those they run already."""
    query = (sa.select(Group).options(selectinload(Group.facilitators))
             .order_by(Group.first_session_at, Group.name))
    groups = db.session.scalars(query).all()
    return [g for g in groups if g.status != GroupStatus.FINISHED
            or (user is not None and user in g.facilitators)]


def groups_run_by(user):
    return [group for group in groups_to_offer(user) if user in group.facilitators]


def set_groups(user, group_ids):
    """Name the person on exactly these groups (of those offered); audited when it changes."""
    wanted = set(group_ids)
    added, removed = [], []
    for group in groups_to_offer(user):
        runs = user in group.facilitators
        if group.id in wanted and not runs:
            group.facilitators.append(user)
            added.append(group.id)
        elif group.id not in wanted and runs:
            group.facilitators.remove(user)
            removed.append(group.id)
    if added or removed:
        record("staff.groups_change", user, added=added, removed=removed)
    return bool(added or removed)


def add_person(email, name, role, group_ids):
    """A new member of staff on these groups, and the set-up link to pass on to them."""
    user, link = accounts.add_staff(email, name, role)
    set_groups(user, group_ids)
    return user, link


def change_role_and_groups(user, role, group_ids):
    """True when anything changed; AccountError (nothing changed) for the last admin."""
    changed = accounts.set_role(user, role)
    return set_groups(user, group_ids) or changed
