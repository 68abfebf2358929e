"""Waiting lists: places offered by text with a signed link, expiring, then the next parent;
and the staff pages for the list and for walk-in parents."""

from datetime import timedelta

import sqlalchemy as sa

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db, utcnow
from pairs_group.parents import places
from pairs_group.parents.models import (
    Consent,
    EligibilityOverride,
    Enrolment,
    EnrolmentStatus,
    OfferStatus,
    Parent,
    WaitingListOffer,
)
from pairs_group.sms.models import OutboxMessage
from pairs_group.tokens import make_token
from tests import factories
from tests import parents_factories as pf
from tests.conftest import count_rows
from tests.pages import expect_redirect, get_page, post_form, post_page, url


def full_group_with_waiting(waiting=2, capacity=1):
    group = pf.open_group(capacity=capacity)
    enrolled = [factories.enrol(factories.make_dyad(mobile=pf.new_mobile()), group)
                for _ in range(capacity)]
    queue = []
    for n in range(waiting):
        enrolment = factories.enrol(factories.make_dyad(language="pt", mobile=pf.new_mobile()),
                                    group, status=EnrolmentStatus.WAITING)
        enrolment.created_at = utcnow() - timedelta(hours=10 - n)
        queue.append(enrolment)
    db.session.commit()
    return group, enrolled, queue


def offer_texts():
    return db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "waiting_list_offer").order_by(OutboxMessage.id)).all()


def link_path(client, message):
    """Where the texted short address leads: the offer's own page."""
    short = message.context["link"].removeprefix("http://localhost")
    return expect_redirect(client.get(short), "parents.answer_offer")


def test_a_freed_place_is_offered_to_the_first_parent_waiting_by_text(app):
    group, enrolled, queue = full_group_with_waiting()
    places.withdraw_enrolment(enrolled[0])
    db.session.commit()
    offer = db.session.scalar(sa.select(WaitingListOffer))
    assert offer.enrolment_id == queue[0].id and offer.status == OfferStatus.OPEN
    assert offer.expires_at - offer.offered_at == timedelta(hours=48)
    [text] = offer_texts()
    assert text.language == "pt" and "/t/" in text.context["link"]
    assert places.places_left(group) == 0  # the offer holds the place


def test_she_takes_the_place_from_the_link_and_gets_her_welcome(client, app):
    group, enrolled, queue = full_group_with_waiting()
    places.withdraw_enrolment(enrolled[0])
    db.session.commit()
    path = link_path(client, offer_texts()[0])
    page = get_page(client, path)
    assert page.text_of("h1") == "A place is free for you"
    page = post_page(client, path, {"answer": "accept"})
    assert page.text_of("h1") == "You have joined Together Time"
    assert db.session.get(Enrolment, queue[0].id).status == EnrolmentStatus.ENROLLED
    welcome = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "welcome"))
    assert welcome.parent_id == queue[0].dyad.parent_id
    page = post_page(client, path, {"answer": "accept"})  # a second tap changes nothing
    assert page.text_of("h1") == "This offer has closed"


def test_saying_no_offers_the_place_to_the_next_parent(client, app):
    group, enrolled, queue = full_group_with_waiting()
    places.withdraw_enrolment(enrolled[0])
    db.session.commit()
    post_page(client, link_path(client, offer_texts()[0]), {"answer": "decline"})
    assert db.session.get(Enrolment, queue[0].id).status == EnrolmentStatus.WITHDRAWN
    second = offer_texts()[1]
    assert second.parent_id == queue[1].dyad.parent_id


def test_an_expired_offer_moves_on_to_the_next_parent(client, app, runner):
    group, enrolled, queue = full_group_with_waiting()
    places.withdraw_enrolment(enrolled[0])
    db.session.commit()
    first = db.session.scalar(sa.select(WaitingListOffer))
    first.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = get_page(client, link_path(client, offer_texts()[0]))
    assert page.text_of("h1") == "This offer has closed"
    result = runner.invoke(args=["waiting-list", "expire-offers"])
    assert "1 offers expired, 1 new offers made" in result.output
    db.session.expire_all()
    assert db.session.get(WaitingListOffer, first.id).status == OfferStatus.EXPIRED
    assert offer_texts()[1].parent_id == queue[1].dyad.parent_id


def offer_events():
    return db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "parents.offer_place").order_by(AuditEvent.id)).all()


