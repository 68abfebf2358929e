"""Places in groups: counting them, taking one safely, the waiting list and offers of a place.

A place is taken by an enrolled dyad or held by an open offer. Taking one always locks the
group's row first, so two parents can never take the last place at the same moment.
"""

from datetime import timedelta

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app
from sqlalchemy.orm import selectinload

from pairs_group.audit.service import record
from pairs_group.auth.links import shorten
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupStatus
from pairs_group.parents.models import (
    Enrolment,
    EnrolmentStatus,
    OfferStatus,
    WaitingListOffer,
)
from pairs_group.tokens import make_token

signals = Namespace()
# Sent with (enrolment) AFTER the commit that gave a parent her place (announce_place_taken);
# the SMS feature sends the welcome text at once.
place_taken = signals.signal("place-taken")
# Sent with (enrolment) inside the transaction that gives her the place; the attendance feature
# stores her "cancelled by us" at the group's sessions already called off, as the cancel did
# for everyone enrolled then.
place_given = signals.signal("place-given")
# Sent with (offer) inside the transaction that makes the offer; the SMS feature queues the
# text with the link, so an offer and its text are stored together or not at all.
place_offered = signals.signal("place-offered")
# Sent with (enrolment) AFTER the commit that put a parent on a full group's waiting list; the
# SMS feature texts her that she is on it and what happens next.
joined_waiting_list = signals.signal("joined-waiting-list")

MAX_OFFERS_AT_ONCE = 200


class GroupFull(Exception):
    """The group has no free place (someone may have just taken the last one)."""


class OfferClosed(Exception):
    """The offer was already answered, or it has expired."""


MAX_ID = 2**31 - 1  # PostgreSQL integer: a larger id from a tampered form is simply not found


def get_row(model, row_id):
    """The row with this id, or None for anything that is not a plausible id."""
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id <= MAX_ID:
        return None
    return db.session.get(model, row_id)


