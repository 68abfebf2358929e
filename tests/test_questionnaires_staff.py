"""Facilitators: completion per group, reminders, practitioner entry (LOAF, ASQ:SE-2, paper
MORS), reopening (audited), and texts with links queued once."""

from datetime import timedelta

import sqlalchemy as sa

from pairs_group import kept
from pairs_group.audit.models import AuditEvent
from pairs_group.auth.links import link_url
from pairs_group.db import db
from pairs_group.questionnaires import answering, instruments, plans
from pairs_group.questionnaires.models import (
    GroupInstrument,
    QuestionnaireResponse,
    Score,
    Timepoint,
)
from pairs_group.sms.messages import KINDS
from pairs_group.sms.models import OutboxMessage
from tests.conftest import count_rows
from tests.pages import expect_redirect, get_page, post_form, post_page, url
from tests.questionnaires_factories import family, submitted_prfq

ENTRY = "questionnaires.enter_scores"
PROBLEM = ".nhsuk-error-summary"


def entry(enrolment, instrument, timepoint="pre"):
    """The URL arguments of the staff entry page for her answers to instrument."""
    return {"group_id": enrolment.group_id, "dyad_id": enrolment.dyad_id,
            "instrument_id": instrument, "timepoint": timepoint}


def as_facilitator_of(sign_in, group):
    user = sign_in("facilitator")
    group.facilitators.append(user)
    db.session.commit()
    return user


def scores_of(instrument):
    response = db.session.scalar(sa.select(QuestionnaireResponse).where(
        QuestionnaireResponse.instrument_id == instrument))
    return response, {s.subscale: s.value for s in response.scores}


def test_a_facilitator_enters_a_loaf_rating_for_her_group(app, client, sign_in):
    _parent, enrolment = family()
    user = as_facilitator_of(sign_in, enrolment.group)
    page = get_page(client, ENTRY, **entry(enrolment, "loaf"))
    assert page.shows("label", "Level 1: well-adapted (not in need of clinical attention)")
    saved = post_form(client, ENTRY, {
        "item-part_a": "2", "item-part_b": "1", "rater": "Dr Ruth Ade",
        "assessed_on": "2026-11-20"}, **entry(enrolment, "loaf"))
    assert saved.status_code == 302
    response, scores = scores_of("loaf")
    assert scores == {"part_a": 2.0, "part_b": 1.0}
    assert response.entered_by_id == user.id and response.rater == "Dr Ruth Ade"
    assert str(response.assessed_on) == "2026-11-20" and response.is_submitted


def test_the_registers_loaf_link_opens_the_pre_rating(app, client, sign_in):
    _parent, enrolment = family()
    as_facilitator_of(sign_in, enrolment.group)
    reply = client.get(url(client, "questionnaires.practitioner_entry",
                           group_id=enrolment.group_id, dyad_id=enrolment.dyad_id))
    expect_redirect(reply, ENTRY, **entry(enrolment, "loaf"))


def test_a_facilitator_cannot_see_or_enter_for_another_group(app, client, sign_in):
    _parent, enrolment = family()
    sign_in("facilitator")
    get_page(client, ENTRY, 403, **entry(enrolment, "loaf"))
    post_page(client, ENTRY, {
        "item-part_a": "2", "item-part_b": "1", "rater": "X",
        "assessed_on": "2026-11-20"}, 403, **entry(enrolment, "loaf"))
    get_page(client, "questionnaires.show_group", 403, group_id=enrolment.group_id)
    assert count_rows(QuestionnaireResponse) == 0


def test_bad_ratings_get_clear_messages_and_store_nothing(app, client, sign_in):
    _parent, enrolment = family()
    as_facilitator_of(sign_in, enrolment.group)
    for data in ({"item-part_a": "5", "item-part_b": "1", "rater": "X",
                  "assessed_on": "2026-11-20"},
                 {"item-part_a": "1", "rater": "", "assessed_on": "not a date"},
                 {"item-part_a": "1", "item-part_b": "1", "rater": "X" * 500,
                  "assessed_on": "2026-11-20"}):
        page = post_page(client, ENTRY, data, **entry(enrolment, "loaf"))
        assert page.shows(PROBLEM, "There is a problem")
    assert count_rows(QuestionnaireResponse) == 0


