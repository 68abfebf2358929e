"""Signing up, step by step: what is stored at the end, and what is never stored half-done."""

from datetime import date, timedelta

import sqlalchemy as sa
from babel.dates import format_datetime
from icalendar import Calendar

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db
from pairs_group.parents.consents import current_consent, withdraw_consent
from pairs_group.parents.models import (
    AboutYou,
    Baby,
    Consent,
    Dyad,
    Enrolment,
    EnrolmentStatus,
    Parent,
    PendingSignUp,
)
from pairs_group.sms.models import OutboxMessage
from pairs_group.times import in_london
from tests import parents_factories as pf
from tests.conftest import count_rows
from tests.pages import Page, expect_redirect, get_page, post_form, post_page, url


def stored_people():
    return [count_rows(model) for model in (Parent, Baby, Dyad, Enrolment, Consent, AboutYou)]


def step(client, endpoint, data, then, **args):
    """Answer one sign-up step; it must send her on to the step named then."""
    return expect_redirect(post_form(client, endpoint, data), then, **args)


def test_the_landing_page_says_it_is_free_and_starts_the_sign_up(client):
    pf.open_group()
    page = get_page(client, "pages.index", lang="pt")
    assert page.lang == "pt"
    assert "gratuito" in page.text_of(".nhsuk-lede-text")
    join = url(client, "parents.check_eligibility")
    assert page.text_of(f'a[href="{join}"]') == "Começar agora"
    assert page.shows("main li", "Todas as semanas")  # when and where groups meet


def test_a_parent_signs_up_and_everything_is_stored_at_the_end(client, app):
    group = pf.open_group()
    mobile = pf.sign_up_until_group_choice(client, about={
        "ethnic_group": "black_african", "gender": "prefer_not_to_say", "heard_from": "midwife"})
    assert stored_people() == [0, 0, 0, 0, 0, 0]
    page = get_page(client, "parents.choose_group")
    [card] = page.select(".nhsuk-card")
    assert card.select_one(".nhsuk-card__heading").get_text(strip=True) == group.venue.name
    assert "places left" in card.get_text()
    response = pf.choose(client, group)
    parent = db.session.scalar(sa.select(Parent))
    assert parent.mobile == "+44" + mobile.replace(" ", "")[1:]
    assert parent.language == "pt" and parent.postcode == "SW9 9AA"
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.status == EnrolmentStatus.ENROLLED and enrolment.group_id == group.id
    assert current_consent(parent, "sms") is True and current_consent(parent, "evaluation")
    assert count_rows(PendingSignUp) == 0
    done = expect_redirect(response, "parents.signed_up_page", lang="pt")  # her language
    assert get_page(client, done).text_of("h1") == "You have joined Together Time"


def test_skipped_questions_and_prefer_not_to_say_stay_different(client):
    group = pf.open_group()
    pf.sign_up_until_group_choice(client, about={"gender": "prefer_not_to_say"})
    pf.choose(client, group)
    about = db.session.scalar(sa.select(AboutYou))
    assert about.gender == "prefer_not_to_say"
    assert about.ethnic_group is None and about.heard_from is None


def test_the_welcome_text_is_sent_in_her_language(client, app):
    group = pf.open_group()
    pf.sign_up_until_group_choice(client)
    pf.choose(client, group)
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "welcome"))
    assert message.language == "pt" and message.context["venue"] == group.venue.name
    assert message.context["starts_at"] == group.sessions[0].starts_at.isoformat()
    assert message.status in ("sent", "deferred_quiet_hours")


def test_after_the_welcome_a_text_link_puts_her_sessions_in_her_calendar(client, app):
    """Followed on her phone, not signed in: her calendar downloads, in her language; the
    feed (a lasting secret address) still needs her to sign in."""
    group = pf.open_group()
    pf.sign_up_until_group_choice(client, lang="pt")
    pf.choose(client, group)
    sent = app.extensions["sms_backend"].sent
    assert [m["kind"] for m in sent][-2:] == ["welcome", "calendar_link"]
    text = sent[-1]
    assert text["language"] == "pt" and text["body"].startswith("Para pôr as sessões")
    phone = app.test_client()
    landing = phone.get(text["body"].split("http://localhost")[1])
    while landing.status_code == 302:
        landing = phone.get(landing.headers["Location"])
    page = Page(landing).check(200)
    assert page.lang == "pt" and page.text_of("h1") == "Adicionar ao meu calendário"
    assert not page.select("form")  # no feed address without signing in
    [download] = page.select("main a[download]")
    response = phone.get(download["href"])
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert len(Calendar.from_ical(response.data).walk("VEVENT")) == len(group.sessions)
    expect_redirect(phone.get(url(phone, "account.my_data")), "account.sign_in")


