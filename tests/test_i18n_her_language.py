"""Her saved language: pages reached from her texts open in it, and the switch saves it once
she is signed in (pages and texts), instead of changing one page."""

import sqlalchemy as sa
from flask_babel import refresh

from pairs_group.audit.models import AuditEvent
from pairs_group.auth.links import link_url
from pairs_group.db import db
from pairs_group.parents.models import Parent
from tests.account_factories import family_in_group, sign_in_parent
from tests.pages import expect_redirect, get_page, post_form

ENGLISH_PHONE = {"Accept-Language": "en-GB,en;q=0.9"}


def test_a_link_in_her_text_opens_in_her_language_on_an_english_phone(app, client):
    parent, _enrolment = family_in_group(language="pt")
    path = link_url(parent, "questionnaire").removeprefix("http://localhost")
    response = client.get(path, headers=ENGLISH_PHONE)
    landing = expect_redirect(response, "questionnaires.answer")
    assert "lang=pt" in response.headers["Set-Cookie"]
    page = get_page(client, landing, headers=ENGLISH_PHONE)
    assert page.select_one("html")["lang"] == "pt"
    assert page.select_one("html")["dir"] == "ltr"


def test_a_welcome_link_opens_right_to_left_for_an_arabic_speaker(app, client):
    parent, _enrolment = family_in_group(language="ar")
    path = link_url(parent, "welcome").removeprefix("http://localhost")
    landing = expect_redirect(client.get(path, headers=ENGLISH_PHONE), "account.home")
    page = get_page(client, landing, headers=ENGLISH_PHONE)
    assert (page.select_one("html")["lang"], page.select_one("html")["dir"]) == ("ar", "rtl")


def test_a_bad_link_changes_no_language(app, client):
    page = get_page(client, "account.follow_link", 400, purpose="welcome", token="x",
                    headers=ENGLISH_PHONE)
    assert page.select_one("html")["lang"] == "en"
    assert "lang=" not in page.response.headers.get("Set-Cookie", "")


def test_signed_out_the_switch_is_links_that_change_the_page(client):
    page = get_page(client, "pages.index", query={"lang": "pl"})
    assert page.select_one("html")["lang"] == "pl"
    assert page.select('.pairs-language-switch a[hreflang="ar"]')
    assert not page.select(".pairs-language-switch button")


def test_signed_in_the_switch_saves_her_language_for_pages_and_texts(app, client):
    parent, _enrolment = family_in_group(language="en")
    sign_in_parent(client, parent)
    home = get_page(client, "account.home")
    button = home.select_one('.pairs-language-switch button[value="ar"]')
    assert button is not None and button["name"] == "language"
    next_path = home.select_one('form[action="/language"] input[name="next"]')["value"]
    response = post_form(client, "pages.change_language",
                         {"language": "ar", "next": next_path})
    expect_redirect(response, "account.home")
    refresh()  # these requests share the test's app context, where flask-babel keeps its choice
    page = get_page(client, "account.home", headers=ENGLISH_PHONE)
    assert page.select_one("html")["lang"] == "ar"
    assert "العربية" in page.text_of(".nhsuk-inset-text")  # said so, in Arabic
    assert db.session.scalar(sa.select(Parent.language).where(Parent.id == parent.id)) == "ar"
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "account.language")).one()
    assert event.details == {"language": "ar"}


def test_the_switch_refuses_an_unknown_language_and_a_foreign_address(app, client):
    parent, _enrolment = family_in_group(language="so")
    sign_in_parent(client, parent)
    for language, target in [("xx", "/my-account"), ("fr", "https://evil.example/")]:
        response = post_form(client, "pages.change_language",
                             {"language": language, "next": target})
        expect_redirect(response, "account.home" if language == "xx" else "pages.index")
    saved = db.session.scalar(sa.select(Parent.language).where(Parent.id == parent.id))
    assert saved == "fr"  # a good language is saved; only the address is refused


def test_staff_save_their_language_too(app, client, sign_in):
    staff = sign_in("facilitator")
    response = post_form(client, "pages.change_language", {"language": "es", "next": "/staff/"})
    assert response.status_code == 302
    db.session.refresh(staff)
    assert staff.language == "es"