def lock_group(group_id):
    """Hold the group's row until commit, so places are counted and taken one at a time.

    An UPDATE rather than SELECT ... FOR UPDATE: it locks the row on PostgreSQL and takes the
    write lock on SQLite, which ignores FOR UPDATE.
    """
    result = db.session.execute(
        sa.update(Group).where(Group.id == group_id).values(capacity=Group.capacity)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def places_taken(group_id, *, except_offer_id=None):
    enrolled = sa.select(sa.func.count()).select_from(Enrolment).where(
        Enrolment.group_id == group_id, Enrolment.status == EnrolmentStatus.ENROLLED)
    held = (sa.select(sa.func.count()).select_from(WaitingListOffer)
            .join(Enrolment, WaitingListOffer.enrolment_id == Enrolment.id)
            .where(Enrolment.group_id == group_id, WaitingListOffer.status == OfferStatus.OPEN))
    if except_offer_id is not None:
        held = held.where(WaitingListOffer.id != except_offer_id)
    return db.session.scalar(enrolled) + db.session.scalar(held)


def places_left(group):
    return max(0, group.capacity - places_taken(group.id))


def take_place(enrolment, *, except_offer_id=None):
    """Enrol a dyad if the group (already locked) has room; GroupFull if not."""
    group = db.session.get(Group, enrolment.group_id)
    if places_taken(group.id, except_offer_id=except_offer_id) >= group.capacity:
        raise GroupFull(group.id)
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.enrolled_at = utcnow()
    place_given.send(enrolment)
    return enrolment


def enrol_from_waiting_list(enrolment):
    """Staff give a waiting parent a place now (audited; the caller commits)."""
    lock_group(enrolment.group_id)
    held = open_offer(enrolment)  # a place already held for her is hers to take
    take_place(enrolment, except_offer_id=held.id if held else None)
    _close_open_offers(enrolment, OfferStatus.ACCEPTED)
    db.session.flush()
    record("parents.enrol_from_waiting_list", enrolment)
    return enrolment


def announce_place_taken(enrolment):
    """Call after committing a new place (or a place on the waiting list): listeners queue her
    welcome text (or the waiting-list one), which the caller commits (sent after the response)."""
    if enrolment.status == EnrolmentStatus.ENROLLED:
        place_taken.send(enrolment)
    elif enrolment.status == EnrolmentStatus.WAITING:
        joined_waiting_list.send(enrolment)


def waiting_list(group_id):
    """Waiting enrolments, first come first served."""
    return db.session.scalars(
        sa.select(Enrolment).where(Enrolment.group_id == group_id,
                                   Enrolment.status == EnrolmentStatus.WAITING)
        .order_by(Enrolment.created_at, Enrolment.id)).all()


def open_offer(enrolment):
    return db.session.scalar(sa.select(WaitingListOffer).where(
        WaitingListOffer.enrolment_id == enrolment.id,
        WaitingListOffer.status == OfferStatus.OPEN))


def ever_offered(enrolment):
    return db.session.scalar(sa.select(sa.func.count()).select_from(WaitingListOffer).where(
        WaitingListOffer.enrolment_id == enrolment.id)) > 0


def offer_hours():
    return int(current_app.config["WAITING_LIST_OFFER_HOURS"])


def offer_place(enrolment, now=None):
    """Hold a free place for one waiting parent and text her a link (the caller commits).
    Audited here, so an offer made by staff and one made by the cron leave the same event."""
    lock_group(enrolment.group_id)
    if enrolment.status != EnrolmentStatus.WAITING or open_offer(enrolment):
        raise OfferClosed(enrolment.id)
    group = db.session.get(Group, enrolment.group_id)
    if places_taken(group.id) >= group.capacity:
        raise GroupFull(group.id)
    now = now or utcnow()
    offer = WaitingListOffer(enrolment=enrolment, offered_at=now,
                             expires_at=now + timedelta(hours=offer_hours()))
    db.session.add(offer)
    db.session.flush()
    record("parents.offer_place", enrolment)
    place_offered.send(offer)
    return offer


def offer_free_places(group_id, now=None):
    """Offer every free place to the next parents waiting who have not had an offer yet."""
    lock_group(group_id)
    group = db.session.get(Group, group_id)
    if group is None or group.status == GroupStatus.FINISHED:
        return []
    offers = []
    candidates = [e for e in waiting_list(group_id) if not ever_offered(e)]
    for enrolment in candidates[:MAX_OFFERS_AT_ONCE]:
        if places_taken(group_id) >= group.capacity:
            break
        offers.append(offer_place(enrolment, now))
    return offers


def accept_offer(offer, now=None):
    """She takes the place held for her (the caller commits)."""
    lock_group(offer.enrolment.group_id)
    db.session.refresh(offer)
    if offer.status != OfferStatus.OPEN or offer.expires_at <= (now or utcnow()):
        raise OfferClosed(offer.id)
    take_place(offer.enrolment, except_offer_id=offer.id)
    offer.status, offer.answered_at = OfferStatus.ACCEPTED, now or utcnow()
    db.session.flush()
    return offer.enrolment


def decline_offer(offer, now=None):
    """She says no: she leaves this group's waiting list and the place goes to the next."""
    lock_group(offer.enrolment.group_id)
    db.session.refresh(offer)
    if offer.status != OfferStatus.OPEN:
        raise OfferClosed(offer.id)
    offer.status, offer.answered_at = OfferStatus.DECLINED, now or utcnow()
    offer.enrolment.status = EnrolmentStatus.WITHDRAWN
    offer.enrolment.ended_at = now or utcnow()
    db.session.flush()
    return offer_free_places(offer.enrolment.group_id, now)


def expire_offers(now=None):
    """Close offers past their time and offer those places to the next parents waiting."""
    now = now or utcnow()
    expired = db.session.scalars(sa.select(WaitingListOffer).where(
        WaitingListOffer.status == OfferStatus.OPEN, WaitingListOffer.expires_at <= now)
        .limit(1000)).all()
    for offer in expired:
        offer.status = OfferStatus.EXPIRED
    db.session.flush()
    groups = {offer.enrolment.group_id for offer in expired}
    return expired, [o for group_id in sorted(groups) for o in offer_free_places(group_id, now)]


def withdraw_enrolment(enrolment, now=None):
    """She leaves a group (or its waiting list); a freed place, hers or one held for her by an
    offer, is offered to the next parent."""
    held_a_place = enrolment.status == EnrolmentStatus.ENROLLED or open_offer(enrolment)
    enrolment.status, enrolment.ended_at = EnrolmentStatus.WITHDRAWN, now or utcnow()
    _close_open_offers(enrolment, OfferStatus.DECLINED)
    db.session.flush()
    return offer_free_places(enrolment.group_id, now) if held_a_place else []


def move_to_group(enrolment, group):
    """Staff move a waiting parent to another group's waiting list (audited; the caller
    commits)."""
    if enrolment.status != EnrolmentStatus.WAITING or group.id == enrolment.group_id:
        raise OfferClosed(enrolment.id)
    new = db.session.scalar(sa.select(Enrolment).where(
        Enrolment.dyad_id == enrolment.dyad_id, Enrolment.group_id == group.id))
    if new is not None and new.status in (EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED):
        raise OfferClosed(enrolment.id)
    if new is None:
        new = Enrolment(dyad_id=enrolment.dyad_id, group_id=group.id)
        db.session.add(new)
    new.status, new.created_at, new.ended_at = EnrolmentStatus.WAITING, utcnow(), None
    record("parents.move_waiting", enrolment, to_group_id=group.id)
    withdraw_enrolment(enrolment)
    db.session.flush()
    return new


def _close_open_offers(enrolment, status):
    offer = open_offer(enrolment)
    if offer is not None:
        offer.status, offer.answered_at = status, utcnow()


def open_groups(now=None):
    """Groups taking parents: open, and not started yet."""
    return db.session.scalars(
        sa.select(Group).where(Group.status == GroupStatus.OPEN,
                               Group.first_session_at > (now or utcnow()))
        .options(selectinload(Group.venue))  # each card names its venue: one query, not one each
        .order_by(Group.first_session_at)).all()


def first_session(group, now=None):
    """The group's next session that is going ahead (her first, when she joins)."""
    now = now or utcnow()
    return next((s for s in group.sessions if not s.is_cancelled and s.starts_at > now), None)


def offer_link(offer):
    """The link texted with an offer (built without a request: the cron sends offers too),
    behind a short address so the whole offer fits in 2 segments in every language."""
    parent_id = offer.enrolment.dyad.parent_id
    token = make_token(parent_id, "offer", offer=offer.id)
    path = current_app.url_map.bind("").build("parents.answer_offer", {"token": token})
    return shorten(parent_id, path, offer_hours() * 3600 + 3600)
