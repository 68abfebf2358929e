"""On a 390 px phone: an Arabic-speaking mother asks for help with her questionnaire; her
facilitator sees it on the register and answers it with her, on the facilitator's phone, with
an interpreter; the response is recorded as answered with help."""

import pytest
import sqlalchemy as sa

from pairs_group.auth.links import link_url
from pairs_group.db import db
from pairs_group.questionnaires.models import HelpKind, QuestionnaireResponse
from tests import factories
from tests.questionnaires_factories import family

pytestmark = pytest.mark.browser
SECTIONS = [range(1, 6), range(6, 11), range(11, 16), range(16, 19)]


def test_she_asks_for_help_and_her_facilitator_answers_with_her(live_server, live_app, phone,
                                                               browser, screenshot):
    with live_app.app_context():
        parent, enrolment = family(language="ar")
        staff = factories.make_staff("facilitator", email="sam@example.nhs.uk", name="Sam")
        enrolment.group.facilitators.append(staff)
        db.session.commit()
        link = link_url(parent, "questionnaire").replace("http://localhost", live_server.url)
        about = f"{live_server.url}/questionnaires/{enrolment.dyad_id}/prfq/pre/"
        register = f"/staff/sessions/{enrolment.group.sessions[0].id}/register"
        name = parent.name
    phone.goto(link)
    phone.goto(about)
    assert phone.locator("html").get_attribute("lang") == "ar"
    phone.locator("form[action$='/ask-for-help'] button").click()
    phone.locator("form[action$='/ask-for-help']").wait_for(state="detached")
    assert phone.locator("html").get_attribute("lang") == "ar"
    screenshot(phone, "questionnaires-help-asked-ar")

    staff_phone = browser.new_context(viewport={"width": 390, "height": 844},
                                      is_mobile=True, has_touch=True, locale="en-GB").new_page()
    staff_phone.goto(f"{live_server.url}/staff/sign-in?next={register}")
    staff_phone.get_by_label("Email address").fill("sam@example.nhs.uk")
    staff_phone.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    staff_phone.get_by_role("button", name="Sign in").click()
    staff_phone.wait_for_url(f"**{register}")
    staff_phone.get_by_text(f"{name} would like help with the questionnaire").wait_for()
    screenshot(staff_phone, "questionnaires-help-register")
    staff_phone.locator("a[href*='/with-help/']").first.click()
    staff_phone.locator('input[name="language"][value="ar"]').check()
    staff_phone.locator('input[name="helper"][value="interpreter"]').check()
    screenshot(staff_phone, "questionnaires-help-first-step")
    staff_phone.get_by_role("button", name="Continue").click()
    for number, items in enumerate(SECTIONS, 1):
        staff_phone.wait_for_url(f"**/with-help/section/{number}")
        for item in items:
            staff_phone.locator(f'input[name="item-{item}"][value="5"]').check()
        staff_phone.get_by_role("button", name="Continue").click()
    staff_phone.wait_for_url("**/with-help/review")
    width = staff_phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the review page is {width} px wide"
    screenshot(staff_phone, "questionnaires-help-review")
    staff_phone.get_by_role("button", name="Send my answers").click()
    staff_phone.get_by_text("recorded as answered with help").wait_for()
    staff_phone.context.close()
    with live_app.app_context():
        response = db.session.scalar(sa.select(QuestionnaireResponse))
        assert response.is_submitted and response.assisted
        assert (response.help_language, response.help_kind) == ("ar", HelpKind.INTERPRETER)
        assert response.help_requested_at is None
