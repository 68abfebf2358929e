"""Referrals: a professional refers a family at /refer, the family gets a text in her language
with a link that opens her sign-up filled in, she completes it herself and is linked to the
referral; unanswered invitations get one reminder then lapse; staff see and close them."""

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db, utcnow
from pairs_group.parents.models import AboutYou, Parent, PendingSignUp
from pairs_group.referrals import service
from pairs_group.referrals.models import Referral, ReferralStatus
from pairs_group.sms.models import OutboxMessage
from pairs_group.sms.service import dispatch_due, wait_for_hand_offs
from tests import factories
from tests import parents_factories as pf
from tests import referrals_factories as rf
from tests.conftest import count_rows
from tests.pages import expect_redirect, get_page, post_form, post_page
from tests.sms_factories import FakeTwilioHttp


def texts(kind):
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.id)).all()


def summary_value(page, key):
    """The value beside key in the page's summary list."""
    return page.text_of(f'.nhsuk-summary-list__row:has(dt:-soup-contains("{key}")) dd')


def refer(client, **extra):
    response = post_form(client, "referrals.refer", rf.form(**extra))
    return expect_redirect(response, "referrals.referral_sent")


# ---- the form ----

def test_a_midwife_refers_a_family_and_the_invitation_goes_in_her_language(client):
    page = get_page(client, "referrals.refer")
    assert page.title.startswith("Refer a family")
    done = get_page(client, refer(client, first_name="Amal  ", interpreter="yes",
                                  interpreter_language="Tigrinya", discreet="y"))
    assert done.text_of("h1") == "Referral sent"
    assert "Amal" not in done.text  # her name nowhere on the referrer's page
    assert done.shows("main p", "invitation is on its way")
    referral = db.session.scalar(sa.select(Referral))
    assert referral.status == ReferralStatus.INVITED and referral.invited_at is not None
    assert (referral.first_name, referral.language, referral.postcode) == ("Amal", "ar", "SW9 9AA")
    assert referral.referrer_role == "midwife" and referral.referrer_phone == "+447911190000"
    assert referral.interpreter_language == "Tigrinya" and referral.discreet_sms
    assert referral.baby_due_date and referral.baby_date_of_birth is None
    [invitation] = texts("referral_invitation")
    assert invitation.to == referral.mobile and invitation.language == "ar"
    assert invitation.parent_id is None and invitation.context["discreet"] is True
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.target_type == "Referral")) == "referrals.create"


@pytest.mark.parametrize("change, field, message", [
    ({"mobile": "020 7946 0000"}, "mobile", "Enter a UK mobile number"),
    ({"referrer_phone": "", "tell_referrer": "no"}, "referrer_phone",
     "Enter a work email address or phone number"),
    ({"referrer_phone": "020 3228 0000"}, "tell_referrer", "give a work mobile number"),
    ({"referrer_email": "not an address", "referrer_phone": ""}, "referrer_email",
     "Enter an email address"),
    ({"postcode": "XX1"}, "postcode", "Enter a real UK postcode"),
    ({"referrer_role": "astronaut"}, "referrer_role", "Choose one of the answers"),
    ({"baby_status": ""}, "baby_status", "Choose if the baby is born"),
    ({"interpreter": "yes"}, "interpreter_language", "Enter the language she needs"),
    ({"first_name": " "}, "first_name", "Enter the parent's first name"),
    ({"consent": ""}, "consent", "Confirm that you have the family's consent"),
])
def test_bad_input_is_said_clearly_what_she_typed_is_kept_and_nothing_is_stored(
        client, change, field, message):
    data = rf.form(**change)
    page = post_page(client, "referrals.refer", data)
    summary = page.select_one(".nhsuk-error-summary")
    assert message in summary.get_text(" ")
    assert summary.select_one(f'a[href^="#{field}"]')
    assert page.field_value("referrer_team") == "King's community midwives"
    assert page.field_value("first_name") == data["first_name"]
    assert count_rows(Referral) == 0 and count_rows(OutboxMessage) == 0


def test_a_number_already_signed_up_gets_the_same_answer_and_no_invitation(client):
    known = factories.make_dyad(mobile="+447911160001").parent
    db.session.commit()
    assert refer(client, mobile="07911 160001") == refer(client)  # the same page either way
    first, _second = db.session.scalars(sa.select(Referral).order_by(Referral.id)).all()
    assert first.mobile == known.mobile and first.status == ReferralStatus.NEW
    assert [t.to for t in texts("referral_invitation")] == [_second.mobile]


