"""What an admin's edit of a group does to its places and its parents: said before saving
(groups.edits.group_edit_asked), and free places offered once a larger capacity is saved."""

import sqlalchemy as sa
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from pairs_group.db import db
from pairs_group.groups.edits import group_edit_asked, group_edited
from pairs_group.parents import eligibility, places
from pairs_group.parents.models import Dyad, Enrolment, EnrolmentStatus

ELIGIBILITY_FIELDS = ("postcode_areas", "min_baby_age_weeks", "max_baby_age_weeks",
                      "accepts_pregnant", "first_day")


def on_group_edit_asked(group, change, **_extra):
    """Sentences on places and eligibility for the admin to read before she saves."""
    return capacity_effects(group, change) + eligibility_effects(group, change)


def capacity_effects(group, change):
    enrolled = enrolled_count(group)
    if change.capacity < enrolled:
        return [ngettext(
            "%(num)d parent is enrolled; the new capacity is %(capacity)d: nobody is removed, "
            "the group shows as full and no waiting-list offers go.",
            "%(num)d parents are enrolled; the new capacity is %(capacity)d: nobody is "
            "removed, the group shows as full and no waiting-list offers go.",
            enrolled, capacity=change.capacity)]
    waiting = len(places.waiting_list(group.id))
    free = change.capacity - places.places_taken(group.id)
    if change.capacity > group.capacity and waiting and free > 0:
        return [ngettext(
            "%(num)d place is free: it is offered by text to the next parent on the waiting "
            "list.",
            "%(num)d places are free: they are offered by text to the next parents on the "
            "waiting list.", min(free, waiting))]
    return []


def eligibility_effects(group, change):
    """Parents enrolled who would not be eligible under the new rules (they stay)."""
    before = type(change).of(group)
    if all(getattr(before, name) == getattr(change, name) for name in ELIGIBILITY_FIELDS):
        return []
    outside = sum(1 for dyad in enrolled_dyads(group)
                  if not fits(change, dyad) and fits(before, dyad))
    if not outside:
        return []
    return [ngettext(
        "%(num)d parent enrolled would not be eligible under the new rules: she stays in the "
        "group. New sign-ups are checked against the new rules.",
        "%(num)d parents enrolled would not be eligible under the new rules: they stay in the "
        "group. New sign-ups are checked against the new rules.", outside)]


def fits(rules, dyad):
    """Whether the dyad meets these rules (a GroupChange: the same names as a Group's)."""
    baby = eligibility.Baby(date_of_birth=dyad.baby.date_of_birth, due_date=dyad.baby.due_date)
    postcode = eligibility.normalise_postcode(dyad.parent.postcode)
    if postcode is None or (baby.date_of_birth or baby.due_date) is None:
        return True  # nothing to check her against: not counted either way
    return eligibility.check_group(rules, postcode, baby, rules.first_day).eligible


def enrolled_count(group):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(
        Enrolment.group_id == group.id, Enrolment.status == EnrolmentStatus.ENROLLED))


def enrolled_dyads(group):
    return db.session.scalars(
        sa.select(Dyad).join(Enrolment).where(Enrolment.group_id == group.id,
                                              Enrolment.status == EnrolmentStatus.ENROLLED)
        .options(selectinload(Dyad.baby), selectinload(Dyad.parent))
    ).all()


def on_group_edited(group, before, **_extra):
    """More places: offer them to the parents waiting, as when a place is given up."""
    if group.capacity > before.capacity:
        places.offer_free_places(group.id)


def init_app(_app):
    group_edit_asked.connect(on_group_edit_asked)
    group_edited.connect(on_group_edited)