def test_no_welcome_text_is_sent_without_her_yes(client, app):
    group = pf.open_group()
    mobile = pf.new_mobile()
    step(client, "parents.check_eligibility", pf.eligibility_answers(), "parents.your_details")
    step(client, "parents.your_details", pf.details_answers(mobile), "parents.consent")
    step(client, "parents.consent", {"sms": "no", "evaluation": "no"}, "parents.about_you")
    step(client, "parents.about_you", {}, "parents.choose_group")
    expect_redirect(pf.choose(client, group), "parents.signed_up_page")
    sent = getattr(app.extensions.get("sms_backend"), "sent", [])
    assert not [m for m in sent if m["kind"] == "welcome"]
    parent = db.session.scalar(sa.select(Parent))
    assert current_consent(parent, "sms") is False


def test_a_parent_outside_the_area_gets_a_kind_page_and_nothing_is_stored(client, app):
    pf.open_group()
    app.config["NOT_ELIGIBLE_LINK"] = "https://example.org/family-hubs"
    page = get_page(client, step(client, "parents.check_eligibility",
                                 pf.eligibility_answers(postcode="N1 9GU"),
                                 "parents.not_eligible"))
    assert page.shows("p", "your postcode is not in it")
    assert page.select_one('a[href="https://example.org/family-hubs"]')
    assert count_rows(PendingSignUp) == 0 and stored_people()[0] == 0


def test_the_service_wide_area_is_configuration(client, app):
    pf.open_group(postcode_areas="")
    app.config["ELIGIBLE_POSTCODE_AREAS"] = "SE11, SW8"
    step(client, "parents.check_eligibility", pf.eligibility_answers(postcode="SW9 9AA"),
         "parents.not_eligible")
    step(client, "parents.check_eligibility", pf.eligibility_answers(postcode="sw8 1aa"),
         "parents.your_details")


def test_a_baby_too_old_for_every_group_is_told_why(client):
    pf.open_group(max_baby_age_weeks=26)
    page = get_page(client, step(client, "parents.check_eligibility",
                                 pf.eligibility_answers(weeks=40), "parents.not_eligible"))
    assert page.shows("p", "babies of a different age")


def test_a_pregnant_parent_can_join_a_group_that_takes_pregnant_parents(client):
    pf.open_group()
    due = date.today() + timedelta(weeks=10)
    step(client, "parents.check_eligibility", {
        "postcode": "SE5 8AB", "baby_status": "pregnant", "due_date[day]": due.day,
        "due_date[month]": due.month, "due_date[year]": due.year,
        "date_of_birth[day]": "nonsense"}, "parents.your_details")


def test_eligibility_mistakes_are_explained_and_what_she_typed_is_kept(client):
    page = post_page(client, "parents.check_eligibility", {
        "postcode": "NOT A CODE", "baby_status": "born", "date_of_birth[day]": "31",
        "date_of_birth[month]": "2", "date_of_birth[year]": "2026"})
    assert page.title.startswith("Error:")
    assert page.shows(".nhsuk-error-message", "Enter a real UK postcode")
    assert page.shows(".nhsuk-error-message", "must be a real date")
    assert page.field_value("postcode") == "NOT A CODE"
    assert page.field_value("date_of_birth[day]") == "31"
    assert count_rows(PendingSignUp) == 0


def test_a_missing_part_of_a_date_is_named(client):
    page = post_page(client, "parents.check_eligibility", {
        "postcode": "SW9 9AA", "baby_status": "born", "date_of_birth[day]": "3",
        "date_of_birth[year]": "2026"})
    assert page.shows(".nhsuk-error-message", "must include a month")