def test_asq_se2_scores_only(app, client, sign_in):
    _parent, enrolment = family()
    as_facilitator_of(sign_in, enrolment.group)
    post_form(client, ENTRY, {
        "item-interval": "12", "item-total": "55", "item-zone": "3", "item-items_omitted": "1",
        "rater": "Dr Ade", "assessed_on": "2026-11-20"}, **entry(enrolment, "asq_se2"))
    _response, scores = scores_of("asq_se2")
    assert scores == {"total": 55.0, "zone": 3.0, "interval_months": 12.0, "items_omitted": 1.0}


def test_paper_mors_needs_every_item_or_the_totals(app, client, sign_in):
    _parent, enrolment = family()
    as_facilitator_of(sign_in, enrolment.group)
    page = post_page(client, ENTRY, {
        "item-1": "3", "rater": "Dr Ade", "assessed_on": "2026-11-20"},
        **entry(enrolment, "mors_sf"))
    assert page.shows(".nhsuk-error-message", "or its total from the paper form")
    assert count_rows(QuestionnaireResponse) == 0
    post_form(client, ENTRY, {
        "item-warmth_total": "28", "item-invasiveness_total": "6", "rater": "Dr Ade",
        "assessed_on": "2026-11-20"}, **entry(enrolment, "mors_sf"))
    _response, scores = scores_of("mors_sf")
    assert scores == {"warmth": 28.0, "invasiveness": 6.0}


def test_staff_cannot_type_answers_into_a_parents_own_questionnaire(app, client, sign_in):
    _parent, enrolment = family()
    as_facilitator_of(sign_in, enrolment.group)
    post_page(client, ENTRY, {"item-1": "3"}, 400, **entry(enrolment, "prfq"))
    assert count_rows(QuestionnaireResponse) == 0


def test_the_overview_shows_who_has_started_stopped_and_finished(app, client, sign_in):
    parent, enrolment = family()
    other_parent, other = family()
    other.group = enrolment.group
    db.session.commit()
    submitted_prfq(enrolment, {str(i): 4 for i in range(1, 19)})
    response = answering.start_response(other.dyad, instruments.get("prfq"), "pre")
    answering.save_answers(response, {"7": 3})
    db.session.commit()
    as_facilitator_of(sign_in, enrolment.group)
    page = get_page(client, "questionnaires.show_group", group_id=enrolment.group_id)
    assert page.shows("h3", parent.name) and page.shows("h3", other_parent.name)
    assert "Done" in page.texts(".nhsuk-tag") and "Started, not sent" in page.texts(".nhsuk-tag")
    states = "dd.nhsuk-summary-list__value"
    assert page.shows(states, "stopped at section 2 of 4")
    assert page.shows(states, "to enter by staff")


def test_send_reminder_queues_one_text_a_day_with_her_link(app, client, sign_in):
    parent, enrolment = family()
    as_facilitator_of(sign_in, enrolment.group)
    remind = {"group_id": enrolment.group_id, "dyad_id": enrolment.dyad_id, "timepoint": "pre"}
    assert post_form(client, "questionnaires.send_reminder", {}, **remind).status_code == 302
    assert post_form(client, "questionnaires.send_reminder", {}, **remind).status_code == 302
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [(m.kind, m.parent_id) for m in messages] == [("questionnaire_reminder", parent.id)]
    short = messages[0].context["url"].removeprefix("http://localhost")
    link = expect_redirect(client.get(short), "account.follow_link")
    expect_redirect(client.get(link), "questionnaires.answer")


def test_the_texted_link_opens_her_questionnaires(app, client):
    parent, _enrolment = family()
    link = link_url(parent, "questionnaire").removeprefix("http://localhost")
    expect_redirect(client.get(link), "questionnaires.answer")
    assert get_page(client, "questionnaires.answer").shows("main", "Thinking about your baby")


def test_send_links_queues_each_link_once_then_one_reminder(app, runner):
    parent, enrolment = family()
    now = enrolment.enrolled_at + timedelta(hours=1)
    result = runner.invoke(args=["questionnaires", "send-links", "--now", now.isoformat()])
    assert "Queued 1 link(s) and 0 reminder(s)." in result.output, result.output
    runner.invoke(args=["questionnaires", "send-links", "--now", now.isoformat()])
    later = (now + timedelta(days=6)).isoformat()
    assert "0 link(s) and 1 reminder(s)" in runner.invoke(
        args=["questionnaires", "send-links", "--now", later]).output
    assert "0 link(s) and 0 reminder(s)" in runner.invoke(
        args=["questionnaires", "send-links", "--now", later]).output
    kinds = sorted(m.kind for m in db.session.scalars(sa.select(OutboxMessage)))
    assert kinds == ["questionnaire_link", "questionnaire_reminder"]


