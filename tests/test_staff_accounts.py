"""Admins look after staff accounts in the app: add a person with a one-time set-up link,
change their role and groups, disable and enable them, reset their authenticator app; the
last admin stays; every change is audited."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask import g

from pairs_group.audit.models import AuditEvent
from pairs_group.auth.models import StaffUser
from pairs_group.db import db
from tests import factories
from tests.conftest import ClosingClient, staff_sign_in
from tests.pages import expect_redirect, get_page, post_form, post_page, url

NEW = {"name": "Fay Okafor", "email": "Fay.Okafor@example.nhs.uk", "role": "facilitator"}
NEW_PASSWORD = "a kettle of purple herons"


class OwnBrowser(ClosingClient):
    """Each test client is one person's browser. In a test one app context spans every
    request, and Flask-Login keeps the signed-in person in flask.g: drop it before each."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(app):
    app.test_client_class = OwnBrowser
    return app


def actions():
    """The audited changes to staff accounts, oldest first (sign-ins left out)."""
    return [e.action for e in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action.startswith("staff."),
                                    AuditEvent.action.not_like("staff.sign_in%"))
        .order_by(AuditEvent.id))]


def person(email):
    db.session.expire_all()
    return db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email.lower()))


def admin_client(app):
    """A test client signed in as a new admin (password and authenticator code)."""
    client = app.test_client()
    admin = factories.make_staff("admin")
    db.session.commit()
    staff_sign_in(client, admin)
    return client


def add_person(client, **details):
    """Add a person through the page; the set-up link shown, as a path."""
    page = post_page(client, "staff.new_staff", {**NEW, **details})
    link = page.text_of("#set-up-link")
    assert link.startswith("http://localhost/staff/set-up/")
    return link.removeprefix("http://localhost")


def set_password(app, link, password=NEW_PASSWORD):
    """Her own phone: a new client opens the link and sets a password."""
    client = app.test_client()
    page = get_page(client, link)
    assert page.text_of("#set-up-email") == "fay.okafor@example.nhs.uk"
    return client, post_form(client, link, {"password": password, "confirm": password})


def test_an_admin_adds_a_facilitator_who_sets_her_password_and_sees_her_group(app):
    mine, other = factories.make_group(name="Stockwell"), factories.make_group(name="Brixton")
    client = admin_client(app)
    page = get_page(client, "staff.new_staff")
    assert page.select_one(f"input[name=group_ids][value='{mine.id}']")
    link = add_person(client, group_ids=[mine.id])
    her_client, response = set_password(app, link)
    page = get_page(her_client, expect_redirect(response, "groups.list_groups"))
    assert page.texts(".nhsuk-card__link") == ["Stockwell"]
    assert other.name not in page.text
    assert person(NEW["email"]).last_signed_in_at is not None
    assert actions() == ["staff.create", "staff.set_up_link", "staff.groups_change",
                         "staff.set_up"]


def test_a_set_up_link_works_once(app):
    link = add_person(admin_client(app))
    _client, response = set_password(app, link)
    expect_redirect(response, "groups.list_groups")
    page = get_page(app.test_client(), link, 404)
    assert page.text_of("h1") == "This link does not work any more"



def test_a_set_up_link_stops_working_after_the_hours_set(app):
    link = add_person(admin_client(app))
    with time_machine.travel(timedelta(hours=app.config["STAFF_SET_UP_LINK_HOURS"], minutes=1)):
        get_page(app.test_client(), link, 404)
    get_page(app.test_client(), link)


def test_a_password_the_sign_in_rules_refuse_keeps_the_link(app):
    link = add_person(admin_client(app))
    client = app.test_client()
    page = post_page(client, link, {"password": "password1234", "confirm": "password1234"})
    assert page.shows(".nhsuk-error-message", "too common")
    page = post_page(client, link, {"password": NEW_PASSWORD, "confirm": "something else"})
    assert page.shows(".nhsuk-error-message", "not the same")
    assert not person(NEW["email"]).has_password
    _client, response = set_password(app, link)
    expect_redirect(response, "groups.list_groups")


def test_a_new_admin_sets_up_the_authenticator_after_the_password(app):
    link = add_person(admin_client(app), role="admin")
    ahead = "Next you will set up an authenticator app on your phone"
    assert ahead in get_page(app.test_client(), link).text_of("form")
    client, response = set_password(app, link)
    response = client.get(expect_redirect(response, "groups.list_groups"))
    page = get_page(client, expect_redirect(response, "auth.set_up_two_factor"))
    assert page.shows(".nhsuk-inset-text", "Admins must use a code from an app")


def test_a_facilitators_set_up_says_nothing_of_an_authenticator(app):
    link = add_person(admin_client(app))
    assert "authenticator" not in get_page(app.test_client(), link).text_of("form")


def test_an_email_that_has_an_account_is_refused(app):
    client = admin_client(app)
    add_person(client)
    page = post_page(client, "staff.new_staff", {**NEW, "email": "fay.okafor@EXAMPLE.nhs.uk"})
    assert page.shows(".nhsuk-error-message", "already a staff account")


def test_an_evaluator_is_given_no_groups(app):
    group = factories.make_group()
    client = admin_client(app)
    page = post_page(client, "staff.new_staff", {**NEW, "role": "evaluator",
                                                 "group_ids": [group.id]})
    assert page.shows(".nhsuk-error-message", "Evaluators do not run groups")
    assert person(NEW["email"]) is None


