"""Pages with personal details say Cache-Control: no-store, so a shared phone's browser or a
proxy keeps none of them: a questionnaire opened from a text's link, a sign-up step holding
her answers, her account pages, staff pages. (tests/test_access_matrix.py checks every page
as every role.)"""

from pairs_group.db import db
from tests import factories
from tests import parents_factories as pf
from tests.account_factories import family_in_group
from tests.conftest import staff_sign_in
from tests.questionnaires_factories import base, grant_link
from tests.security_helpers import fresh_request, log_in


def no_store(client, url):
    response = fresh_request(client, url)
    assert response.status_code == 200, (url, response.status_code)
    return "no-store" in response.headers.get("Cache-Control", "")


def test_a_questionnaire_opened_from_a_text_is_not_kept(app, client):
    parent, enrolment = family_in_group()
    grant_link(client, parent)
    assert no_store(client, base(enrolment) + "/")
    client.post(base(enrolment) + "/", data={})
    assert no_store(client, base(enrolment) + "/section/1")


def test_sign_up_steps_holding_her_answers_are_not_kept(app, client):
    group = pf.open_group()
    client.post("/join", data=pf.eligibility_answers())
    client.post("/join/your-details", data=pf.details_answers())
    assert no_store(client, "/join/your-details")  # her name and number, filled in again
    client.post("/join/consent", data=pf.CONSENT_YES)
    client.post("/join/about-you", data={})
    assert no_store(client, "/join/choose-a-group")
    pf.choose(client, group)
    assert no_store(client, "/join/done")  # her name


def test_her_account_pages_are_not_kept(app, client):
    parent, _enrolment = family_in_group()
    log_in(client, parent)
    for url in ["/my-account", "/my-account/settings", "/my-account/my-data",
                "/my-account/calendar"]:
        assert no_store(client, url), url


def test_staff_pages_are_not_kept(app, client):
    user = factories.make_staff("admin")
    db.session.commit()
    staff_sign_in(client, user)
    for url in ["/staff/account", "/staff/groups/", "/staff/texts/"]:
        assert no_store(client, url), url


def test_public_pages_may_be_kept_when_no_one_is_signed_in(app, client):
    assert not no_store(client, "/privacy")
    assert not no_store(client, "/")
