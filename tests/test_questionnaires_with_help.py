"""Answered with help: a facilitator goes through her questionnaire with her from the register
(the language spoken and who helped are recorded); a parent with no checked translation asks
for help and her facilitator sees it; only her group's staff may do either."""

import csv
import io
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import refresh

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db
from pairs_group.questionnaires import plans
from pairs_group.questionnaires.models import HelpKind, QuestionnaireResponse
from tests import reports_factories
from tests.account_factories import sign_in_parent
from tests.conftest import count_rows, staff_sign_in
from tests.pages import expect_redirect, get_page, post_form, post_page, url
from tests.questionnaires_factories import family, make_staff_for, questionnaire

START, SECTION = "questionnaires.start_with_help", "questionnaires.section_with_help"
REVIEW, SUBMIT = "questionnaires.review_with_help", "questionnaires.submit_with_help"
REGISTER = "attendance.show_register"
PROBLEM = ".nhsuk-error-summary"


def with_help(enrolment, instrument="prfq", timepoint="pre"):
    return {"group_id": enrolment.group_id, **questionnaire(enrolment, instrument, timepoint)}


def as_facilitator_of(sign_in, group):
    user = sign_in("facilitator", name="Ruth Ade")
    group.facilitators.append(user)
    db.session.commit()
    return user


def response_of(enrolment):
    return db.session.scalar(sa.select(QuestionnaireResponse).where(
        QuestionnaireResponse.dyad_id == enrolment.dyad_id))


def answer_every_section(client, enrolment, value="4"):
    """Each page's answers posted through the section form, as the facilitator taps them."""
    for number, ids in enumerate([range(1, 6), range(6, 11), range(11, 16), range(16, 19)], 1):
        reply = post_form(client, SECTION, {f"item-{n}": value for n in ids}, number=number,
                          **with_help(enrolment))
        assert reply.status_code == 302, reply.get_data(as_text=True)[:500]


def test_the_register_links_to_answering_with_her_where_she_has_a_questionnaire_due(
        app, client, sign_in):
    _parent, enrolment = family(language="ar")
    as_facilitator_of(sign_in, enrolment.group)
    register = get_page(client, REGISTER, session_id=enrolment.group.sessions[0].id)
    link = register.select_one(f"a[href$='/dyads/{enrolment.dyad_id}/prfq/pre/with-help/']")
    assert "Answer the questionnaire with her" in link.get_text()


def test_a_register_with_nothing_open_asks_nothing_about_questionnaires(app, client, sign_in):
    """Where no family has a questionnaire open, where they stand with them is not read."""
    _parent, enrolment = family()
    as_facilitator_of(sign_in, enrolment.group)
    session_id = enrolment.group.sessions[0].id
    asked = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *a: asked.append(a[2]))
    get_page(client, REGISTER, session_id=session_id)
    assert any("questionnaire_response" in sql for sql in asked)  # hers is open
    for session in enrolment.group.sessions:  # a year ago: both windows closed since
        session.starts_at -= timedelta(weeks=52)
    enrolment.enrolled_at = enrolment.group.sessions[0].starts_at - timedelta(days=1)
    db.session.commit()
    asked.clear()
    register = get_page(client, REGISTER, session_id=session_id)
    assert register.select(f"#row-{enrolment.id}") and not register.select("a[href*='/with-help/']")
    assert not any("questionnaire_response" in sql for sql in asked)


