from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from pairs_group import kept
from pairs_group.db import db
from pairs_group.groups.models import GroupStatus, Venue
from tests import parents_factories as pf
from tests.pages import expect_redirect, get_page, post_page, url


@pytest.mark.parametrize("endpoint",
                         ["pages.index", "pages.privacy", "pages.accessibility", "auth.sign_in"])
def test_public_pages_render(client, endpoint):
    get_page(client, endpoint)


def test_an_unknown_page_is_a_designed_404(client):
    page = get_page(client, "/no-such-page", status=404)
    assert page.text_of("h1") == "Page not found"


def test_security_headers_are_on_every_response(client):
    response = get_page(client, "pages.index").response
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert response.headers["Permissions-Policy"]


def test_the_inline_script_carries_the_nonce(client):
    page = get_page(client, "pages.index")
    csp = page.response.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    inline = [script for script in page.select("script") if not script.get("src")]
    assert inline and all(script.get("nonce") == nonce for script in inline)


def test_static_files_are_fingerprinted(client):
    page = get_page(client, "pages.index")
    assert page.select_one('link[rel=stylesheet][href^="/static/build/app.css?v="]')


def test_a_post_without_csrf_token_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    post_page(app.test_client(), "auth.sign_in", {"email": "a@b.nhs.uk"}, status=400)


def test_every_post_form_carries_a_csrf_token_when_csrf_is_on(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    get_page(client, "auth.sign_in")


def test_the_page_helper_addresses_pages_by_endpoint(client):
    page = get_page(client, "auth.sign_in")
    assert page.select_one("form[method=post] input[name=email]")
    assert page.field_value("email") == ""
    with pytest.raises(AssertionError, match="nothing matches"):
        page.select_one("#no-such-element")
    with pytest.raises(AssertionError):
        get_page(client, "auth.sign_in", status=404)


def test_the_page_helper_reads_what_a_form_shows(client):
    page = post_page(client, "auth.sign_in", {"email": "nobody@nhs.net", "password": "wrong"})
    assert page.field_value("email") == "nobody@nhs.net"


def test_the_page_helper_checks_where_a_redirect_goes(client):
    response = client.get(url(client, "account.home"))
    assert expect_redirect(response, "account.sign_in").startswith("/sign-in")
    with pytest.raises(AssertionError, match="not pages.index"):
        expect_redirect(response, "pages.index")
    with pytest.raises(AssertionError):
        expect_redirect(client.get(url(client, "pages.index")), "pages.index")


def test_the_landing_lists_the_first_six_groups_taking_parents_soonest_first(client):
    soon = date.today() + timedelta(days=2)
    groups = [pf.open_group(first_day=soon + timedelta(days=n)) for n in (6, 1, 3, 5, 2, 8, 4, 7)]
    groups[1].status = GroupStatus.RUNNING  # no longer taking parents
    db.session.commit()
    shown = venues_on_the_landing(client)
    taking = sorted(groups[:1] + groups[2:], key=lambda group: group.first_session_at)
    assert shown == [group.venue.name for group in taking[:6]]


def venues_on_the_landing(client):
    page = get_page(client, "pages.index")
    return [strong.get_text() for strong in page.select("main li strong")]


def test_the_landing_reads_its_groups_once_a_minute_and_at_once_after_a_change_here(
        client, monkeypatch):
    group = pf.open_group(first_day=date.today() + timedelta(days=3))
    db.session.commit()
    first_name = group.venue.name
    assert venues_on_the_landing(client) == [first_name]
    # Another process renames the venue: this one keeps what it read for the minute...
    with db.engine.begin() as elsewhere:
        elsewhere.execute(sa.update(Venue).where(Venue.id == group.venue_id)
                          .values(name="Renamed elsewhere"))
    assert venues_on_the_landing(client) == [first_name]
    # ...and reads it again once the minute is over.
    monkeypatch.setattr(kept, "KEEP_SECONDS", 0)
    assert venues_on_the_landing(client) == ["Renamed elsewhere"]
    monkeypatch.undo()
    db.session.expire_all()
    # A change written here through the session is on the very next landing.
    group.venue.name = "Renamed here"
    db.session.commit()
    assert venues_on_the_landing(client) == ["Renamed here"]
    other = pf.open_group(first_day=date.today() + timedelta(days=1))
    db.session.commit()
    assert venues_on_the_landing(client) == [other.venue.name, "Renamed here"]
