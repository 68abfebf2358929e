import csv
import io
import json
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import refresh

from pairs_group.account import erasure
from pairs_group.account.models import SignInCode
from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.audit.models import AuditEvent
from pairs_group.db import db, utcnow
from pairs_group.parents.consents import current_consent, record_consent
from pairs_group.parents.models import Baby, ConsentKind, Dyad, Enrolment, Parent
from pairs_group.sms.models import OutboxMessage
from pairs_group.sms.service import render_example
from tests.account_factories import family_in_group, last_code, make_parent, sign_in_parent
from tests.pages import Page, expect_redirect, get_page, post_form, post_page, url


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def signed_in_family(client, evaluation=None):
    parent, enrolment = family_in_group()
    if evaluation is not None:
        record_consent(parent, ConsentKind.EVALUATION, evaluation)
    record_consent(parent, ConsentKind.SMS, True)
    db.session.commit()
    sign_in_parent(client, parent)
    return parent, enrolment


def get(client, endpoint, **args):
    return client.get(url(client, endpoint, **args))


def say_cant_come(client, enrolment, session, reason):
    response = post_form(client, "account.cant_come", {"reason": reason},
                         enrolment_id=enrolment.id, session_id=session.id)
    expect_redirect(response, "account.home")


def audited(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_settings_change_language_texts_and_discreet_wording(app, client):
    parent, _ = signed_in_family(client)
    get_page(client, "account.edit_settings")
    response = post_form(client, "account.edit_settings", {
        "language": "pt", "texts": "off", "discreet": "y", "email": "maria@example.com"})
    expect_redirect(response, "account.edit_settings")
    db.session.refresh(parent)
    assert parent.language == "pt" and parent.discreet_sms and parent.email == "maria@example.com"
    assert current_consent(parent, ConsentKind.SMS) is False
    refresh()  # the test's app context would otherwise keep the first request's locale
    page = get_page(client, "account.edit_settings")
    assert page.lang == "pt"  # her saved language drives the pages


def test_the_discreet_hint_shows_the_discreet_reminder_itself(app, client):
    """The settings page's example is the text she would get, so it cannot promise otherwise."""
    signed_in_family(client)
    hint = get_page(client, "account.edit_settings").text_of("#discreet-hint")
    example = render_example("reminder", "en", discreet=True)
    assert example.startswith("See you") and f"“{example}”" in hint
    assert "Together Time" not in example


def test_hostile_settings_are_refused_with_messages(app, client):
    signed_in_family(client)
    page = post_page(client, "account.edit_settings", {
        "language": "xx", "texts": "maybe", "email": "not-an-email" + "x" * 300})
    assert page.title.startswith("Error:")
    assert len(page.select(".nhsuk-error-message")) >= 3
    assert page.shows(".nhsuk-error-message", "An email address is not that long")


def test_a_new_mobile_is_saved_only_after_its_code(app, client):
    parent, _ = signed_in_family(client)
    old = parent.mobile
    get_page(client, "account.change_mobile")
    expect_redirect(post_form(client, "account.change_mobile", {"mobile": "07911 123777"}),
                    "account.check_new_mobile")
    db.session.refresh(parent)
    assert parent.mobile == old
    sent = app.extensions["sms_backend"].sent[-1]
    assert sent["to"] == "+447911123777"
    page = post_page(client, "account.check_new_mobile", {"code": "000000"
                     if last_code("+447911123777") != "000000" else "111111"})
    assert page.shows(".nhsuk-error-message", "That code is not right")
    response = post_form(client, "account.check_new_mobile",
                         {"code": last_code("+447911123777")})
    expect_redirect(response, "account.edit_settings")
    db.session.refresh(parent)
    assert parent.mobile == "+447911123777"


def test_a_mobile_code_cannot_sign_anyone_in(app, client):
    parent, _ = signed_in_family(client)
    expect_redirect(post_form(client, "account.change_mobile", {"mobile": "07911 123778"}),
                    "account.check_new_mobile")
    row = db.session.scalar(sa.select(SignInCode).where(SignInCode.mobile == "+447911123778"))
    expect_redirect(post_form(client, "account.sign_out", {}), "account.sign_in")
    with client.session_transaction() as saved:
        saved["sign_in_flow"] = {"code": row.id, "next": ""}
    page = post_page(client, "account.enter_code", {"code": last_code("+447911123778")})
    assert page.shows(".nhsuk-error-message", "This code has run out")


def test_my_data_shows_everything_and_downloads_as_json_and_csv(app, client):
    parent, enrolment = signed_in_family(client, evaluation=True)
    page = get_page(client, "account.my_data")
    assert parent.name in page.texts(".nhsuk-summary-list__value")
    assert {"Your baby", "Your groups"} <= set(page.texts("h2"))
    assert "code_hash" not in page.html  # nowhere, not even in an attribute
    found = json.loads(get(client, "account.download_data", kind="json").data)
    assert found["parent"][0]["mobile"] == parent.mobile
    assert {"baby", "dyad", "enrolment", "consent"} <= set(found)
    rows = list(csv.reader(io.StringIO(get(client, "account.download_data", kind="csv")
                                       .get_data(as_text=True))))
    assert rows[0] == ["Section", "Number", "Detail", "Value", "Stored as", "Stored value"]
    assert ["About you", "1", "Name", parent.name, "parent.name", parent.name] in rows
    assert audited("account.export")


def test_her_data_downloads_read_in_her_language(app, client):
    """The spreadsheet and the readable file use her language's words for labels and values,
    and keep the stored codes beside them for machines."""
    parent, _ = signed_in_family(client, evaluation=True)
    parent.language = "pt"
    db.session.commit()
    rows = list(csv.reader(io.StringIO(get(client, "account.download_data", kind="csv")
                                       .get_data(as_text=True))))
    assert rows[0] == ["Secção", "Número", "Dado", "Valor", "Guardado como", "Valor guardado"]
    [language] = [row for row in rows if row[4] == "parent.language"]
    assert language[:4] == ["Sobre si", "1", "Língua", "Português"] and language[5] == "pt"
    response = get(client, "account.download_data", kind="html")
    assert response.mimetype == "text/html" and "attachment" in response.headers[
        "Content-Disposition"]
    page = Page(response).check(200)
    assert page.lang == "pt" and page.text_of("h1") == "Os meus dados"
    assert "Sobre si" in page.texts("h2") and "<script" not in page.html
    assert "code_hash" not in page.html


def test_a_formula_in_her_data_stays_text_in_the_csv(app, client):
    parent, _ = signed_in_family(client)
    parent.access_needs = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    text = get(client, "account.download_data", kind="csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_she_withdraws_evaluation_consent_after_confirming_and_can_undo_it(app, client):
    parent, _ = signed_in_family(client, evaluation=True)
    page = get_page(client, "account.my_data")
    withdraw = url(client, "account.withdraw_consent")
    assert page.text_of(f'a[href="{withdraw}"]') == "Take back my yes"
    confirm = get_page(client, "account.withdraw_consent")
    assert confirm.text_of("h1") == "Take back your yes?"
    assert confirm.shows("main p", "you can say yes again on the My data page")
    assert current_consent(parent, ConsentKind.EVALUATION) is True  # asking changed nothing
    expect_redirect(post_form(client, "account.withdraw_consent", {}), "account.my_data")
    assert current_consent(parent, ConsentKind.EVALUATION) is False
    assert audited("consent.withdraw")
    page = get_page(client, "account.my_data")
    assert page.shows("[role=status]", "You can say yes again on this page")
    give = url(client, "account.give_consent")
    assert page.text_of(f'form[action="{give}"] button') == "Say yes"
    expect_redirect(post_form(client, "account.give_consent", {}), "account.my_data")
    assert current_consent(parent, ConsentKind.EVALUATION) is True
    assert audited("consent.give")


def test_there_is_nothing_to_take_back_without_a_yes(app, client):
    parent, _ = signed_in_family(client, evaluation=False)
    expect_redirect(client.get(url(client, "account.withdraw_consent")), "account.my_data")
    expect_redirect(post_form(client, "account.withdraw_consent", {}), "account.my_data")
    assert current_consent(parent, ConsentKind.EVALUATION) is False
    assert not audited("consent.withdraw")


def test_deleting_asks_for_confirmation_first(app, client):
    parent, _ = signed_in_family(client)
    page = post_page(client, "account.delete_account", {})
    assert page.shows(".nhsuk-error-message", "Tick the box") and count(Parent) == 1


def test_deleting_without_evaluation_consent_erases_everything(app, client):
    parent, enrolment = signed_in_family(client, evaluation=False)
    session = enrolment.group.sessions[0]
    say_cant_come(client, enrolment, session, "sick")
    get_page(client, "account.delete_account")
    response = post_form(client, "account.delete_account", {"confirm": "y"})
    expect_redirect(response, "pages.index")
    for model in (Parent, Baby, Dyad, Enrolment, Attendance, OutboxMessage, SignInCode):
        assert count(model) == 0, model
    assert audited("account.delete")
    expect_redirect(get(client, "account.home"), "account.sign_in")


def test_deleting_with_evaluation_consent_keeps_anonymised_attendance(app, client):
    parent, enrolment = signed_in_family(client, evaluation=True)
    past, coming = enrolment.group.sessions[0], enrolment.group.sessions[1]
    past.starts_at = utcnow() - timedelta(days=7)  # she already missed the first session
    db.session.add(Attendance(enrolment=enrolment, session=past, reason="Maria's baby is ill",
                              status=AttendanceStatus.CANCELLED_BY_PARENT))
    db.session.commit()
    say_cant_come(client, enrolment, coming, "Clinic")
    assert get_page(client, "account.delete_account").shows("p", "keep your attendance")
    expect_redirect(post_form(client, "account.delete_account", {"confirm": "y"}), "pages.index")
    db.session.expire_all()
    # The past mark stays without her words; the apology for a session to come goes with her.
    [mark] = db.session.scalars(sa.select(Attendance)).all()
    assert mark.session_id == past.id
    assert mark.status == AttendanceStatus.CANCELLED_BY_PARENT and mark.reason == ""
    kept = db.session.scalar(sa.select(Parent))
    assert kept.name == "" and kept.mobile.startswith("erased-") and kept.email is None
    baby = db.session.scalar(sa.select(Baby))
    assert baby.name == "" and baby.date_of_birth is None
    assert count(OutboxMessage) == 0


def test_erasure_takes_tables_other_features_add_and_runs_their_hooks(app):
    parent = make_parent()
    db.session.commit()
    seen = []
    hook = erasure.register_erasure_hook(lambda p, keep: seen.append((p.id, keep)))
    try:
        erasure.erase_parent(parent, keep_anonymised=False)
        db.session.commit()
    finally:
        erasure.ERASURE_HOOKS.remove(hook)
    assert seen and seen[0][1] is False and count(Parent) == 0


def test_pages_need_a_signed_in_parent(client):
    for endpoint, args in [("account.home", {}), ("account.my_data", {}),
                           ("account.download_data", {"kind": "json"}),
                           ("account.delete_account", {}), ("account.calendar_page", {}),
                           ("account.change_mobile", {})]:
        expect_redirect(get(client, endpoint, **args), "account.sign_in")
    expect_redirect(post_form(client, "account.delete_account", {"confirm": "y"}),
                    "account.sign_in")


def family_with_answers(evaluation):
    from pairs_group.parents.models import AboutYou
    from pairs_group.questionnaires.models import Answer, QuestionnaireResponse, Score

    parent, enrolment = family_in_group()
    record_consent(parent, ConsentKind.EVALUATION, evaluation)
    db.session.add(AboutYou(parent=parent, ethnic_group="white_british"))
    response = QuestionnaireResponse(dyad=enrolment.dyad, instrument_id="prfq",
                                     instrument_version="1", timepoint="pre")
    response.answers.append(Answer(item_id="q1", value=3, text="my own words"))
    response.scores.append(Score(subscale="total", value=3.0))
    db.session.add(response)
    db.session.commit()
    return parent, (AboutYou, Answer, QuestionnaireResponse, Score)


def test_erasure_without_consent_leaves_no_answers_or_scores(app):
    parent, (about_you, answer, response, score) = family_with_answers(False)
    erasure.erase_parent(parent)
    db.session.commit()
    for model in (about_you, answer, response, score, Dyad, Baby, Parent):
        assert count(model) == 0, model


def test_erasure_with_consent_keeps_scores_but_not_words_or_identity(app):
    parent, (about_you, answer, response, score) = family_with_answers(True)
    result = erasure.erase_parent(parent)
    db.session.commit()
    assert result["kept"] >= 3
    assert count(score) == 1 and count(response) == 1 and count(Dyad) == 1
    assert count(answer) == 0 and count(about_you) == 0
    assert data_of_erased_parent_names_nobody()


def data_of_erased_parent_names_nobody():
    kept = db.session.scalar(sa.select(Parent))
    return (kept.name, kept.email, kept.postcode, kept.access_needs) == ("", None, "", "")


def test_my_data_reads_as_words_not_column_names(app, client):
    parent, _ = signed_in_family(client, evaluation=True)
    page = get_page(client, "account.my_data")
    shown = page.text_of("main")  # none of these anywhere on the page
    assert "Created at" not in shown and "Discreet sms" not in shown
    assert "False" not in shown and "+00:00" not in shown
    assert page.shows(".nhsuk-summary-list__key", "You joined on")
    assert page.shows(".nhsuk-summary-list__key", "Short texts that do not say")
    values = page.texts(".nhsuk-summary-list__value")
    assert "Mother" in values and "Using your answers to check how we are doing" in values