def test_an_offer_made_by_the_cron_is_audited_like_one_made_by_staff(client, sign_in, runner):
    group, enrolled, queue = full_group_with_waiting(waiting=3, capacity=2)
    places.withdraw_enrolment(enrolled[0])  # queue[0] is offered the place, by no one in person
    db.session.commit()
    first = db.session.scalar(sa.select(WaitingListOffer))
    first.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["waiting-list", "expire-offers"])
    assert result.exit_code == 0 and "1 new offers made" in result.output
    db.session.expire_all()
    by_cron = offer_events()[-1]
    assert (by_cron.actor, by_cron.target_id) == ("system", str(queue[1].id))
    places.withdraw_enrolment(enrolled[1])  # a second place: staff offer it from the page
    db.session.commit()
    db.session.execute(sa.delete(WaitingListOffer).where(
        WaitingListOffer.enrolment_id == queue[2].id))
    db.session.commit()
    sign_in("admin")
    offered = post_form(client, "waiting_list.offer_place", {"enrolment_id": queue[2].id},
                        group_id=group.id)
    expect_redirect(offered, "waiting_list.show_waiting_list", group_id=group.id)
    by_staff = offer_events()[-1]
    assert by_staff.actor.startswith("staff:") and by_staff.target_id == str(queue[2].id)
    assert (by_staff.target_type, by_staff.details) == (by_cron.target_type, by_cron.details)


def test_the_offer_time_is_configuration(app):
    app.config["WAITING_LIST_OFFER_HOURS"] = 6
    group, enrolled, queue = full_group_with_waiting()
    places.withdraw_enrolment(enrolled[0])
    offer = db.session.scalar(sa.select(WaitingListOffer))
    assert offer.expires_at - offer.offered_at == timedelta(hours=6)


def test_forged_or_foreign_offer_links_open_nothing(client, app):
    group, enrolled, queue = full_group_with_waiting()
    places.withdraw_enrolment(enrolled[0])
    db.session.commit()
    offer = db.session.scalar(sa.select(WaitingListOffer))
    someone_else = queue[1].dyad.parent_id
    for token in ("nonsense", "x" * 5000, make_token(someone_else, "offer", offer=offer.id),
                  make_token(queue[0].dyad.parent_id, "welcome", offer=offer.id),
                  make_token(queue[0].dyad.parent_id, "offer", offer="1"),
                  make_token(queue[0].dyad.parent_id, "offer", offer=10**12)):
        page = post_page(client, "parents.answer_offer", {"answer": "accept"}, status=404,
                         token=token)
        assert page.text_of("h1") == "This offer has closed"
    assert db.session.get(Enrolment, queue[0].id).status == EnrolmentStatus.WAITING


def test_staff_see_the_waiting_list_and_offer_or_enrol(client, sign_in):
    sign_in("admin")
    group, enrolled, queue = full_group_with_waiting(capacity=2)
    places.withdraw_enrolment(enrolled[0])  # offers queue[0] the free place
    db.session.commit()
    page = get_page(client, "waiting_list.show_waiting_list", group_id=group.id)
    [first_card] = [card for card in page.select(".nhsuk-card")
                    if queue[0].dyad.parent.name in card.get_text()]
    assert "Offered a place until" in first_card.select_one(".nhsuk-tag").get_text()
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "parents.view_waiting_list"))
    enrol_now(client, group, queue[1])
    assert db.session.get(Enrolment, queue[1].id).status == EnrolmentStatus.WAITING  # full
    enrol_now(client, group, queue[0])
    assert db.session.get(Enrolment, queue[0].id).status == EnrolmentStatus.ENROLLED
    assert places.places_left(group) == 0


def test_staff_move_a_waiting_parent_to_another_group(client, sign_in):
    sign_in("admin")
    group, _enrolled, queue = full_group_with_waiting()
    other = pf.open_group()
    response = post_form(client, "waiting_list.move_parent",
                         {"enrolment_id": queue[0].id, "group_id": other.id}, group_id=group.id)
    expect_redirect(response, "waiting_list.show_waiting_list", group_id=group.id)
    moved = db.session.scalar(sa.select(Enrolment).where(Enrolment.group_id == other.id))
    assert moved.dyad_id == queue[0].dyad_id and moved.status == EnrolmentStatus.WAITING
    assert db.session.get(Enrolment, queue[0].id).status == EnrolmentStatus.WITHDRAWN


