"""Signing up with a number that is already signed up: the pages go on exactly as for a new
number (they never say which numbers we know), nothing is stored, and the number's owner gets
a text in her language saying she is already signed up and how to sign in."""

import sqlalchemy as sa

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db
from pairs_group.parents.models import Enrolment, Parent, PendingSignUp
from tests import parents_factories as pf
from tests.conftest import count_rows
from tests.pages import get_page, post_form, url


def texts(app, kind):
    return [m for m in app.extensions["sms_backend"].sent if m["kind"] == kind]


def walk(client, group, mobile, waiting="no"):
    """Every step of the sign-up; returns (status, where it went) of each answer."""
    steps = [("parents.check_eligibility", pf.eligibility_answers()),
             ("parents.your_details", pf.details_answers(mobile)),
             ("parents.consent", pf.CONSENT_YES), ("parents.about_you", {}),
             ("parents.choose_group", {"group_id": group.id, "waiting": waiting})]
    answers = []
    for endpoint, data in steps:
        response = post_form(client, endpoint, data)
        answers.append((response.status_code, response.headers.get("Location")))
    return answers


def someone_signed_up(client, group):
    pf.sign_up_until_group_choice(client)
    pf.choose(client, group)
    return db.session.scalar(sa.select(Parent))


def test_a_known_number_goes_through_the_same_pages_as_a_new_one(app, client):
    group = pf.open_group()
    owner = someone_signed_up(client, group)
    again = walk(app.test_client(), group, owner.mobile)
    new = walk(app.test_client(), group, pf.new_mobile())
    assert again == new
    assert again[-1] == (302, url(client, "parents.signed_up_page", lang="pt"))


def test_nothing_is_stored_and_no_second_parent_is_made(app, client):
    group = pf.open_group()
    owner = someone_signed_up(client, group)
    other = app.test_client()
    walk(other, group, owner.mobile)
    assert count_rows(Parent) == 1 and count_rows(Enrolment) == 1
    assert count_rows(PendingSignUp) == 0
    page = get_page(other, "parents.signed_up_page", lang="pt")
    assert "Ana Souza" in page.text_of(".nhsuk-panel")
    assert page.shows("h2 + p.nhsuk-body-l + p", group.venue.name)
    assert "parents.sign_up_again" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_the_owner_gets_a_text_in_her_language_with_the_way_to_sign_in(app, client):
    group = pf.open_group()
    owner = someone_signed_up(client, group)  # she chose Portuguese
    walk(app.test_client(), group, owner.mobile)
    [text] = texts(app, "already_signed_up")
    assert text["to"] == owner.mobile
    assert "Together Time" in text["body"] and "http://localhost/sign-in" in text["body"]
    assert "já está inscrito" in text["body"] and "sign-in?lang=pt" in text["body"]
    assert len(texts(app, "welcome")) == 1  # only hers, from her own sign-up


def test_a_discreet_owner_gets_a_discreet_text(app, client):
    group = pf.open_group()
    owner = someone_signed_up(client, group)
    owner.discreet_sms = True
    db.session.commit()
    walk(app.test_client(), group, owner.mobile)
    [text] = texts(app, "already_signed_up")
    assert "Together Time" not in text["body"] and "/sign-in" in text["body"]


def test_the_owner_gets_one_such_text_a_day_however_often_someone_tries(app, client):
    group = pf.open_group()
    owner = someone_signed_up(client, group)
    for _ in range(3):
        walk(app.test_client(), group, owner.mobile)
    assert len(texts(app, "already_signed_up")) == 1


def test_a_number_taken_while_she_was_choosing_ends_the_same_way(app, client):
    group = pf.open_group()
    first, second = client, app.test_client()
    mobile = pf.sign_up_until_group_choice(first)
    pf.sign_up_until_group_choice(second, mobile=mobile)
    pf.choose(first, group)
    response = pf.choose(second, group)
    assert response.headers["Location"] == "/join/done?lang=pt"
    assert count_rows(Parent) == 1 and count_rows(PendingSignUp) == 0
    assert len(texts(app, "already_signed_up")) == 1


def test_a_full_group_says_so_to_a_known_number_as_to_a_new_one(app, client):
    group = pf.open_group(capacity=1)
    owner = someone_signed_up(client, group)
    again = walk(app.test_client(), group, owner.mobile)
    new = walk(app.test_client(), group, pf.new_mobile())
    assert again == new and again[-1][0] == 400
    assert count_rows(PendingSignUp) == 2  # both may still join the waiting list
    assert texts(app, "already_signed_up") == []
    again_waiting = walk(app.test_client(), group, owner.mobile, waiting="yes")
    assert again_waiting[-1] == (302, "/join/done?lang=pt")
    assert count_rows(Enrolment) == 1
