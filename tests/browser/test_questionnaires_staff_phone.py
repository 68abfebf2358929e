"""A facilitator on a phone sees who has done their questionnaires, records a LOAF rating and
sends a reminder; a Polish parent sees English items inside a Polish page."""

import pytest
import sqlalchemy as sa

from pairs_group.auth.links import link_url
from pairs_group.db import db
from pairs_group.questionnaires import answering, instruments
from pairs_group.questionnaires.models import Score
from pairs_group.sms.models import OutboxMessage
from tests import factories
from tests.questionnaires_factories import family

pytestmark = pytest.mark.browser


def test_a_facilitator_follows_completion_and_rates_loaf(live_server, live_app, phone,
                                                         screenshot):
    with live_app.app_context():
        parent, enrolment = family()
        _other, other = family()
        other.group = enrolment.group
        staff = factories.make_staff("facilitator", email="sam@example.nhs.uk", name="Sam")
        enrolment.group.facilitators.append(staff)
        response = answering.start_response(other.dyad, instruments.get("prfq"), "pre")
        answering.save_answers(response, {"1": 3, "2": 4, "7": 5})
        db.session.commit()
        group_id, dyad_id, name = enrolment.group_id, enrolment.dyad_id, parent.name
    page = phone
    overview = f"/staff/questionnaires/groups/{group_id}"
    page.goto(f"{live_server.url}/staff/sign-in?next={overview}")
    page.get_by_label("Email address").fill("sam@example.nhs.uk")
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{overview}")
    screenshot(page, "questionnaires-staff-overview")
    page.goto(f"{live_server.url}/staff/questionnaires/groups/{group_id}/dyads/{dyad_id}/loaf")
    page.get_by_label("Level 2: strained to concerning").first.check()
    page.locator('input[name="item-part_b"][value="1"]').check()
    page.get_by_label("Rated by").fill("Sam Okoye")
    page.get_by_label("Date of the rating").fill("2026-11-20")
    screenshot(page, "questionnaires-staff-loaf")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{overview}")
    page.get_by_role("button", name=f"Send reminder to {name}").first.click()
    page.get_by_text("A reminder text is on its way").wait_for()
    screenshot(page, "questionnaires-staff-reminded")
    with live_app.app_context():
        assert {s.subscale: s.value for s in db.session.scalars(sa.select(Score))} == {
            "part_a": 2.0, "part_b": 1.0}
        assert db.session.scalar(sa.select(OutboxMessage.kind)) == "questionnaire_reminder"


def test_a_polish_parent_sees_english_items_in_a_polish_page(live_server, live_app, phone,
                                                            screenshot):
    with live_app.app_context():
        parent, enrolment = family(language="pl")
        link = link_url(parent, "questionnaire").replace("http://localhost", live_server.url)
        about = f"/questionnaires/{enrolment.dyad_id}/prfq/pre/?lang=pl"
    phone.goto(link)
    phone.goto(live_server.url + about)
    screenshot(phone, "questionnaires-polish-about")
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_url("**/section/1")
    assert phone.locator("html").get_attribute("lang") == "pl"
    assert phone.locator('div[lang="en"] legend').count() == 5
    screenshot(phone, "questionnaires-polish-section")
