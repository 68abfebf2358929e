"""A parent fills PRFQ on a 390x844 phone; the connection drops half-way; she comes back and
finds every answer the page said was saved."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from pairs_group.db import db
from pairs_group.questionnaires import answering, service
from pairs_group.questionnaires.models import Answer
from tests.browser.conftest import LiveServer
from tests.questionnaires_factories import family

pytestmark = pytest.mark.browser
SAVED_PL = re.compile(r"^\s*Zapisano\s*$")  # "Saved", not "Jeszcze nie zapisano" (not yet)


def choose(page, item, value):
    target = f"item-{item}" if value == 1 else f"item-{item}-{value}"
    page.locator(f'label[for="{target}"]').click()


def wait_saved(page, item):
    page.locator(f'[data-status-for="{item}"]', has_text="Saved").wait_for()


def test_a_dropped_connection_loses_no_acknowledged_answer(live_server, live_app, phone,
                                                           screenshot):
    with live_app.app_context():
        parent, enrolment = family()
        link = service.link_url(parent).replace("http://localhost", live_server.url)
        dyad_id = enrolment.dyad_id
    page = phone
    page.goto(link)
    screenshot(page, "questionnaires-list")
    page.get_by_role("link", name="Thinking about your baby").click()
    screenshot(page, "questionnaires-why-we-ask")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Section 1 of 4").first).to_be_visible()
    for item, value in ((1, 2), (2, 6), (3, 7), (4, 1), (5, 4)):
        choose(page, item, value)
        wait_saved(page, item)
    screenshot(page, "questionnaires-section-1")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/section/2")
    for item, value in ((6, 5), (7, 3)):
        choose(page, item, value)
        wait_saved(page, item)
    page.context.set_offline(True)
    choose(page, 8, 4)
    page.locator('[data-status-for="8"]', has_text="Not saved yet").wait_for()
    screenshot(page, "questionnaires-offline")
    page.close()

    page = phone.context.new_page()
    phone.context.set_offline(False)
    page.goto(live_server.url + "/questionnaires/")
    page.get_by_role("link", name="Carry on").click()
    page.get_by_role("button", name="Carry on").click()
    page.wait_for_url("**/section/2")
    assert page.locator("#item-6-5").is_checked() and page.locator("#item-7-3").is_checked()
    screenshot(page, "questionnaires-resumed")
    with live_app.app_context():
        saved = {a.item_id: a.value for a in db.session.scalars(sa.select(Answer))}
    assert saved == {"1": 2, "2": 6, "3": 7, "4": 1, "5": 4, "6": 5, "7": 3}

    for item in range(8, 11):
        choose(page, item, 4)
    page.get_by_role("button", name="Continue").click()
    for number, items in ((3, range(11, 16)), (4, range(16, 19))):
        page.wait_for_url(f"**/section/{number}")
        for item in items:
            choose(page, item, 5)
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/review")
    screenshot(page, "questionnaires-review")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Your answers have been sent").wait_for()
    screenshot(page, "questionnaires-sent")
    with live_app.app_context():
        assert answering.find_response(dyad_id, "prfq", "pre").is_submitted


def test_while_the_database_is_away_her_answer_waits_and_is_saved_when_it_is_back(
        make_app, phone, screenshot, tmp_path):
    """The page's script gets a 503: "Not saved yet" in her language, kept and sent again by
    itself once the database (here the SQLite file's folder) is back."""
    make_app()
    folder = tmp_path / "data"
    folder.mkdir()
    app = make_app(DATABASE_URL=f"sqlite:///{folder / 'pairs.sqlite3'}",
                   WTF_CSRF_ENABLED=True, TESTING=False)
    with app.app_context():
        db.create_all()
        parent, _enrolment = family(language="pl")
        link = service.link_url(parent)
    with LiveServer(app) as server:
        page = phone
        page.goto(server.url + "/?lang=pl")
        page.goto(link.replace("http://localhost", server.url))
        page.locator("main a[href*='/prfq/pre/']").first.click()
        page.locator("main form button").first.click()
        page.wait_for_url("**/section/1")
        choose(page, 1, 2)
        page.locator('[data-status-for="1"]', has_text=SAVED_PL).wait_for()
        with app.app_context():
            db.engine.dispose()
        folder.rename(tmp_path / "away")
        choose(page, 2, 6)
        not_saved = "Jeszcze nie zapisano. Usługa jest w tej chwili niedostępna."
        page.locator('[data-status-for="2"]', has_text=not_saved).wait_for()
        screenshot(page, "questionnaires-database-away")
        (tmp_path / "away").rename(folder)
        page.locator('[data-status-for="2"]', has_text=SAVED_PL).wait_for(timeout=40_000)
    with app.app_context():
        saved = {a.item_id: a.value for a in db.session.scalars(sa.select(Answer))}
        db.engine.dispose()
    assert saved == {"1": 2, "2": 6}
