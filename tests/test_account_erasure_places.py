"""A parent who deletes her account gives up her places: registers of sessions to come no longer
list her, the place goes to the next parent waiting (with a text), and the reports still count
what happened before."""

import json
from datetime import date, timedelta

import sqlalchemy as sa
from flask import g

from pairs_group.db import db, utcnow
from pairs_group.parents.consents import record_consent
from pairs_group.parents.models import (
    ConsentKind,
    Enrolment,
    EnrolmentStatus,
    OfferStatus,
    WaitingListOffer,
)
from pairs_group.privacy.service import apply_retention
from pairs_group.sms.models import OutboxMessage
from tests import factories
from tests.account_factories import (
    group_under_way,
    next_session,
    sign_in_parent,
    valid_mobile,
)
from tests.conftest import staff_sign_in
from tests.pages import expect_redirect, get_page, post_form


def as_next_person():
    """Requests in one test share flask.g, where Flask-Login keeps who is signed in."""
    g.pop("_login_user", None)


def she_cant_come_next_week(app, enrolment):
    """She signs in and sends apologies for the next session; returns her browser."""
    as_next_person()
    client = app.test_client()
    sign_in_parent(client, enrolment.dyad.parent)
    session = next_session(enrolment.group)
    expect_redirect(post_form(client, "account.cant_come", {"reason": "Clinic appointment"},
                              enrolment_id=enrolment.id, session_id=session.id),
                    "account.home")
    as_next_person()
    return client


def delete_her_account(client):
    as_next_person()
    get_page(client, "account.delete_account")
    expect_redirect(post_form(client, "account.delete_account", {"confirm": "y"}), "pages.index")
    db.session.expire_all()
    as_next_person()


def places_left(staff, group):
    """The places-left sentence that opens the group's waiting list page."""
    page = get_page(staff, "waiting_list.show_waiting_list", group_id=group.id)
    return page.text_of("h1 + p")


def register_rows(client, session):
    page = get_page(client, "attendance.show_register", session_id=session.id)
    return page, len(page.select(".pairs-register__row"))


def report(runner):
    result = runner.invoke(args=["report", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_after_she_deletes_her_account_her_place_goes_to_the_next_parent_waiting(app, runner):
    facilitator, group, maria, [waiting] = group_under_way()
    staff = app.test_client()
    staff_sign_in(staff, facilitator)
    page, rows = register_rows(staff, next_session(group))
    assert page.shows(".pairs-register__row legend", "Maria") and rows == 2
    her_phone = she_cant_come_next_week(app, maria)
    before = report(runner)

    delete_her_account(her_phone)

    page, rows = register_rows(staff, next_session(group))
    assert "Maria" not in page.text_of("main") and rows == 1, \
        "a row is left for her on a register to come"
    assert db.session.get(Enrolment, maria.id).status == EnrolmentStatus.WITHDRAWN
    offer = db.session.scalar(sa.select(WaitingListOffer))
    assert offer.enrolment_id == waiting.id and offer.status == OfferStatus.OPEN
    [text] = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "waiting_list_offer")).all()
    assert text.to == waiting.dyad.parent.mobile and text.language == "pt"
    waiting_page = get_page(staff, "waiting_list.show_waiting_list", group_id=group.id)
    assert waiting_page.shows(".nhsuk-card .nhsuk-tag", "Offered a place until")
    assert_report_kept_the_past(before, report(runner))


def assert_report_kept_the_past(before, after):
    """Her first session is still counted (anonymously). Her apology for a session that has
    not happened yet was never counted (reports count only sessions that have started) and
    goes with her."""
    was, now = before["attendance"]["overall"]["counts"], after["attendance"]["overall"]["counts"]
    assert now["attended"] == was["attended"] == 2
    assert now["cancelled_by_parent"] == was["cancelled_by_parent"] == 0
    assert after["attendance"]["by_financial_year"] == before["attendance"]["by_financial_year"]


def test_with_no_one_waiting_her_place_shows_free(app):
    facilitator, group, maria, _ = group_under_way(waiting=0)
    staff = app.test_client()
    staff_sign_in(staff, facilitator)
    assert places_left(staff, group).startswith("0 places left")
    delete_her_account(she_cant_come_next_week(app, maria))
    assert places_left(staff, group).startswith("1 place left")
    assert register_rows(staff, next_session(group))[1] == 1
    page, rows = register_rows(staff, group.sessions[0])
    assert rows == 2 and page.shows(".pairs-register__row", "A parent who deleted her account"), \
        "her past mark stays"


def test_her_waiting_list_place_and_the_offer_held_for_her_go_to_the_next_parent(app):
    _facilitator, group, _maria, queue = group_under_way(waiting=2)
    first, second = queue
    joy = db.session.scalar(sa.select(Enrolment).where(Enrolment.dyad_id != _maria.dyad_id,
                                                       Enrolment.status ==
                                                       EnrolmentStatus.ENROLLED))
    from pairs_group.parents.places import withdraw_enrolment

    withdraw_enrolment(joy)  # the place goes to the first parent waiting
    db.session.commit()
    as_next_person()
    client = app.test_client()
    sign_in_parent(client, first.dyad.parent)
    expect_redirect(post_form(client, "account.delete_account", {"confirm": "y"}), "pages.index")
    db.session.expire_all()
    assert db.session.get(Enrolment, first.id) is None, "her waiting-list entry is gone"
    offer = db.session.scalar(sa.select(WaitingListOffer).where(
        WaitingListOffer.status == OfferStatus.OPEN))
    assert offer.enrolment_id == second.id


def test_retention_leaves_a_finished_groups_enrolments_as_they_were(app):
    group = factories.make_group(first_day=date.today() - timedelta(days=1000), session_count=2)
    dyad = factories.make_dyad(mobile=valid_mobile())
    enrolment = factories.enrol(dyad, group)
    record_consent(dyad.parent, ConsentKind.EVALUATION, True)
    db.session.commit()
    for _erased in apply_retention(utcnow(), 24):
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == EnrolmentStatus.ENROLLED