def test_a_facilitator_completes_the_questionnaire_with_her_and_it_is_recorded_as_helped(
        app, client, sign_in):
    parent, enrolment = family(language="so")
    user = as_facilitator_of(sign_in, enrolment.group)
    first = get_page(client, START, **with_help(enrolment))
    assert first.shows("h1", f"Answer the questionnaire with {parent.name}")
    assert count_rows(QuestionnaireResponse) == 0  # opening the step stores nothing
    reply = post_form(client, START, {"language": "so", "helper": "interpreter"},
                      **with_help(enrolment))
    expect_redirect(reply, SECTION, number=1, **with_help(enrolment))
    page = get_page(client, SECTION, number=1, **with_help(enrolment))
    note = page.select_one(".nhsuk-inset-text p")
    assert note.get_text().startswith(f"You are answering with {parent.name}, in Soomaali")
    assert note.select_one("bdi[lang=so]").get_text() == "Soomaali"
    assert page.select_one("form[method=post]").get("data-autosave") is None
    answer_every_section(client, enrolment)
    review = get_page(client, REVIEW, **with_help(enrolment))
    assert review.shows("h1", "Check your answers")
    reply = post_form(client, SUBMIT, {}, **with_help(enrolment))
    expect_redirect(reply, "questionnaires.show_group", group_id=enrolment.group_id)
    response = response_of(enrolment)
    assert response.is_submitted and response.assisted
    assert (response.helped_by_id, response.help_language, response.help_kind) == (
        user.id, "so", HelpKind.INTERPRETER)
    assert response.entered_by_id is None  # her answers, not a practitioner's rating
    assert {s.subscale: s.value for s in response.scores}["interest_curiosity"] is not None
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"questionnaires.start_with_help", "questionnaires.view_with_help",
            "questionnaires.submit_with_help"} <= actions


def test_she_cannot_answer_the_same_timepoint_herself_afterwards(app, client, sign_in):
    parent, enrolment = family()
    as_facilitator_of(sign_in, enrolment.group)
    post_form(client, START, {"language": "other", "other_language": "Tigrinya",
                              "helper": "colleague"}, **with_help(enrolment))
    answer_every_section(client, enrolment)
    post_form(client, SUBMIT, {}, **with_help(enrolment))
    assert response_of(enrolment).help_language == "Tigrinya"
    assert plans.open_tasks(parent) == []
    get_page(client, START, 404, **with_help(enrolment))  # nor a second time with help
    expect_redirect(post_form(client, "auth.sign_out", {}), "auth.sign_in")
    sign_in_parent(client, parent)
    reply = client.get(url(client, "questionnaires.about", dyad_id=enrolment.dyad_id,
                           instrument_id="prfq", timepoint="pre"))
    expect_redirect(reply, "questionnaires.answer")


def test_the_first_step_says_what_is_missing_and_stores_nothing(app, client, sign_in):
    _parent, enrolment = family()
    as_facilitator_of(sign_in, enrolment.group)
    for data in ({}, {"language": "other", "helper": "interpreter"},
                 {"language": "other", "other_language": "x" * 41, "helper": "colleague"},
                 {"language": "xx", "helper": "interpreter"},
                 {"language": "pt", "helper": "the neighbour"}):
        page = post_page(client, START, data, **with_help(enrolment))
        assert page.shows(PROBLEM, "There is a problem")
    assert count_rows(QuestionnaireResponse) == 0


def test_the_question_pages_need_the_first_step(app, client, sign_in):
    _parent, enrolment = family()
    as_facilitator_of(sign_in, enrolment.group)
    reply = client.get(url(client, SECTION, number=1, **with_help(enrolment)))
    expect_redirect(reply, START, **with_help(enrolment))


def test_only_staff_who_run_her_group_answer_with_her(app, client, sign_in):
    parent, enrolment = family()
    sign_in("facilitator")
    get_page(client, START, 403, **with_help(enrolment))
    post_page(client, START, {"language": "en", "helper": "facilitator"}, 403,
              **with_help(enrolment))
    post_page(client, SECTION, {"item-1": "4"}, 403, number=1, **with_help(enrolment))
    assert count_rows(QuestionnaireResponse) == 0


def test_a_parent_in_arabic_asks_for_help_and_her_facilitator_sees_it(app, client):
    parent, enrolment = family(language="ar")
    sign_in_parent(client, parent)
    about = get_page(client, "questionnaires.about", **questionnaire(enrolment))
    assert about.lang == "ar"
    button = about.select_one("form[action$='/ask-for-help'] button")
    assert button.get_text(strip=True) != "Answer with help"  # in her language
    reply = post_form(client, "questionnaires.ask_for_help", {}, **questionnaire(enrolment))
    expect_redirect(reply, "questionnaires.about", **questionnaire(enrolment))
    again = get_page(client, "questionnaires.about", **questionnaire(enrolment))
    assert again.select("form[action$='/ask-for-help']") == []  # asked once
    assert response_of(enrolment).help_requested_at is not None
    refresh()  # the test's app context would otherwise keep her pages' locale
    staff = app.test_client()  # her facilitator's own phone, in English
    facilitator = make_staff_for(enrolment.group)
    staff_sign_in(staff, facilitator)
    register = get_page(staff, REGISTER, session_id=enrolment.group.sessions[0].id)
    assert register.shows(".nhsuk-tag", f"{parent.name} would like help with the questionnaire")
    index = get_page(staff, "questionnaires.staff_index")
    link = index.select_one(f"main a[href$='/dyads/{enrolment.dyad_id}/prfq/pre/with-help/']")
    assert link.get_text(strip=True) == f"{parent.name} would like help with the questionnaire"
    post_form(staff, START, {"language": "ar", "helper": "colleague"}, **with_help(enrolment))
    register = get_page(staff, REGISTER, session_id=enrolment.group.sessions[0].id)
    assert not register.shows(".nhsuk-tag", "would like help")  # she is being helped
    assert get_page(staff, "questionnaires.staff_index").select("main a[href*=with-help]") == []


