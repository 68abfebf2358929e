"""Pages with personal details say Cache-Control: no-store, so a shared phone's browser or a
proxy keeps none of them: a questionnaire opened from a text's link, a sign-up step holding
her answers, her account pages, staff pages. (tests/test_access_matrix.py checks every page
as every role.)"""

from pairs_group.db import db
from tests import factories
from tests import parents_factories as pf
from tests.account_factories import family_in_group
from tests.conftest import staff_sign_in
from tests.pages import expect_redirect, post_form, url
from tests.questionnaires_factories import grant_link, questionnaire
from tests.security_helpers import fresh_request, log_in


def no_store(client, endpoint, **args):
    """Whether the endpoint's page says no-store (a header: read from the raw response)."""
    response = fresh_request(client, url(client, endpoint, **args))
    assert response.status_code == 200, (endpoint, response.status_code)
    return "no-store" in response.headers.get("Cache-Control", "")


def test_a_questionnaire_opened_from_a_text_is_not_kept(app, client):
    parent, enrolment = family_in_group()
    grant_link(client, parent)
    assert no_store(client, "questionnaires.about", **questionnaire(enrolment))
    expect_redirect(post_form(client, "questionnaires.about", {}, **questionnaire(enrolment)),
                    "questionnaires.section")
    assert no_store(client, "questionnaires.section", number=1, **questionnaire(enrolment))


def test_sign_up_steps_holding_her_answers_are_not_kept(app, client):
    group = pf.open_group()
    post_form(client, "parents.check_eligibility", pf.eligibility_answers())
    post_form(client, "parents.your_details", pf.details_answers())
    assert no_store(client, "parents.your_details")  # her name and number, filled in again
    post_form(client, "parents.consent", pf.CONSENT_YES)
    post_form(client, "parents.about_you", {})
    assert no_store(client, "parents.choose_group")
    pf.choose(client, group)
    assert no_store(client, "parents.signed_up_page")  # her name


def test_her_account_pages_are_not_kept(app, client):
    parent, _enrolment = family_in_group()
    log_in(client, parent)
    for endpoint in ["account.home", "account.edit_settings", "account.my_data",
                     "account.calendar_page"]:
        assert no_store(client, endpoint), endpoint


def test_staff_pages_are_not_kept(app, client):
    user = factories.make_staff("admin")
    db.session.commit()
    staff_sign_in(client, user)
    for endpoint in ["auth.account", "groups.list_groups", "sms.list_messages"]:
        assert no_store(client, endpoint), endpoint


def test_public_pages_may_be_kept_when_no_one_is_signed_in(app, client):
    assert not no_store(client, "pages.privacy")
    assert not no_store(client, "pages.index")