def test_referrals_from_one_address_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REFERRAL_LIMIT="2 per hour",
                   RATELIMIT_KEY_PREFIX="pairs-test-refer-" + uuid.uuid4().hex)
    client = app.test_client()
    with app.app_context():
        codes = [post_form(client, "referrals.refer", rf.form()).status_code for _ in range(3)]
        assert codes == [302, 302, 429]
        assert count_rows(Referral) == 2


def test_a_referral_without_its_csrf_token_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = post_form(app.test_client(), "referrals.refer", rf.form())
        assert response.status_code == 400 and count_rows(Referral) == 0


# ---- the texts, through the real Twilio client ----

@pytest.mark.parametrize("language, words", [
    ("pt", "convidada"), ("ar", "مدعوة"),
])
def test_the_invitation_reaches_twilio_in_her_language_with_a_short_link(
        twilio_app, language, words):
    client = twilio_app.test_client()
    refer(client, language=language, first_name="Amal")
    wait_for_hand_offs(twilio_app)
    dispatch_due()
    [sent] = [r for r in FakeTwilioHttp.requests if "/t/" in r["Body"]]
    assert sent["Body"].startswith(("Olá Amal", "مرحبًا Amal")) and words in sent["Body"]
    assert "Together Time" in sent["Body"]
    link = urlsplit(sent["Body"].split()[-1])
    assert link.path.startswith("/t/") and len(link.path) == 15


def test_a_discreet_invitation_names_no_service(twilio_app):
    refer(twilio_app.test_client(), language="pt", discreet="y")
    wait_for_hand_offs(twilio_app)
    dispatch_due()
    [sent] = [r for r in FakeTwilioHttp.requests if "/t/" in r["Body"]]
    assert "Together Time" not in sent["Body"] and "convidada" in sent["Body"]


# ---- her sign-up, filled in from the referral ----

def follow_invitation(client, referral_id):
    message = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "referral_invitation",
        OutboxMessage.context["referral"].as_integer() == referral_id))
    short = urlsplit(message.context["link"]).path
    invited = client.get(short)
    assert invited.status_code == 302 and invited.headers["Location"].startswith("/invited/")
    return client.get(invited.headers["Location"])


def test_the_invited_mother_checks_her_prefilled_sign_up_and_joins_linked_to_the_referral(
        client):
    group = pf.open_group(languages=("en", "ar"))
    refer(client, mobile="07911 160002")
    referral = db.session.scalar(sa.select(Referral))
    response = follow_invitation(client, referral.id)
    eligibility = get_page(client, expect_redirect(response, "parents.check_eligibility"))
    assert eligibility.lang == "ar"  # her language, from the referral
    assert eligibility.field_value("postcode") == "SW9 9AA"
    assert eligibility.field_value("baby_status") == "pregnant"
    due = referral.baby_due_date
    assert eligibility.field_value("due_date[year]") == str(due.year)
    assert count_rows(Parent) == 0  # nothing enrolled without her
    expect_redirect(post_form(client, "parents.check_eligibility", {
        "postcode": "SW9 9AA", "baby_status": "pregnant", "due_date[day]": str(due.day),
        "due_date[month]": str(due.month), "due_date[year]": str(due.year)}),
        "parents.your_details")
    details = get_page(client, "parents.your_details")
    assert details.field_value("name") == "Amal"
    assert details.field_value("mobile") == "07911 160002"
    assert details.field_value("language") == "ar"
    expect_redirect(post_form(client, "parents.your_details", pf.details_answers(
        "07911 160002", name="Amal Haddad", language="ar", baby_name="")), "parents.consent")
    expect_redirect(post_form(client, "parents.consent", pf.CONSENT_YES), "parents.about_you")
    expect_redirect(post_form(client, "parents.about_you", {"heard_from": "friend_or_family"}),
                    "parents.choose_group")
    expect_redirect(pf.choose(client, group), "parents.signed_up_page")
    db.session.expire_all()
    parent = db.session.scalar(sa.select(Parent))
    assert parent.name == "Amal Haddad" and referral.parent_id == parent.id
    assert referral.status == ReferralStatus.JOINED and referral.joined_at is not None
    assert db.session.scalar(sa.select(AboutYou.heard_from)) == "midwife"
    assert count_rows(PendingSignUp) == 0
    [told] = texts("referral_outcome")
    assert told.to == "+447911190000" and told.language == "en"
    assert told.context["outcome"] == "joined" and "Amal" not in str(told.context)