def test_future_birth_dates_and_missing_answers_are_errors(client):
    future = date.today() + timedelta(days=3)
    page = post_page(client, "parents.check_eligibility", {
        "postcode": "SW9 9AA", "baby_status": "born", "date_of_birth[day]": future.day,
        "date_of_birth[month]": future.month, "date_of_birth[year]": future.year})
    assert page.shows(".nhsuk-error-message", "must be today or in the past")
    page = post_page(client, "parents.check_eligibility", {})
    assert page.shows(".nhsuk-error-message", "Enter your postcode")
    assert page.shows(".nhsuk-error-message", "Choose if your baby is born or you are pregnant")


def test_hostile_values_never_break_a_step(client):
    pf.open_group()
    huge = "x" * 100_000
    for data in ({"postcode": huge, "baby_status": huge, "date_of_birth[day]": huge},
                 {"postcode": ["SW9 9AA", "N1"], "baby_status": "born",
                  "date_of_birth[day]": "-1", "date_of_birth[month]": "99",
                  "date_of_birth[year]": "99999999"}):
        post_page(client, "parents.check_eligibility", data)
    step(client, "parents.check_eligibility", pf.eligibility_answers(), "parents.your_details")
    page = post_page(client, "parents.your_details", pf.details_answers(
        name=huge[:5000], mobile="not a phone", relationship="queen", language="xx",
        email="nope", needs_interpreter="yes"))
    for message in ("120 characters or fewer", "Enter a UK mobile number", "Choose one of",
                    "Enter an email address", "Enter the language you need an interpreter"):
        assert page.shows(".nhsuk-error-message", message), message
    step(client, "parents.your_details", pf.details_answers(), "parents.consent")
    page = post_page(client, "parents.consent", {"sms": "maybe"})
    assert page.shows(".nhsuk-error-message", "Choose one of the answers")
    assert page.shows(".nhsuk-error-message", "Choose yes or no for using your answers")
    step(client, "parents.consent", pf.CONSENT_YES, "parents.about_you")
    page = post_page(client, "parents.about_you", {"ethnic_group": "martian", "age_band": huge})
    assert page.shows(".nhsuk-error-message", "Choose one of the answers")


def test_a_tampered_group_id_is_refused_and_nothing_is_stored(client):
    group = pf.open_group()
    elsewhere = pf.open_group(postcode_areas="N1")
    pf.sign_up_until_group_choice(client)
    for group_id in (elsewhere.id, 999999, "abc", "", "1" * 400):
        page = post_page(client, "parents.choose_group", {"group_id": group_id}, status=400)
        assert "Choose one of the groups" in page.text_of(".nhsuk-error-summary")
    assert stored_people() == [0, 0, 0, 0, 0, 0]
    expect_redirect(pf.choose(client, group), "parents.signed_up_page")


def test_steps_cannot_be_skipped(client):
    pf.open_group()
    def opens(endpoint):
        return client.get(url(client, endpoint))

    expect_redirect(opens("parents.consent"), "parents.check_eligibility")
    step(client, "parents.check_eligibility", pf.eligibility_answers(), "parents.your_details")
    expect_redirect(opens("parents.about_you"), "parents.your_details")
    expect_redirect(opens("parents.choose_group"), "parents.your_details")


def test_an_expired_sign_up_starts_again_and_keeps_nothing(client, app):
    pf.open_group()
    step(client, "parents.check_eligibility", pf.eligibility_answers(), "parents.your_details")
    pending = db.session.scalar(sa.select(PendingSignUp))
    pending.expires_at = pending.created_at - timedelta(seconds=1)
    db.session.commit()
    response = client.get(url(client, "parents.your_details"))
    page = get_page(client, expect_redirect(response, "parents.check_eligibility", expired=1))
    assert "took too long" in page.text_of("[role=status]")
    result = app.test_cli_runner().invoke(args=["sign-ups", "forget-expired"])
    assert "1 unfinished sign-ups deleted" in result.output
    assert count_rows(PendingSignUp) == 0