def test_tampered_ids_on_staff_actions_are_refused(client, sign_in):
    sign_in("admin")
    group, enrolled, queue = full_group_with_waiting()
    other_group, _e, other_queue = full_group_with_waiting()
    for data in ({"enrolment_id": other_queue[0].id}, {"enrolment_id": enrolled[0].id},
                 {"enrolment_id": "abc"}, {}, {"enrolment_id": 10**15}):
        response = post_form(client, "waiting_list.offer_place", data, group_id=group.id)
        assert response.status_code in (400, 404), data
    post_page(client, "waiting_list.move_parent",
              {"enrolment_id": queue[0].id, "group_id": 10**9}, status=400, group_id=group.id)


def test_a_facilitator_sees_only_her_own_groups_waiting_list(client, sign_in):
    sign_in("facilitator")
    group, _enrolled, _queue = full_group_with_waiting()
    get_page(client, "waiting_list.show_waiting_list", 403, group_id=group.id)
    get_page(client, "waiting_list.add_parent", 403, group_id=group.id)


def enrol_now(client, group, enrolment):
    response = post_form(client, "waiting_list.enrol_now", {"enrolment_id": enrolment.id},
                         group_id=group.id)
    expect_redirect(response, "waiting_list.show_waiting_list", group_id=group.id)


def add_walk_in(client, group, data):
    """Add a walk-in parent: the form sends staff back to the group's page."""
    response = post_form(client, "waiting_list.add_parent", data, group_id=group.id)
    expect_redirect(response, "groups.show_group", group_id=group.id)


def walk_in(**extra):
    return {"name": "Grace Walk-In", "mobile": pf.new_mobile(), "postcode": "SW9 1AB",
            **pf.baby_born_weeks_ago(8), "baby_name": "Joy", "relationship": "mother",
            "language": "en", "sms": "yes", **extra}


def test_staff_add_a_walk_in_parent_quickly(client, sign_in):
    sign_in("admin")
    group = pf.open_group()
    page = get_page(client, "waiting_list.add_parent", group_id=group.id)
    assert page.text_of("h1").startswith("Add a parent")
    add_walk_in(client, group, walk_in())
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert db.session.scalar(sa.select(Consent.source)) == "staff"
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "parents.add_walk_in"))


def test_a_walk_in_who_is_not_eligible_needs_a_recorded_reason(client, sign_in):
    staff = sign_in("admin")
    group = pf.open_group()
    data = walk_in(postcode="N1 9GU")
    page = post_page(client, "waiting_list.add_parent", data, group_id=group.id)
    assert page.shows(".nhsuk-error-message", "give a reason") and count_rows(Parent) == 0
    data["override_reason"] = "Moved out of the area last week; her health visitor asked."
    add_walk_in(client, group, data)
    override = db.session.scalar(sa.select(EligibilityOverride))
    assert override.reason.startswith("Moved out") and override.reasons_not_eligible == "area"
    assert override.staff_user_id == staff.id
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "parents.eligibility_override"))
    assert event.details["reason"].startswith("Moved out")


def test_a_walk_in_to_a_full_group_joins_its_waiting_list(client, sign_in):
    sign_in("admin")
    group, _enrolled, _queue = full_group_with_waiting(waiting=0)
    add_walk_in(client, group, walk_in())
    parent = db.session.scalar(sa.select(Parent).where(Parent.name == "Grace Walk-In"))
    assert parent.dyads[0].enrolments[0].status == EnrolmentStatus.WAITING


def test_walk_in_mistakes_are_explained(client, sign_in):
    sign_in("admin")
    group = pf.open_group()
    page = post_page(client, "waiting_list.add_parent",
                     {"name": "", "mobile": "123", "postcode": "zz", "language": "en"},
                     group_id=group.id)
    for message in ("Enter your name", "Enter a UK mobile number", "Enter a real UK postcode",
                    "Choose if your baby is born", "Choose yes or no for text messages"):
        assert page.shows(".nhsuk-error-message", message), message


def test_the_group_page_and_staff_menu_link_to_the_waiting_list(client, sign_in):
    sign_in("admin")
    group = pf.open_group()
    page = get_page(client, "groups.show_group", group_id=group.id)
    waiting_list = url(client, "waiting_list.show_waiting_list", group_id=group.id)
    assert page.select_one(f'a[href="{waiting_list}"]')
    lists = url(client, "waiting_list.list_waiting_lists")
    assert lists in [link["href"] for link in page.select("header a")]  # the staff menu
    page = get_page(client, "waiting_list.list_waiting_lists")
    assert page.text_of("h1") == "Waiting lists"
    assert page.text_of(f'a[href="{waiting_list}"]') == group.name
