"""A parent answers on her phone: her tasks, a page per section, saving, resuming, review,
submit and lock; tampered and hostile answers change nothing."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from pairs_group.auth.links import link_url
from pairs_group.db import db
from pairs_group.questionnaires import plans
from pairs_group.questionnaires.models import (
    Answer,
    QuestionnaireResponse,
    SafeguardingFlag,
    Score,
)
from pairs_group.tokens import make_token
from tests.account_factories import sign_in_parent
from tests.conftest import count_rows
from tests.pages import expect_redirect, get_page, post_form, post_page, url
from tests.questionnaires_factories import family, grant_link, questionnaire, submitted_prfq

ABOUT, SECTION = "questionnaires.about", "questionnaires.section"
PROBLEM = ".nhsuk-error-summary"


def answers_for(numbers, value=4):
    return {f"item-{n}": str(value) for n in numbers}


def test_an_enrolled_parent_has_prfq_to_do_but_no_unlicensed_mors_and_no_ratings(app):
    parent, enrolment = family()
    tasks = plans.open_tasks(parent)
    assert [(t.instrument.id, str(t.timepoint)) for t in tasks] == [("prfq", "pre")]


def test_pre_closes_after_session_two_and_post_opens_at_the_last_session(app):
    parent, enrolment = family()
    sessions = enrolment.group.sessions
    after_two = sessions[1].ends_at + timedelta(minutes=1)
    assert plans.open_tasks(parent, now=after_two) == []
    at_last = sessions[-1].starts_at + timedelta(minutes=5)
    found = {t.instrument.id for t in plans.open_tasks(parent, now=at_last)}
    assert found == {"prfq", "fft"}
    too_late = sessions[-1].ends_at + timedelta(weeks=3, minutes=1)
    assert plans.open_tasks(parent, now=too_late) == []


def test_her_link_shows_her_list_and_the_why_we_ask_page(app, client):
    parent, enrolment = family()
    hers = questionnaire(enrolment)
    path = link_url(parent, "questionnaire").removeprefix("http://localhost")
    assert client.get(path).status_code == 302
    page = get_page(client, "questionnaires.answer")
    assert page.shows("main a", "Thinking about your baby")
    about = get_page(client, "questionnaires.about", **hers)
    assert "Why we ask" in about.texts("h2") and "How we use your answers" in about.texts("h2")
    assert about.shows("p[lang=en]", "Luyten")  # the CC BY citation wherever items are shown


def test_a_link_sent_before_the_one_link_format_still_lands_on_her_list(app, client):
    """Texts already on parents' phones carry the old questionnaire link (a 4-hex nonce);
    the one link format (auth/links.py) must still follow it."""
    parent, _enrolment = family()
    token = make_token(parent.id, "questionnaire", n=secrets.token_hex(4))
    response = client.get(url(client, "account.follow_link", purpose="questionnaire",
                              token=token))
    expect_redirect(response, "questionnaires.answer")
    assert get_page(client, "questionnaires.answer").shows("main a", "Thinking about your baby")


def test_without_a_link_or_sign_in_she_is_asked_to_sign_in(client):
    response = client.get(url(client, "questionnaires.answer"))
    expect_redirect(response, "account.sign_in")


def test_she_answers_page_by_page_resumes_and_submits(app, client):
    parent, enrolment = family()
    hers = questionnaire(enrolment)
    grant_link(client, parent)
    start = post_form(client, ABOUT, {}, **hers)
    expect_redirect(start, SECTION, number=1, **hers)
    page = get_page(client, SECTION, number=1, **hers)
    assert page.text_of(".nhsuk-caption-l") == "Section 1 of 4"
    assert page.shows("label", "I prefer not to answer")
    moved = post_form(client, SECTION, answers_for(range(1, 6), 5), number=1, **hers)
    expect_redirect(moved, SECTION, number=2, **hers)
    post_form(client, SECTION, {"item-6": "7", "action": "save"}, number=2, **hers)
    # Later, on another device, signed in: "Carry on" goes back to section 2, answer kept.
    other = app.test_client()
    sign_in_parent(other, parent)
    resume = post_form(other, ABOUT, {}, **hers)
    expect_redirect(resume, SECTION, number=2, **hers)
    assert get_page(other, SECTION, number=2, **hers).field_value("item-6") == "7"
    for number, items in ((2, range(6, 11)), (3, range(11, 16)), (4, range(16, 19))):
        post_form(other, SECTION, answers_for(items, 3), number=number, **hers)
    review = get_page(other, "questionnaires.review", **hers)
    assert review.text_of("h1") == "Check your answers"
    done = post_form(other, "questionnaires.submit", {}, **hers)
    assert done.status_code == 302
    response = db.session.scalar(sa.select(QuestionnaireResponse))
    assert response.is_submitted and response.instrument_version == "2017-18item"
    assert response.language_shown == "en"
    scores = {s.subscale: s.value for s in db.session.scalars(sa.select(Score))}
    assert scores["pre_mentalizing"] == (5 * 2 + 3 * 4) / 6  # items 1, 4 = 5; 7..16 = 3
    assert count_rows(Answer) == 18


def test_a_submitted_response_is_locked(app, client):
    parent, enrolment = family()
    hers = questionnaire(enrolment)
    submitted_prfq(enrolment, {str(i): 4 for i in range(1, 19)})
    grant_link(client, parent)
    before = sorted((a.item_id, a.value) for a in db.session.scalars(sa.select(Answer)))
    assert post_form(client, SECTION, answers_for([1], 1), number=1, **hers).status_code == 404
    saved = post_form(client, "questionnaires.save_answer", {"item": "1", "value": "1"}, **hers)
    assert saved.status_code == 404
    again = post_form(client, "questionnaires.submit", {}, **hers)
    assert again.status_code == 302
    db.session.expire_all()
    assert sorted((a.item_id, a.value) for a in db.session.scalars(sa.select(Answer))) == before
    assert count_rows(Score) == 3


def test_each_tapped_answer_is_saved_at_once_and_a_double_tap_makes_one_row(app, client):
    parent, enrolment = family()
    hers = questionnaire(enrolment)
    grant_link(client, parent)
    for value in ("2", "2", "6"):
        reply = post_form(client, "questionnaires.save_answer", {"item": "3", "value": value},
                          **hers)  # JSON: read raw
        assert reply.status_code == 200 and reply.json == {"ok": True, "item": "3"}
    answers = db.session.scalars(sa.select(Answer)).all()
    assert [(a.item_id, a.value) for a in answers] == [("3", 6)]
    assert count_rows(QuestionnaireResponse) == 1


def test_a_tapped_answer_moves_her_resume_point_to_its_section(app, client):
    parent, enrolment = family()
    hers = questionnaire(enrolment)
    grant_link(client, parent)
    post_form(client, "questionnaires.save_answer", {"item": "12", "value": "4"}, **hers)
    assert db.session.scalar(sa.select(QuestionnaireResponse)).current_section == 2
    expect_redirect(post_form(client, ABOUT, {}, **hers), SECTION, number=3, **hers)


def test_tampered_answers_are_refused_and_change_nothing(app, client):
    parent, enrolment = family()
    hers = questionnaire(enrolment)
    grant_link(client, parent)
    post_form(client, SECTION, answers_for(range(1, 6), 2), number=1, **hers)
    before = sorted((a.item_id, a.value) for a in db.session.scalars(sa.select(Answer)))
    hostile = [
        {**answers_for(range(1, 6)), "item-1": "8"},
        {**answers_for(range(1, 6)), "item-2": "x" * 5000},
        {**answers_for(range(1, 6)), "item-99": "3"},
        {**answers_for(range(1, 6)), "item-7": "3"},  # another section's item
        {**answers_for(range(1, 6)), "item-3": "-1"},
    ]
    for data in hostile:
        page = post_page(client, SECTION, data, number=1, **hers)
        assert page.shows(PROBLEM, "There is a problem") and page.title.startswith("Error:")
    for item, value in (("1", "9"), ("99", "3"), ("1", "abc"), ("warmth_total", "3"), ("", "")):
        reply = post_form(client, "questionnaires.save_answer", {"item": item, "value": value},
                          **hers)
        assert reply.status_code == 400 and reply.json["ok"] is False
    db.session.expire_all()
    assert sorted((a.item_id, a.value) for a in db.session.scalars(sa.select(Answer))) == before


def test_a_blank_answer_gets_a_clear_message_and_keeps_the_others(app, client):
    parent, enrolment = family()
    hers = questionnaire(enrolment)
    grant_link(client, parent)
    data = answers_for([1, 2, 3, 4], 6)
    page = post_page(client, SECTION, data, number=1, **hers)
    assert page.shows(".nhsuk-error-message", "Choose an answer to question 5")
    assert page.select(f'{PROBLEM} a[href="#item-5"]') and page.field_value("item-4") == "6"
    assert count_rows(Answer) == 0


def test_another_dyads_questionnaire_cannot_be_seen_or_answered(app, client):
    parent, enrolment = family()
    _other_parent, other = family()
    theirs = questionnaire(other)
    grant_link(client, parent)
    get_page(client, SECTION, 404, number=1, **theirs)
    post_page(client, SECTION, answers_for(range(1, 6)), 404, number=1, **theirs)
    reply = post_form(client, "questionnaires.save_answer", {"item": "1", "value": "3"}, **theirs)
    assert reply.status_code == 404
    assert post_form(client, "questionnaires.submit", {}, **theirs).status_code == 302
    assert count_rows(QuestionnaireResponse) == 0 and count_rows(Answer) == 0


def test_unknown_instruments_and_timepoints_are_not_found(app, client):
    parent, enrolment = family()
    grant_link(client, parent)
    for instrument, timepoint in (("mors_sf", "pre"), ("loaf", "pre"), ("prfq", "middle"),
                                  ("phq9", "pre")):
        get_page(client, ABOUT, 404, **questionnaire(enrolment, instrument, timepoint))
    get_page(client, SECTION, 404, number=9, **questionnaire(enrolment))


def test_a_double_submit_makes_one_set_of_scores(app, client):
    parent, enrolment = family()
    hers = questionnaire(enrolment)
    grant_link(client, parent)
    for number, items in ((1, range(1, 6)), (2, range(6, 11)), (3, range(11, 16)),
                          (4, range(16, 19))):
        post_form(client, SECTION, answers_for(items, 4), number=number, **hers)
    assert post_form(client, "questionnaires.submit", {}, **hers).status_code == 302
    assert post_form(client, "questionnaires.submit", {}, **hers).status_code == 302
    assert count_rows(Score) == 3


def test_opening_her_questionnaire_stores_nothing_until_she_starts(app, client):
    """Her pages are shown from an unsaved response; Start stores it. Sending it with nothing
    answered is refused with the review page's message (PHQ-9 allows no missing answer), and
    stores nothing either."""
    app.config["QUESTIONNAIRES_OPTIONAL"] = ("phq9",)
    parent, enrolment = family()
    hers = questionnaire(enrolment, "phq9")
    grant_link(client, parent)
    get_page(client, SECTION, number=1, **hers)
    get_page(client, "questionnaires.review", **hers)
    page = post_page(client, "questionnaires.submit", {}, status=400, **hers)
    assert page.shows(PROBLEM, "Please answer every question before you send.")
    assert count_rows(QuestionnaireResponse) == 0
    expect_redirect(post_form(client, "questionnaires.about", {}, **hers),
                    "questionnaires.section", number=1, **hers)
    assert count_rows(QuestionnaireResponse) == 1


def test_a_polish_page_shows_english_items_marked_as_english(app, client):
    parent, enrolment = family(language="pl")
    hers = questionnaire(enrolment)
    grant_link(client, parent)
    post_form(client, ABOUT, {}, **hers)
    page = get_page(client, SECTION, number=1, **hers, lang="pl")
    assert page.lang == "pl" and page.select("div[lang=en]")
    assert db.session.scalar(sa.select(QuestionnaireResponse)).language_shown == "en"


def test_phq9_item_9_above_zero_raises_a_flag_staff_see(app, client, sign_in):
    app.config["QUESTIONNAIRES_OPTIONAL"] = ("phq9",)
    parent, enrolment = family()
    assert "phq9" in {t.instrument.id for t in plans.open_tasks(parent)}
    parent_client = app.test_client()
    grant_link(parent_client, parent)
    hers = questionnaire(enrolment, "phq9")
    post_form(parent_client, SECTION, answers_for(range(1, 6), 0), number=1, **hers)
    page = post_page(parent_client, SECTION, number=2, **hers, data={**answers_for(range(6, 9), 0),
                                                         "item-9": "declined"})
    assert page.shows(PROBLEM, "There is a problem")  # PHQ-9 allows no missing answers
    post_form(parent_client, SECTION, {**answers_for(range(6, 9), 0), "item-9": "1"}, number=2,
              **hers)
    assert post_form(parent_client, "questionnaires.submit", {}, **hers).status_code == 302
    flag = db.session.scalar(sa.select(SafeguardingFlag))
    assert (flag.dyad_id, flag.item_id, flag.value) == (enrolment.dyad_id, "9", 1)
    sign_in("admin")
    page = get_page(client, "questionnaires.show_group", group_id=enrolment.group_id)
    assert page.shows("main", "Safeguarding: act today") and page.shows("main", parent.name)
    index = get_page(client, "questionnaires.staff_index")
    assert index.shows("main", "Safeguarding: act today")


def test_fft_takes_free_text_after_the_group(app, client):
    parent, enrolment = family()
    last = enrolment.group.sessions[-1]
    hers = questionnaire(enrolment, "fft", "post")
    tasks = plans.open_tasks(parent, now=last.starts_at + timedelta(minutes=1))
    assert "fft" in {t.instrument.id for t in tasks}
    db.session.commit()
    with time_machine.travel(last.starts_at + timedelta(minutes=1)):
        grant_link(client, parent)
        page = get_page(client, SECTION, number=1, **hers)
        assert page.shows("label", "What was good?")
        assert page.shows("legend", "Overall, how was your experience")
        post_form(client, SECTION, number=1, **hers, data={"item-rating": "1",
                                                           "item-good": "The songs",
                                              "item-better": ""})
        assert post_form(client, "questionnaires.submit", {}, **hers).status_code == 302
    texts = {a.item_id: (a.value, a.text) for a in db.session.scalars(sa.select(Answer))}
    assert texts == {"rating": (1, None), "good": (None, "The songs")}



def test_a_typed_answer_is_kept_as_typed_even_when_it_reads_declined(app, client):
    """The autosave reads text as the page does: "declined" typed in a box is her words."""
    parent, enrolment = family()
    last = enrolment.group.sessions[-1]
    hers = questionnaire(enrolment, "fft", "post")
    with time_machine.travel(last.starts_at + timedelta(minutes=1)):
        grant_link(client, parent)
        for typed in ("declined", "  "):
            reply = post_form(client, "questionnaires.save_answer",
                              {"item": "good", "value": typed}, **hers)
            assert reply.status_code == 200 and reply.json == {"ok": True, "item": "good"}
            texts = {a.item_id: a.text for a in db.session.scalars(sa.select(Answer))}
            assert texts == {"good": typed.strip()}


def test_an_old_link_to_sent_answers_says_so_kindly(app, client):
    parent, enrolment = family()
    hers = questionnaire(enrolment)
    submitted_prfq(enrolment, {str(i): 4 for i in range(1, 19)})
    grant_link(client, parent)
    response = client.get(url(client, ABOUT, **hers))
    assert response.status_code == 302
    expect_redirect(response, "questionnaires.answer")
    page = get_page(client, "questionnaires.answer")
    assert page.shows("[role=status]", "already sent these answers")