def test_no_link_is_sent_once_she_has_answered(app, runner):
    _parent, enrolment = family()
    submitted_prfq(enrolment, {str(i): 4 for i in range(1, 19)})
    now = (enrolment.enrolled_at + timedelta(hours=1)).isoformat()
    result = runner.invoke(args=["questionnaires", "send-links", "--now", now])
    assert "Queued 0 link(s)" in result.output
    assert runner.invoke(args=["questionnaires", "send-links", "--now", "soon"]).exit_code != 0


def test_the_texts_read_well_and_fit_the_budget(app):
    with app.test_request_context():
        check_texts()


def check_texts():
    for kind in ("questionnaire_link", "questionnaire_reminder"):
        text = KINDS[kind].render(KINDS[kind].example)
        assert text.isascii() and "Katarzyna" in text and KINDS[kind].example["url"] in text


def test_reopening_a_response_is_audited_and_unlocks_it(app, client, sign_in):
    parent, enrolment = family()
    response = submitted_prfq(enrolment, {str(i): 4 for i in range(1, 19)})
    as_facilitator_of(sign_in, enrolment.group)
    page = get_page(client, ENTRY, **entry(enrolment, "prfq"))
    reopen = url(client, "questionnaires.reopen_response", response_id=response.id)
    assert "Reopen" in page.text_of(f'form[action="{reopen}"] button')
    assert post_form(client, "questionnaires.reopen_response", {},
                     response_id=response.id).status_code == 302
    db.session.expire_all()
    assert not db.session.get(QuestionnaireResponse, response.id).is_submitted
    assert count_rows(Score) == 0
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"questionnaires.reopen", "questionnaires.view", "questionnaires.submit"} <= actions
    assert plans.open_tasks(parent)[0].response.id == response.id


def test_an_admin_chooses_a_groups_questionnaires(app, client, sign_in):
    parent, enrolment = family()
    sign_in("admin")
    plan = {"group_id": enrolment.group_id}
    get_page(client, "questionnaires.edit_plan", **plan)
    saved = post_form(client, "questionnaires.edit_plan", {"pre": ["fft"], "post": ["prfq"]},
                      **plan)
    assert saved.status_code == 302
    assert [t.instrument.id for t in plans.open_tasks(parent)] == ["fft"]
    page = post_page(client, "questionnaires.edit_plan", {"pre": ["nonsense"]}, **plan)
    assert page.shows(PROBLEM, "There is a problem")


def test_her_plan_is_read_once_a_minute_and_at_once_after_a_change_here(
        app, client, sign_in, monkeypatch):
    """What she may answer comes from her group's plan as this process read it less than a
    minute ago; the plan page staff change it on reads it fresh."""
    parent, enrolment = family()
    db.session.commit()
    before = [t.instrument.id for t in plans.open_tasks(parent)]
    assert "fft" not in before
    # Another process gives the group its own plan: this one keeps what it read for the minute...
    with db.engine.begin() as elsewhere:
        elsewhere.execute(sa.insert(GroupInstrument.__table__).values(
            group_id=enrolment.group_id, timepoint=Timepoint.PRE, instrument_id="fft"))
    assert [t.instrument.id for t in plans.open_tasks(parent)] == before
    sign_in("admin")
    page = get_page(client, "questionnaires.edit_plan", group_id=enrolment.group_id)
    assert page.select_one('input[name="pre"][value="fft"]').has_attr("checked")  # fresh
    # ...and reads it again once the minute is over.
    monkeypatch.setattr(kept, "KEEP_SECONDS", 0)
    assert [t.instrument.id for t in plans.open_tasks(parent)] == ["fft"]
    monkeypatch.undo()
    # A plan changed here is answered from the next page on, even one emptied (the default).
    post_form(client, "questionnaires.edit_plan", {"pre": ["fft"], "post": ["prfq"]},
              group_id=enrolment.group_id)
    assert [t.instrument.id for t in plans.open_tasks(parent)] == ["fft"]
    plans.set_group_plan(enrolment.group, {})
    db.session.commit()
    assert [t.instrument.id for t in plans.open_tasks(parent)] == before
