"""A parent answers on her phone: her tasks, a page per section, saving, resuming, review,
submit and lock; tampered and hostile answers change nothing."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from pairs_group.db import db
from pairs_group.questionnaires import plans, service
from pairs_group.questionnaires.models import (
    Answer,
    QuestionnaireResponse,
    SafeguardingFlag,
    Score,
)
from tests.account_factories import sign_in_parent
from tests.conftest import count_rows
from tests.pages import get_page, post_page
from tests.questionnaires_factories import base, family, grant_link, submitted_prfq


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
    path = service.link_url(parent).removeprefix("http://localhost")
    assert client.get(path).status_code == 302
    page = get_page(client, "/questionnaires/")
    assert "Thinking about your baby" in page.text
    about = get_page(client, base(enrolment) + "/")
    assert "Why we ask" in about.text and "How we use your answers" in about.text
    assert "Luyten" in about.text  # the CC BY citation wherever the items are shown


def test_without_a_link_or_sign_in_she_is_asked_to_sign_in(client):
    response = client.get("/questionnaires/")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_she_answers_page_by_page_resumes_and_submits(app, client):
    parent, enrolment = family()
    grant_link(client, parent)
    start = client.post(base(enrolment) + "/", data={})
    assert start.location.endswith("/section/1")
    page = get_page(client, base(enrolment) + "/section/1")
    assert "Section 1 of 4" in page.text and "I prefer not to answer" in page.text
    moved = client.post(base(enrolment) + "/section/1", data=answers_for(range(1, 6), 5))
    assert moved.location.endswith("/section/2")
    client.post(base(enrolment) + "/section/2", data={"item-6": "7", "action": "save"})
    # Later, on another device, signed in: "Carry on" goes back to section 2, answer kept.
    other = app.test_client()
    sign_in_parent(other, parent)
    resume = other.post(base(enrolment) + "/", data={})
    assert resume.location.endswith("/section/2")
    assert 'value="7" checked' in get_page(other, base(enrolment) + "/section/2").html
    for number, items in ((2, range(6, 11)), (3, range(11, 16)), (4, range(16, 19))):
        other.post(base(enrolment) + f"/section/{number}", data=answers_for(items, 3))
    review = get_page(other, base(enrolment) + "/review")
    assert "Check your answers" in review.text
    done = other.post(base(enrolment) + "/submit", data={})
    assert done.status_code == 302
    response = db.session.scalar(sa.select(QuestionnaireResponse))
    assert response.is_submitted and response.instrument_version == "2017-18item"
    assert response.language_shown == "en"
    scores = {s.subscale: s.value for s in db.session.scalars(sa.select(Score))}
    assert scores["pre_mentalizing"] == (5 * 2 + 3 * 4) / 6  # items 1, 4 = 5; 7..16 = 3
    assert count_rows(Answer) == 18


def test_a_submitted_response_is_locked(app, client):
    parent, enrolment = family()
    submitted_prfq(enrolment, {str(i): 4 for i in range(1, 19)})
    grant_link(client, parent)
    before = sorted((a.item_id, a.value) for a in db.session.scalars(sa.select(Answer)))
    assert client.post(base(enrolment) + "/section/1", data=answers_for([1], 1)).status_code == 404
    saved = client.post(base(enrolment) + "/answer", data={"item": "1", "value": "1"})
    assert saved.status_code == 404
    again = client.post(base(enrolment) + "/submit", data={})
    assert again.status_code == 302
    db.session.expire_all()
    assert sorted((a.item_id, a.value) for a in db.session.scalars(sa.select(Answer))) == before
    assert count_rows(Score) == 3


def test_each_tapped_answer_is_saved_at_once_and_a_double_tap_makes_one_row(app, client):
    parent, enrolment = family()
    grant_link(client, parent)
    for value in ("2", "2", "6"):
        reply = client.post(base(enrolment) + "/answer", data={"item": "3", "value": value})
        assert reply.status_code == 200 and reply.json == {"ok": True, "item": "3"}
    answers = db.session.scalars(sa.select(Answer)).all()
    assert [(a.item_id, a.value) for a in answers] == [("3", 6)]
    assert count_rows(QuestionnaireResponse) == 1


def test_a_tapped_answer_moves_her_resume_point_to_its_section(app, client):
    parent, enrolment = family()
    grant_link(client, parent)
    client.post(base(enrolment) + "/answer", data={"item": "12", "value": "4"})
    assert db.session.scalar(sa.select(QuestionnaireResponse)).current_section == 2
    assert client.post(base(enrolment) + "/", data={}).location.endswith("/section/3")


def test_tampered_answers_are_refused_and_change_nothing(app, client):
    parent, enrolment = family()
    grant_link(client, parent)
    client.post(base(enrolment) + "/section/1", data=answers_for(range(1, 6), 2))
    before = sorted((a.item_id, a.value) for a in db.session.scalars(sa.select(Answer)))
    hostile = [
        {**answers_for(range(1, 6)), "item-1": "8"},
        {**answers_for(range(1, 6)), "item-2": "x" * 5000},
        {**answers_for(range(1, 6)), "item-99": "3"},
        {**answers_for(range(1, 6)), "item-7": "3"},  # another section's item
        {**answers_for(range(1, 6)), "item-3": "-1"},
    ]
    for data in hostile:
        page = post_page(client, base(enrolment) + "/section/1", data)
        assert "There is a problem" in page.text and page.title.startswith("Error:")
    for item, value in (("1", "9"), ("99", "3"), ("1", "abc"), ("warmth_total", "3"), ("", "")):
        reply = client.post(base(enrolment) + "/answer", data={"item": item, "value": value})
        assert reply.status_code == 400 and reply.json["ok"] is False
    db.session.expire_all()
    assert sorted((a.item_id, a.value) for a in db.session.scalars(sa.select(Answer))) == before


def test_a_blank_answer_gets_a_clear_message_and_keeps_the_others(app, client):
    parent, enrolment = family()
    grant_link(client, parent)
    data = answers_for([1, 2, 3, 4], 6)
    page = post_page(client, base(enrolment) + "/section/1", data)
    assert "Choose an answer to question 5" in page.text
    assert 'href="#item-5"' in page.html and 'value="6" checked' in page.html
    assert count_rows(Answer) == 0


def test_another_dyads_questionnaire_cannot_be_seen_or_answered(app, client):
    parent, enrolment = family()
    _other_parent, other = family()
    grant_link(client, parent)
    assert client.get(base(other) + "/section/1").status_code == 404
    assert client.post(base(other) + "/section/1", data=answers_for(range(1, 6))).status_code == 404
    reply = client.post(base(other) + "/answer", data={"item": "1", "value": "3"})
    assert reply.status_code == 404
    assert client.post(base(other) + "/submit", data={}).status_code == 302
    assert count_rows(QuestionnaireResponse) == 0 and count_rows(Answer) == 0


def test_unknown_instruments_and_timepoints_are_not_found(app, client):
    parent, enrolment = family()
    grant_link(client, parent)
    for path in (f"/questionnaires/{enrolment.dyad_id}/mors_sf/pre/",
                 f"/questionnaires/{enrolment.dyad_id}/loaf/pre/",
                 f"/questionnaires/{enrolment.dyad_id}/prfq/middle/",
                 f"/questionnaires/{enrolment.dyad_id}/phq9/pre/",
                 base(enrolment) + "/section/9"):
        assert client.get(path).status_code == 404, path


def test_a_double_submit_makes_one_set_of_scores(app, client):
    parent, enrolment = family()
    grant_link(client, parent)
    for number, items in ((1, range(1, 6)), (2, range(6, 11)), (3, range(11, 16)),
                          (4, range(16, 19))):
        client.post(base(enrolment) + f"/section/{number}", data=answers_for(items, 4))
    assert client.post(base(enrolment) + "/submit", data={}).status_code == 302
    assert client.post(base(enrolment) + "/submit", data={}).status_code == 302
    assert count_rows(Score) == 3


def test_a_polish_page_shows_english_items_marked_as_english(app, client):
    parent, enrolment = family(language="pl")
    grant_link(client, parent)
    client.post(base(enrolment) + "/", data={})
    page = get_page(client, base(enrolment) + "/section/1?lang=pl")
    assert page.lang == "pl" and '<div lang="en">' in page.html
    assert db.session.scalar(sa.select(QuestionnaireResponse)).language_shown == "en"


def test_phq9_item_9_above_zero_raises_a_flag_staff_see(app, client, sign_in):
    app.config["QUESTIONNAIRES_OPTIONAL"] = ("phq9",)
    parent, enrolment = family()
    assert "phq9" in {t.instrument.id for t in plans.open_tasks(parent)}
    parent_client = app.test_client()
    grant_link(parent_client, parent)
    url = base(enrolment, "phq9")
    parent_client.post(url + "/section/1", data=answers_for(range(1, 6), 0))
    page = post_page(parent_client, url + "/section/2", {**answers_for(range(6, 9), 0),
                                                         "item-9": "declined"})
    assert "There is a problem" in page.text  # PHQ-9 allows no missing answers
    parent_client.post(url + "/section/2", data={**answers_for(range(6, 9), 0), "item-9": "1"})
    assert parent_client.post(url + "/submit", data={}).status_code == 302
    flag = db.session.scalar(sa.select(SafeguardingFlag))
    assert (flag.dyad_id, flag.item_id, flag.value) == (enrolment.dyad_id, "9", 1)
    sign_in("admin")
    page = get_page(client, f"/staff/questionnaires/groups/{enrolment.group_id}")
    assert "Safeguarding: act today" in page.text and parent.name in page.text
    assert "Safeguarding: act today" in get_page(client, "/staff/questionnaires/").text


def test_fft_takes_free_text_after_the_group(app, client):
    parent, enrolment = family()
    last = enrolment.group.sessions[-1]
    url = base(enrolment, "fft", "post")
    tasks = plans.open_tasks(parent, now=last.starts_at + timedelta(minutes=1))
    assert "fft" in {t.instrument.id for t in tasks}
    db.session.commit()
    with time_machine.travel(last.starts_at + timedelta(minutes=1)):
        grant_link(client, parent)
        page = get_page(client, url + "/section/1")
        assert "What was good?" in page.text and "Overall, how was your experience" in page.text
        client.post(url + "/section/1", data={"item-rating": "1", "item-good": "The songs",
                                              "item-better": ""})
        assert client.post(url + "/submit", data={}).status_code == 302
    texts = {a.item_id: (a.value, a.text) for a in db.session.scalars(sa.select(Answer))}
    assert texts == {"rating": (1, None), "good": (None, "The songs")}



def test_a_typed_answer_is_kept_as_typed_even_when_it_reads_declined(app, client):
    """The autosave reads text as the page does: "declined" typed in a box is her words."""
    parent, enrolment = family()
    last = enrolment.group.sessions[-1]
    url = base(enrolment, "fft", "post")
    with time_machine.travel(last.starts_at + timedelta(minutes=1)):
        grant_link(client, parent)
        for typed in ("declined", "  "):
            reply = client.post(url + "/answer", data={"item": "good", "value": typed})
            assert reply.status_code == 200 and reply.json == {"ok": True, "item": "good"}
            texts = {a.item_id: a.text for a in db.session.scalars(sa.select(Answer))}
            assert texts == {"good": typed.strip()}


def test_an_old_link_to_sent_answers_says_so_kindly(app, client):
    parent, enrolment = family()
    submitted_prfq(enrolment, {str(i): 4 for i in range(1, 19)})
    grant_link(client, parent)
    response = client.get(base(enrolment) + "/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/questionnaires/")
    page = get_page(client, "/questionnaires/")
    assert "already sent these answers" in page.text