def test_the_last_place_taken_meanwhile_offers_the_waiting_list(client):
    group = pf.open_group(capacity=1)
    first, second = client, client.application.test_client()
    pf.sign_up_until_group_choice(first)
    pf.sign_up_until_group_choice(second)
    pf.choose(first, group)
    page = post_page(second, "parents.choose_group", {"group_id": group.id, "waiting": "no"},
                     status=400)
    assert "someone has just taken the last place" in page.text_of(".nhsuk-error-summary")
    assert "Join the waiting list" in page.texts(".nhsuk-card button")
    assert count_rows(Parent) == 1
    expect_redirect(pf.choose(second, group, waiting="yes"), "parents.signed_up_page")
    waiting = db.session.scalars(sa.select(Enrolment).where(
        Enrolment.status == EnrolmentStatus.WAITING)).all()
    assert len(waiting) == 1
    done = get_page(second, "parents.signed_up_page")
    assert done.text_of("h1") == "You are on the waiting list"


def test_the_waiting_list_says_which_group_and_a_text_confirms_it(client, app):
    """A venue may have a Tuesday group with places and a full Thursday one: the done page and
    her text name the day of the group she waits for, in her language."""
    group = pf.open_group(capacity=0)
    pf.sign_up_until_group_choice(client, lang="pt")
    expect_redirect(pf.choose(client, group, waiting="yes"), "parents.signed_up_page")
    done = get_page(client, "parents.signed_up_page")
    day = format_datetime(in_london(group.first_session_at), "EEEE", locale="pt_PT")
    assert done.lang == "pt" and day in done.text_of("main")
    assert done.shows("main p.nhsuk-body-l", group.venue.name)
    [text] = [m for m in app.extensions["sms_backend"].sent if m["kind"] == "waiting_list_joined"]
    assert text["language"] == "pt"
    assert text["body"] == (f"Together Time: está na lista de espera de {group.venue.name}, "
                            f"{day}. Avisamos quando houver vaga.")


def test_consent_can_be_withdrawn_and_the_history_is_kept(client):
    group = pf.open_group()
    pf.sign_up_until_group_choice(client)
    pf.choose(client, group)
    parent = db.session.scalar(sa.select(Parent))
    withdraw_consent(parent, "evaluation")
    db.session.commit()
    assert current_consent(parent, "evaluation") is False
    rows = db.session.scalars(sa.select(Consent).where(Consent.kind == "evaluation")).all()
    assert [r.answer for r in rows] == [True, False]
    assert all(r.wording_version == "evaluation-2026-1" for r in rows)
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "consent.withdraw"))


def test_the_privacy_notice_explains_pseudonymised_evaluation(client):
    page = get_page(client, "pages.privacy")
    assert page.shows("main li", "nobody can tell the answers are yours")


def test_checking_many_numbers_is_slowed_down(make_app):
    app = make_app(RATELIMIT_ENABLED=True, SIGN_UP_DETAILS_LIMIT="3 per hour")
    with app.app_context():
        pf.open_group()
        client = app.test_client()
        step(client, "parents.check_eligibility", pf.eligibility_answers(),
             "parents.your_details")
        for status in (200, 200, 200, 429):
            post_page(client, "parents.your_details", pf.details_answers(mobile="1"), status)


def hinted_date(page, field):
    """The example date in a date field's hint ("For example, 15 9 2026")."""
    day, month, year = page.text_of(f"#{field}-hint").split(",")[-1].split()
    return date(int(year), int(month), int(day))


def test_the_date_examples_are_a_birth_in_the_past_and_a_due_date_to_come(client):
    page = get_page(client, "parents.check_eligibility")
    assert hinted_date(page, "date_of_birth") < date.today() < hinted_date(page, "due_date")
    assert page.text_of("#due_date-hint").startswith("For example,")


def test_checking_her_answers_again_brings_back_what_she_typed(client):
    pf.open_group()
    born = date.today() - timedelta(weeks=10)
    page = get_page(client, step(client, "parents.check_eligibility",
                                 pf.eligibility_answers(postcode="n1 9gu"),
                                 "parents.not_eligible"))
    again = page.select_one("main a:-soup-contains('Check your answers again')")["href"]
    page = get_page(client, again)
    assert page.field_value("postcode") == "n1 9gu"
    assert page.field_value("baby_status") == "born"
    assert [page.field_value(f"date_of_birth[{part}]") for part in ("day", "month", "year")] \
        == [str(born.day), str(born.month), str(born.year)]
    assert count_rows(PendingSignUp) == 0 and stored_people()[0] == 0
    assert get_page(client, "parents.check_eligibility").field_value("postcode") == ""
