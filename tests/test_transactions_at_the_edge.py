"""Services flush; the page or command commits (README › Layout). A savepoint a service opens
before any other write stays inside its caller's transaction: on SQLite (pysqlite) it would
otherwise begin a transaction of its own and commit when released, so the caller's rollback
would leave the service's rows stored."""

import sqlalchemy as sa

from pairs_group.db import db, savepoint
from pairs_group.groups.models import Venue
from pairs_group.questionnaires import answering, instruments
from pairs_group.questionnaires.models import Answer, Timepoint
from pairs_group.sms import follow_up, inbound
from pairs_group.sms.models import InboundMessage, MessageStatus, OutboxMessage
from pairs_group.sms.outbox import queue_many, queue_sms
from pairs_group.tokens import make_token
from tests import factories, parents_factories
from tests.account_factories import family_in_group, last_code, sign_in_parent
from tests.pages import expect_redirect, url
from tests.questionnaires_factories import family


def rows(model):
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_savepoint_opened_before_any_write_is_undone_by_the_callers_rollback(app):
    with savepoint():
        db.session.add(Venue(name="Stockwell", address="1 Road", postcode="SW9 9AA"))
    assert rows(Venue) == 0


def test_a_savepoint_still_lets_one_of_two_copies_win(app):
    db.session.add(Venue(name="Stockwell", address="1 Road", postcode="SW9 9AA"))
    with savepoint():
        db.session.add(Venue(name="Brixton", address="2 Road", postcode="SW2 1AA"))
    db.session.commit()
    assert rows(Venue) == 2


def test_a_received_text_is_stored_only_when_the_webhook_commits(app):
    inbound.receive("+447700900123", "hello", "SM1")
    assert rows(InboundMessage) == 0


def test_a_text_sent_again_is_stored_only_when_the_page_commits(app):
    dyad = factories.make_dyad()
    failed = queue_sms("welcome", "w:1", parent=dyad.parent, context={})
    failed.status = MessageStatus.FAILED
    db.session.commit()
    follow_up.resend(failed)
    assert rows(OutboxMessage) == 1


def test_queued_reminders_are_stored_only_when_the_command_commits(app):
    dyad = factories.make_dyad()
    db.session.commit()
    queue_many([{"kind": "welcome", "key": "w:1", "parent": dyad.parent, "context": {}}])
    assert rows(OutboxMessage) == 0


def test_an_answer_to_a_started_response_is_stored_only_when_the_page_commits(app):
    _parent, enrolment = family()
    response = answering.start_response(enrolment.dyad, instruments.get("prfq"), Timepoint.PRE)
    db.session.commit()
    answering.save_answers(response, {"1": 2, "2": 5})
    assert rows(Answer) == 0


def test_an_answer_given_again_changes_the_stored_one(app):
    _parent, enrolment = family()
    response = answering.start_response(enrolment.dyad, instruments.get("prfq"), Timepoint.PRE)
    answering.save_answers(response, {"1": 2})
    db.session.commit()
    answering.save_answers(response, {"1": 4, "2": None})
    db.session.commit()
    assert answering.answers_of(response) == {"1": 4, "2": None}


def database_gone():
    raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))


def test_a_link_whose_spending_could_not_be_stored_lets_no_one_in(app, client, monkeypatch):
    parent, _enrolment = family_in_group()
    link = url(client, "account.follow_link", purpose="welcome",
               token=make_token(parent.id, "welcome", n="abc"))
    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", database_gone)
        assert client.get(link).status_code == 503
    with client.session_transaction() as cookie:
        assert "link_grant" not in cookie  # the 503's cookie lets her in nowhere
    expect_redirect(client.get(url(client, "account.home")), "account.sign_in")


def test_a_sign_out_that_could_not_be_stored_leaves_her_signed_in_to_try_again(
        app, client, monkeypatch):
    parent, _enrolment = family_in_group()
    sign_in_parent(client, parent)
    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", database_gone)
        assert client.post(url(client, "account.sign_out")).status_code == 503
    assert client.get(url(client, "account.home")).status_code == 200
    expect_redirect(client.post(url(client, "account.sign_out")), "account.sign_in")
    expect_redirect(client.get(url(client, "account.home")), "account.sign_in")


def test_a_sign_up_whose_place_could_not_be_stored_can_be_sent_again(app, client, monkeypatch):
    group = parents_factories.open_group()
    parents_factories.sign_up_until_group_choice(client)
    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", database_gone)
        assert parents_factories.choose(client, group).status_code == 503
    done = parents_factories.choose(client, group)  # her answers are still hers to send
    expect_redirect(done, "parents.signed_up_page", lang="pt")


def test_a_sign_in_code_whose_use_could_not_be_stored_signs_no_one_in(app, client, monkeypatch):
    parent, _enrolment = family_in_group()
    client.post(url(client, "account.sign_in"), data={"mobile": parent.mobile})
    code = last_code(parent.mobile)
    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", database_gone)
        response = client.post(url(client, "account.enter_code"), data={"code": code})
        assert response.status_code == 503
    expect_redirect(client.get(url(client, "account.home")), "account.sign_in")


def test_a_staff_sign_in_that_could_not_be_stored_signs_no_one_in(app, client, monkeypatch):
    user = factories.make_staff(role="facilitator")
    db.session.commit()
    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", database_gone)
        response = client.post(url(client, "auth.sign_in"), data={
            "email": user.email, "password": factories.STAFF_PASSWORD})
        assert response.status_code == 503
    expect_redirect(client.get(url(client, "groups.list_groups")), "auth.sign_in")
