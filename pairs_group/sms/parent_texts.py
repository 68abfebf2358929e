"""Texts about a parent's place in a group: the welcome when she gets one, the offer of a
free place with a link to take it, and "you are already signed up" when someone signs up
with her number again. The parents feature announces these with blinker signals (it sits
below SMS and cannot call it); this module turns them into texts."""

from flask_babel import gettext as _

from pairs_group.auth.links import absolute_url, short_link_url
from pairs_group.db import db, utcnow
from pairs_group.parents import places, service
from pairs_group.parents.models import OfferStatus, WaitingListOffer
from pairs_group.sms.messages import (
    EXAMPLE_LINK,
    EXAMPLE_VENUE,
    MessageKind,
    register,
    weekday,
)
from pairs_group.sms.service import queue_sms, send_soon
from pairs_group.times import london_today


def _waiting_list_offer(context):
    if context.get("discreet"):
        return _("A place is free for you. Answer within %(hours)d hours: %(link)s",
                 hours=context["hours"], link=context["link"])
    return _("A place is free for you at Together Time, %(venue)s. Take it or say no within "
             "%(hours)d hours: %(link)s", venue=context["venue"], hours=context["hours"],
             link=context["link"])


def _on_the_waiting_list(context):
    day = weekday(context["starts_at"])
    if context.get("discreet"):
        return _("You are on the waiting list for %(venue)s, %(day)s. We will text you when a "
                 "place is free.", venue=context["venue"], day=day)
    return _("Together Time: you are on the waiting list for %(venue)s, %(day)s. We will text "
             "you when a place is free.", venue=context["venue"], day=day)


register(MessageKind(
    "waiting_list_joined", _on_the_waiting_list, example={
        "venue": EXAMPLE_VENUE, "starts_at": "2027-09-28T09:00:00+00:00"},
    description="When she joins a full group's waiting list"))


def _offer_still_open(message):
    offer = db.session.get(WaitingListOffer, message.context.get("offer_id") or 0)
    return offer is not None and offer.status == OfferStatus.OPEN


register(MessageKind(
    "waiting_list_offer", _waiting_list_offer, example={
        "venue": EXAMPLE_VENUE, "hours": 48, "offer_id": 1, "link": EXAMPLE_LINK},
    still_wanted=_offer_still_open, description="When a place frees up for her"))


def _already_signed_up(context):
    if context.get("discreet"):
        return _("You are already signed up with this number, so we did not sign you up "
                 "again. To see your details, sign in: %(link)s", link=context["link"])
    return _("You are already signed up to Together Time with this number, so we did not "
             "sign you up again. To see your group, sign in: %(link)s", link=context["link"])


register(MessageKind(
    "already_signed_up", _already_signed_up,
    example={"link": "https://together.pairs.example.nhs.uk/sign-in?lang=pt"},
    # Not her choice of texts but news about her account (as a code is); STOP still stops it.
    needs_consent=False,
    description="When someone signs up again with her number (at most once a day)"))


def text_already_signed_up(parent, **_extra):
    """Tell her, in her language, that her number is already signed up and how to sign in:
    the sign-up pages themselves never say so. One a day at most, whoever keeps trying."""
    key = f"already_signed_up:{parent.id}:{london_today(utcnow()).isoformat()}"
    link = absolute_url("account.sign_in", lang=parent.language)
    message = queue_sms("already_signed_up", key, parent=parent, context={"link": link})
    send_soon(message)
    return message


def _calendar_link(context):
    if context.get("discreet"):
        return _("To add the meetings to your phone's calendar, open: %(link)s",
                 link=context["link"])
    return _("To add your Together Time sessions to your phone's calendar, open: %(link)s",
             link=context["link"])


register(MessageKind(
    "calendar_link", _calendar_link, example={"link": EXAMPLE_LINK},
    description="Just after the welcome: a link to add her sessions to her calendar"))


def send_welcome(enrolment, **_extra):
    """Her welcome text, in her language, sent as soon as the request is over (the caller
    commits it; outside a request the dispatcher sends it), then a link to put the sessions in
    her phone's calendar (a text of its own: with the link the welcome would not fit in 2
    segments in every language)."""
    parent, group = enrolment.dyad.parent, enrolment.group
    first = places.first_session(group)
    if first is None:
        return None
    message = queue_sms("welcome", f"welcome:{enrolment.id}", parent=parent, context={
        "name": parent.first_name, "starts_at": first.starts_at.isoformat(),
        "venue": first.venue.name})
    send_soon(message)
    link = short_link_url(parent, "calendar")
    send_soon(queue_sms("calendar_link", f"calendar:{enrolment.id}", parent=parent,
                        context={"link": link}))
    return message


def text_waiting_list(enrolment, **_extra):
    """She is on a full group's waiting list: say so, and what happens next."""
    group = enrolment.group
    message = queue_sms("waiting_list_joined", f"waiting:{enrolment.id}",
                        parent=enrolment.dyad.parent, context={
                            "venue": group.venue.name,
                            "starts_at": group.first_session_at.isoformat()})
    send_soon(message)
    return message


def queue_offer(offer, **_extra):
    """Store the offer's text with the offer; send it once the request has committed."""
    parent = offer.enrolment.dyad.parent
    message = queue_sms("waiting_list_offer", f"offer:{offer.id}", parent=parent, context={
        "venue": offer.enrolment.group.venue.name,
        "hours": places.offer_hours(), "offer_id": offer.id, "link": places.offer_link(offer)})
    send_soon(message)
    return message


def init_app(app):
    places.place_taken.connect(send_welcome, weak=False)
    places.place_offered.connect(queue_offer, weak=False)
    places.joined_waiting_list.connect(text_waiting_list, weak=False)
    service.number_signed_up_again.connect(text_already_signed_up, weak=False)