def test_a_closed_or_forged_invitation_says_so_and_she_can_still_join(client):
    referral = rf.make_referral(status=ReferralStatus.LAPSED)
    db.session.commit()
    link = service.invitation_link(referral)
    db.session.commit()
    target = client.get(urlsplit(link).path).headers["Location"]
    page = get_page(client, target, 404)
    assert page.text_of("h1") == "This invitation is closed"
    assert get_page(client, "/invited/forged", 404).text_of("h1") == "This invitation is closed"
    assert count_rows(PendingSignUp) == 0


# ---- reminder, then lapse (the due work) ----

def test_an_unanswered_invitation_gets_one_reminder_then_lapses(app, runner):
    referral = rf.make_referral(invited_at=utcnow() - timedelta(days=8), tell_referrer=True)
    fresh = rf.make_referral()
    db.session.commit()
    assert "1 reminders queued, 0 invitations lapsed" in runner.invoke(
        args=["referrals", "send-due"]).output
    assert "0 reminders queued" in runner.invoke(args=["referrals", "send-due"]).output
    [reminder] = texts("referral_reminder")
    assert reminder.to == referral.mobile and reminder.language == "ar"
    assert "== referrals send-due" in runner.invoke(args=["run-due"]).output  # cron runs it
    later = (utcnow() + timedelta(days=14)).isoformat()
    result = runner.invoke(args=["referrals", "send-due", "--now", later])
    assert "1 reminders queued, 1 invitations lapsed" in result.output  # the fresh one's turn
    db.session.expire_all()
    assert referral.status == ReferralStatus.LAPSED and referral.closed_at is not None
    assert fresh.status == ReferralStatus.INVITED and fresh.reminded_at is not None
    assert [t.context["outcome"] for t in texts("referral_outcome")] == ["lapsed"]


def test_the_reminder_and_lapse_days_are_settings(make_app):
    app = make_app(REFERRAL_REMINDER_DAYS=2, REFERRAL_LAPSE_DAYS=3)
    with app.app_context():
        referral = rf.make_referral(invited_at=utcnow() - timedelta(days=2, hours=1))
        db.session.commit()
        assert service.send_due() == {"reminders": 1, "lapsed": 0}
        assert service.send_due(utcnow() + timedelta(days=1)) == {"reminders": 0, "lapsed": 1}
        assert referral.status == ReferralStatus.LAPSED


# ---- staff ----

def test_staff_filter_the_list_by_status_and_see_the_referrer(client, sign_in):
    rf.make_referral(first_name="Amal", referrer_role="health_visitor",
                     referrer_team="Stockwell HV team")
    rf.make_referral(first_name="Joana", status=ReferralStatus.LAPSED)
    db.session.commit()
    sign_in("facilitator")
    page = get_page(client, "referral_staff.list_referrals")
    assert page.texts("tbody td:nth-child(2)") == ["Joana", "Amal"]
    referred_by = page.text_of('tbody tr:has(a:-soup-contains("Amal")) td:nth-child(3)')
    assert "Health visitor" in referred_by and "Stockwell HV team" in referred_by
    lapsed = get_page(client, "referral_staff.list_referrals", query={"status": "lapsed"})
    assert lapsed.texts("tbody td:nth-child(2)") == ["Joana"]
    assert get_page(client, "referral_staff.list_referrals", query={"status": "x"}).select(
        ".nhsuk-error-summary")
    assert "Referrals" in get_page(client, "referral_staff.list_referrals").texts("nav a")