def test_an_admin_changes_a_facilitators_role_and_groups(app):
    old, new = factories.make_group(name="Old group"), factories.make_group(name="New group")
    fay = factories.make_staff("facilitator", email="fay@example.nhs.uk")
    old.facilitators.append(fay)
    db.session.commit()
    client = admin_client(app)
    page = get_page(client, "staff.show_staff", staff_id=fay.id)
    assert page.field_value("role") == "facilitator"
    assert page.field_value("group_ids") == [str(old.id)]
    response = post_form(client, "staff.show_staff", {"role": "facilitator",
                                                     "group_ids": [new.id]}, staff_id=fay.id)
    page = get_page(client, expect_redirect(response, "staff.show_staff", staff_id=fay.id))
    assert page.field_value("group_ids") == [str(new.id)]
    her = app.test_client()
    staff_sign_in(her, fay)
    assert get_page(her, "groups.list_groups").texts(".nhsuk-card__link") == ["New group"]
    post_form(client, "staff.show_staff", {"role": "evaluator"}, staff_id=fay.id)
    get_page(her, "groups.list_groups", 403)
    assert actions()[-3:] == ["staff.groups_change", "staff.role_change", "staff.groups_change"]


def test_disabling_a_facilitator_ends_her_session_at_once_and_enabling_lets_her_back(app):
    fay = factories.make_staff("facilitator", email="fay@example.nhs.uk")
    db.session.commit()
    her = app.test_client()
    staff_sign_in(her, fay)
    get_page(her, "groups.list_groups")
    client = admin_client(app)
    response = post_form(client, "staff.disable_staff", {}, staff_id=fay.id)
    page = get_page(client, expect_redirect(response, "staff.show_staff", staff_id=fay.id))
    assert page.text_of("#person-status") == "Disabled"
    expect_redirect(her.get(url(her, "groups.list_groups")), "auth.sign_in")
    page = post_page(her, "auth.sign_in", {"email": fay.email,
                                           "password": factories.STAFF_PASSWORD})
    assert page.shows(".nhsuk-error-message", "not right")
    expect_redirect(post_form(client, "staff.enable_staff", {}, staff_id=fay.id),
                    "staff.show_staff")
    staff_sign_in(her, fay)
    get_page(her, "groups.list_groups")
    assert actions()[-2:] == ["staff.disable", "staff.enable"]


def test_a_disabled_persons_set_up_link_stops_working(app):
    client = admin_client(app)
    link = add_person(client)
    post_form(client, "staff.disable_staff", {}, staff_id=person(NEW["email"]).id)
    get_page(app.test_client(), link, 404)


def test_the_last_admin_can_neither_disable_herself_nor_stop_being_an_admin(app, sign_in):
    admin = sign_in("admin")
    client = app.test_client()
    staff_sign_in(client, admin)
    for endpoint, data in (("staff.disable_staff", {}),
                           ("staff.show_staff", {"role": "facilitator"})):
        response = post_form(client, endpoint, data, staff_id=admin.id)
        page = get_page(client, expect_redirect(response, "staff.show_staff"))
        assert page.shows("[role=status]", "is the only admin")
    assert person(admin.email).active and person(admin.email).role == "admin"
    assert "staff.disable" not in actions() and "staff.role_change" not in actions()


def test_a_new_set_up_link_replaces_the_old_one_and_resets_a_forgotten_password(app):
    client = admin_client(app)
    first = add_person(client)
    set_password(app, first)
    fay = person(NEW["email"])
    page = post_page(client, "staff.new_set_up_link", {}, staff_id=fay.id)
    second = page.text_of("#set-up-link").removeprefix("http://localhost")
    get_page(app.test_client(), first, 404)
    _client, response = set_password(app, second, "another kettle of herons")
    expect_redirect(response, "groups.list_groups")
    page = post_page(app.test_client(), "auth.sign_in", {"email": fay.email,
                                                          "password": NEW_PASSWORD})
    assert page.shows(".nhsuk-error-message", "not right")


def test_resetting_an_authenticator_signs_the_person_out_and_asks_for_a_new_one(app):
    other = factories.make_staff("admin", email="bob@example.nhs.uk")
    db.session.commit()
    his = app.test_client()
    staff_sign_in(his, other)
    client = admin_client(app)
    assert get_page(client, "staff.show_staff", staff_id=other.id).text_of(
        "#person-two-factor") == "Set up"
    response = post_form(client, "staff.reset_two_factor", {}, staff_id=other.id)
    expect_redirect(response, "staff.show_staff", staff_id=other.id)
    assert not person(other.email).has_two_factor
    expect_redirect(his.get(url(his, "groups.list_groups")), "auth.sign_in")
    response = post_form(his, "auth.sign_in", {"email": other.email,
                                               "password": factories.STAFF_PASSWORD})
    response = his.get(expect_redirect(response, "groups.list_groups"))
    expect_redirect(response, "auth.set_up_two_factor")
    assert actions()[-1] == "staff.two_factor_reset"


def test_the_staff_list_shows_each_persons_role_and_account(app):
    fay = factories.make_staff("facilitator", name="Fay Okafor")
    fay.active = False
    client = admin_client(app)
    add_person(client, name="Nia New", email="nia@example.nhs.uk")
    page = get_page(client, "staff.list_staff")
    cards = {card.select_one(".nhsuk-card__link").get_text(strip=True):
             " ".join(card.get_text(" ").split()) for card in page.select(".nhsuk-card")}
    assert "Disabled" in cards["Fay Okafor"] and "Facilitator" in cards["Fay Okafor"]
    assert "Not set up yet" in cards["Nia New"] and "Never signed in" in cards["Nia New"]