def scored_before(response):
    return str(response.timepoint) == "pre" and any(
        s.subscale == "interest_curiosity" and s.valid and s.value is not None
        for s in response.scores)


def helped(responses, count, staff):
    """The PRFQ responses (pre and post) of the first `count` dyads scored before, as if
    answered with help; returns those responses."""
    dyads = sorted({r.dyad_id for r in responses if scored_before(r)})[:count]
    marked = [r for r in responses if r.dyad_id in dyads]
    for response in marked:
        response.assisted, response.helped_by_id = True, staff.id
        response.help_language, response.help_kind = "pt", HelpKind.INTERPRETER
    db.session.commit()
    return marked


def prfq_responses():
    return db.session.scalars(sa.select(QuestionnaireResponse).where(
        QuestionnaireResponse.instrument_id == "prfq",
        QuestionnaireResponse.status == "submitted")).all()


def outcome_counts(client, answered=None):
    """{(instrument, subscale): n_pre} from the outcomes table's CSV, filtered."""
    query = {"answered": answered} if answered else {}
    reply = client.get(url(client, "reports.download_table", section="outcomes",
                           table="outcomes", query=query))
    assert reply.status_code == 200
    rows = list(csv.reader(io.StringIO(reply.get_data(as_text=True))))
    at = rows[0].index("n_pre")
    return {(row[0], row[1]): int(row[at]) for row in rows[1:]}


def test_the_outcomes_report_shows_all_or_separates_answered_alone_and_with_help(
        app, client, sign_in):
    reports_factories.group_with_data(size=12)
    responses = prfq_responses()
    everyone = len([r for r in responses if scored_before(r)])
    staff = sign_in("evaluator")
    helped(responses, 3, staff)
    key = ("prfq", "interest_curiosity")
    assert outcome_counts(client)[key] == everyone
    with_help_counts = outcome_counts(client, "with_help")
    assert with_help_counts[key] == 3
    assert ("loaf", "part_a") not in with_help_counts  # staff's ratings: neither way
    assert outcome_counts(client, "alone")[key] == everyone - 3
    page = get_page(client, "reports.show_outcomes", query={"answered": "with_help"})
    assert page.field_value("answered") == "with_help"
    wrong = get_page(client, "reports.show_outcomes", query={"answered": "maybe"})
    assert wrong.shows(".nhsuk-error-summary", "Choose one from the list")


def test_the_export_and_its_codebook_carry_the_help_but_not_who_helped(app, client, sign_in):
    reports_factories.group_with_data(size=12)
    staff = sign_in("evaluator")
    marked_ids = {str(r.id) for r in helped(prfq_responses(), 2, staff)}
    body = client.get(url(client, "reports.download_export", name="responses.csv"))
    rows = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    assert {"assisted", "help_language", "help_kind"} <= set(rows[0])
    assert not any("help" in name and "by" in name for name in rows[0])
    marked = [r for r in rows if r["assisted"] == "1"]
    assert {r["response_id"] for r in marked} == marked_ids
    assert {(r["help_language"], r["help_kind"]) for r in marked} == {("pt", "interpreter")}
    assert {r["assisted"] for r in rows} == {"0", "1"}
    codebook = client.get(url(client, "reports.download_export", name="codebook.csv"))
    text = codebook.get_data(as_text=True)
    assert "help_kind" in text and "interpreter; colleague; facilitator" in text