def test_staff_record_an_outcome_audited_and_the_referrer_is_told_without_detail(
        client, sign_in):
    referral = rf.make_referral(tell_referrer=True, notes="Low mood since the birth")
    quiet = rf.make_referral(tell_referrer=False)
    db.session.commit()
    user = sign_in("admin")
    page = get_page(client, "referral_staff.show_referral", referral_id=referral.id)
    assert "Rose Midwife" in summary_value(page, "Referred by")
    assert summary_value(page, "Work phone number") == "07911 190000"
    assert post_page(client, "referral_staff.show_referral", {},
                     400, referral_id=referral.id).select(".nhsuk-error-summary")
    for target in (referral, quiet):
        expect_redirect(post_form(client, "referral_staff.show_referral",
                                  {"outcome": "declined"}, referral_id=target.id),
                        "referral_staff.show_referral", referral_id=target.id)
    db.session.expire_all()
    assert referral.status == ReferralStatus.DECLINED and referral.outcome_by_id == user.id
    [told] = texts("referral_outcome")
    assert told.to == "+447911190000" and told.context == {
        "referred_on": told.context["referred_on"], "ref": f"R{referral.id}",
        "outcome": "declined"}
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "referrals.outcome")).all()
    assert {e.target_id for e in events} == {str(referral.id), str(quiet.id)}
    expect_redirect(post_form(client, "referral_staff.show_referral", {"outcome": "not_eligible"},
                              referral_id=referral.id), "referral_staff.show_referral",
                    referral_id=referral.id)
    db.session.expire_all()
    assert referral.status == ReferralStatus.DECLINED  # a closed referral stays closed
    expect_redirect(post_form(client, "referral_staff.show_referral", {"outcome": "contacted"},
                              referral_id=referral.id), "referral_staff.show_referral",
                    referral_id=referral.id)
    db.session.expire_all()
    assert referral.contacted_at is not None and len(texts("referral_outcome")) == 1


def test_the_outcome_text_says_no_clinical_detail(app):
    from pairs_group.sms.service import render_example

    text = render_example("referral_outcome", "en")
    assert text == ("Together Time: about the family you referred on 30 Sept 2027 "
                    "(ref R12345): she has decided not to join for now.")


# ---- the demo ----

def test_the_demo_has_referrals_from_every_source_in_every_state(app):
    from pairs_group.demo import create_demo_data
    from pairs_group.parents.choices import REFERRER_ROLES

    create_demo_data()
    create_demo_data()  # twice: nothing doubles
    referrals = db.session.scalars(sa.select(Referral)).all()
    assert {r.referrer_role for r in referrals} == {code for code, _label in REFERRER_ROLES}
    assert {r.status for r in referrals} == set(ReferralStatus)
    joined = [r for r in referrals if r.status == ReferralStatus.JOINED]
    assert all(r.parent_id and r.joined_at > r.created_at for r in joined)
    assert len({r.id for r in referrals}) == len(referrals) == count_rows(Referral)
    assert any(r.pregnant_when_referred for r in joined)
    assert any(not r.pregnant_when_referred for r in joined)


# ---- her data ----

@pytest.mark.parametrize("agreed", [True, False])
def test_deleting_her_account_keeps_only_a_nameless_referral_and_only_if_she_agreed(
        app, agreed):
    from pairs_group.account import erasure

    parent = factories.make_dyad(mobile="+447911160009").parent
    referral = rf.make_referral(parent=parent, mobile=parent.mobile, notes="Lives with her mum",
                                status=ReferralStatus.JOINED, interpreter_language="Somali")
    db.session.commit()
    referral_id = referral.id
    erasure.erase_parent(parent, keep_anonymised=agreed)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Referral, referral_id)
    if not agreed:
        assert kept is None
        return
    assert (kept.first_name, kept.mobile, kept.postcode, kept.notes) == ("", "", "", "")
    assert kept.interpreter_language == "" and kept.baby_due_date is None
    assert (kept.referrer_role, kept.status) == ("midwife", ReferralStatus.JOINED)


def test_her_referral_is_in_her_data_in_her_language(app, client):
    from tests.account_factories import family_in_group, sign_in_parent

    parent, _enrolment = family_in_group()
    parent.language = "pt"
    rf.make_referral(parent=parent, mobile=parent.mobile, status=ReferralStatus.JOINED)
    db.session.commit()
    sign_in_parent(client, parent)
    page = get_page(client, "account.my_data")
    assert "O seu encaminhamento" in page.texts("h2")
    values = page.texts(".nhsuk-summary-list__value")
    assert "Parteira" in values and "King's community midwives" in values
    assert "Inscreveu-se" in values  # the status, in her words
