import threading
from datetime import timedelta
from email.utils import parsedate_to_datetime

import sqlalchemy as sa
from flask.testing import FlaskClient

from pairs_group.account import codes
from pairs_group.account.models import SignInCode
from pairs_group.audit.models import AuditEvent
from pairs_group.db import db, utcnow
from pairs_group.sms import service as sms_service
from pairs_group.sms.models import MessageStatus, OutboxMessage
from pairs_group.sms.provider import backend
from pairs_group.sms.service import dispatch_due
from tests.account_factories import last_code, make_parent, sign_in_parent
from tests.pages import expect_redirect, get_page, post_form, post_page, url

ERROR = ".nhsuk-error-message"  # the message under the field


def texts(app):
    return app.extensions["sms_backend"].sent


def test_the_sign_in_page_asks_for_a_mobile_number(client):
    page = get_page(client, "account.sign_in")
    assert "Mobile phone number" in page.text_of("label[for=mobile]")


def test_a_parent_signs_in_with_the_code_texted_to_her(app, client):
    parent = make_parent(mobile="+447911123456")
    db.session.commit()
    response = post_form(client, "account.sign_in", {"mobile": "07911 123456"})
    expect_redirect(response, "account.enter_code")
    assert texts(app)[-1]["kind"] == "sign_in_code" and texts(app)[-1]["to"] == parent.mobile
    get_page(client, "account.enter_code")
    response = post_form(client, "account.enter_code", {"code": last_code(parent.mobile)})
    assert "Hello" in get_page(client, expect_redirect(response, "account.home")).text_of("h1")
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "account.sign_in" in actions


def test_a_parent_may_type_her_code_with_spaces_as_staff_may(client):
    parent = make_parent(mobile="+447911123456")
    db.session.commit()
    expect_redirect(post_form(client, "account.sign_in", {"mobile": "07911 123456"}),
                    "account.enter_code")
    code = last_code(parent.mobile)
    page = post_page(client, "account.enter_code", {"code": code[:5]})
    assert page.shows(ERROR, "The code has 6 numbers")
    response = post_form(client, "account.enter_code", {"code": f" {code[:3]} {code[3:]} "})
    expect_redirect(response, "account.home")


def held_provider(monkeypatch):
    """The app's provider, made to hang inside send until the test releases it; `entered` is
    set each time a send begins."""
    provider, release, entered = backend(), threading.Event(), threading.Event()
    real_send = provider.send

    def held_send(*args, **kwargs):
        entered.set()
        release.wait(timeout=10)  # a provider that hangs until the test lets it answer
        return real_send(*args, **kwargs)

    monkeypatch.setattr(provider, "send", held_send)
    return provider, release, entered


def outbox_statuses():
    db.session.expire_all()
    return {m.to: m.status for m in db.session.scalars(sa.select(OutboxMessage))}


def test_the_code_is_texted_beside_the_response_so_a_slow_provider_cannot_hold_the_page(
        app, monkeypatch):
    parent = make_parent()
    db.session.commit()
    provider, release, entered = held_provider(monkeypatch)
    server = FlaskClient(app, app.response_class)  # does not wait for the hand-off
    response = post_form(server, "account.sign_in", {"mobile": parent.mobile})
    expect_redirect(response, "account.enter_code")
    assert provider.sent == []  # the page came back while the provider had not answered
    assert entered.wait(timeout=10)  # the send had begun beside it, and is held
    assert outbox_statuses() == {parent.mobile: MessageStatus.SENDING}  # the outbox has it
    release.set()
    assert sms_service.wait_for_hand_offs(app)
    assert [text["to"] for text in texts(app)] == [parent.mobile]
    assert outbox_statuses() == {parent.mobile: MessageStatus.SENT}  # and what it said is kept


def test_when_the_provider_hangs_more_codes_than_the_queue_holds_wait_for_the_dispatcher(
        make_app, monkeypatch):
    app = make_app(SMS_HAND_OFF_THREADS=1, SMS_HAND_OFF_QUEUE=1)
    with app.app_context():
        first, second, third = (make_parent() for _ in range(3))
        db.session.commit()
        provider, release, entered = held_provider(monkeypatch)
        server = FlaskClient(app, app.response_class)
        expect_redirect(post_form(server, "account.sign_in", {"mobile": first.mobile}),
                        "account.enter_code")
        assert entered.wait(timeout=10)  # the one thread is held by the provider
        for parent in (second, third):  # one waits in the queue; the queue is then full
            expect_redirect(post_form(FlaskClient(app, app.response_class), "account.sign_in",
                                      {"mobile": parent.mobile}), "account.enter_code")
        assert provider.sent == []
        assert not sms_service.wait_for_hand_offs(app, seconds=0.2)  # still held
        release.set()
        assert sms_service.wait_for_hand_offs(app)
        assert outbox_statuses() == {first.mobile: MessageStatus.SENT,
                                     second.mobile: MessageStatus.SENT,
                                     third.mobile: MessageStatus.PENDING}
        dispatch_due()  # the dispatcher sends what the full queue left
        assert outbox_statuses()[third.mobile] == MessageStatus.SENT
        assert sorted(t["to"] for t in provider.sent) == sorted(
            p.mobile for p in (first, second, third))


def test_a_hand_off_that_breaks_cannot_fail_the_page_and_leaves_the_text_queued(
        app, monkeypatch):
    parent = make_parent()
    db.session.commit()

    def broken(ids, now):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(sms_service, "send_ids", broken)
    client = app.test_client()
    response = client.post(url(client, "account.sign_in"), data={"mobile": parent.mobile})
    assert response.status_code == 302 and backend().sent == []  # logged, not raised
    db.session.expire_all()  # the dispatcher will send it
    assert db.session.scalar(sa.select(OutboxMessage)).status == MessageStatus.PENDING


def test_an_unknown_number_sees_the_same_pages_and_gets_no_text(app, client):
    known = make_parent(mobile="+447911123111")
    db.session.commit()
    first = post_form(client, "account.sign_in", {"mobile": known.mobile})
    second = post_form(client, "account.sign_in", {"mobile": "07911 123999"})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert [t["to"] for t in texts(app)] == [known.mobile]
    page = get_page(client, "account.enter_code")
    assert "If this number is one we know" in page.text_of("h1 + p")
    page = post_page(client, "account.enter_code", {"code": "123456"})
    assert page.shows(ERROR, "That code is not right")


def test_the_code_is_not_left_readable_in_the_outbox(app, client):
    parent = make_parent()
    db.session.commit()
    post_form(client, "account.sign_in", {"mobile": parent.mobile})
    code = last_code(parent.mobile)
    message = db.session.scalar(sa.select(OutboxMessage))
    assert code not in message.body and code not in str(message.context)
    row = db.session.scalar(sa.select(SignInCode))
    assert code not in (row.code_hash, row.salt)


def test_a_code_works_once(app, client):
    parent = make_parent()
    db.session.commit()
    post_form(client, "account.sign_in", {"mobile": parent.mobile})
    code = last_code(parent.mobile)
    get_page(client, "account.enter_code")  # keep the flow in the cookie
    with client.session_transaction() as saved:
        flow_state = dict(saved["sign_in_flow"])
    expect_redirect(post_form(client, "account.enter_code", {"code": code}), "account.home")
    post_form(client, "account.sign_out", {})
    with client.session_transaction() as saved:
        saved["sign_in_flow"] = flow_state  # replay the old flow and code
    page = post_page(client, "account.enter_code", {"code": code})
    assert page.shows(ERROR, "This code has run out")


def test_a_code_runs_out_after_ten_minutes(app, client):
    parent = make_parent()
    db.session.commit()
    post_form(client, "account.sign_in", {"mobile": parent.mobile})
    code = last_code(parent.mobile)
    db.session.execute(sa.update(SignInCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    page = post_page(client, "account.enter_code", {"code": code})
    assert page.shows(ERROR, "This code has run out")


def test_five_wrong_tries_use_the_code_up(app, client):
    parent = make_parent()
    db.session.commit()
    post_form(client, "account.sign_in", {"mobile": parent.mobile})
    code = last_code(parent.mobile)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        page = post_page(client, "account.enter_code", {"code": wrong})
        assert page.shows(ERROR, "That code is not right")
    page = post_page(client, "account.enter_code", {"code": wrong})
    assert page.shows(ERROR, "Too many wrong tries")
    page = post_page(client, "account.enter_code", {"code": code})
    assert page.shows(ERROR, "Too many wrong tries")


def test_a_new_code_replaces_the_old_one(app, client):
    parent = make_parent()
    db.session.commit()
    post_form(client, "account.sign_in", {"mobile": parent.mobile})
    old = db.session.scalar(sa.select(SignInCode))
    post_form(client, "account.sign_in", {"mobile": parent.mobile})
    db.session.refresh(old)
    assert old.used_at is not None


def test_codes_are_six_random_digits_stored_hashed(app):
    parent = make_parent()
    db.session.commit()
    made = {codes.make_code(parent.mobile, parent)[1] for _ in range(20)}
    assert all(len(c) == 6 and c.isdigit() for c in made) and len(made) > 15


def test_bad_numbers_and_codes_get_clear_messages(client):
    for value, message in [("", "Enter your mobile phone number"),
                           ("hello", "Enter a UK mobile number"),
                           ("020 7946 0000", "Enter a UK mobile number"),
                           ("7" * 500, "A mobile number is not that long")]:
        page = post_page(client, "account.sign_in", {"mobile": value})
        assert page.shows(ERROR, message) and page.title.startswith("Error:")
    with client.session_transaction() as saved:
        saved["sign_in_flow"] = {"code": 999999, "next": ""}
    for value in ["12345", "abcdef", "1" * 5000, ""]:
        page = post_page(client, "account.enter_code", {"code": value})
        assert page.shows(ERROR, "code"), value


def test_a_tampered_flow_in_the_cookie_goes_back_to_the_start(client):
    with client.session_transaction() as saved:
        saved["sign_in_flow"] = {"code": "1 OR 1=1"}
    expect_redirect(client.get(url(client, "account.enter_code")), "account.sign_in")


def test_signing_in_starts_a_fresh_session_and_remembers_the_phone(app, client):
    parent = make_parent()
    db.session.commit()
    with client.session_transaction() as saved:
        saved["planted"] = "by an attacker"
    response = sign_in_parent(client, parent, remember=True)
    with client.session_transaction() as saved:
        assert "planted" not in saved
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token")]
    expires = parsedate_to_datetime(cookie[0].split("Expires=")[1].split(";")[0])
    assert abs(expires - utcnow() - timedelta(days=30)) < timedelta(minutes=5)


def test_she_goes_where_she_was_going_but_never_off_site(app, client):
    parent = make_parent()
    db.session.commit()
    settings = url(client, "account.edit_settings")
    asked = expect_redirect(client.get(settings), "account.sign_in")
    assert "?next=" in asked
    post_form(client, "account.sign_in", {"mobile": parent.mobile}, next=settings)
    response = post_form(client, "account.enter_code", {"code": last_code(parent.mobile)})
    expect_redirect(response, "account.edit_settings")
    post_form(client, "account.sign_out", {})
    post_form(client, "account.sign_in", {"mobile": parent.mobile}, next="//evil.example")
    response = post_form(client, "account.enter_code", {"code": last_code(parent.mobile)})
    expect_redirect(response, "account.home")


def test_signing_out_ends_her_session(app, client):
    parent = make_parent()
    db.session.commit()
    sign_in_parent(client, parent)
    post_form(client, "account.sign_out", {})
    expect_redirect(client.get(url(client, "account.home")), "account.sign_in")


def test_staff_cannot_use_parents_pages(client, sign_in):
    sign_in("admin")
    get_page(client, "account.edit_settings", 403)


def test_a_form_without_its_csrf_token_is_refused_kindly(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        for endpoint in ["account.sign_in", "account.enter_code", "account.sign_out",
                         "account.delete_account"]:
            response = post_form(client, endpoint, {"mobile": "07911 123456", "code": "123456"})
            assert response.status_code == 400, endpoint


def test_odd_shaped_input_never_breaks_the_sign_in(client):
    for data in [{"mobile": ["07911 123456", "07911 123457"]}, {"mobile": "\x00\x01"},
                 {"mobile": "０７９１１ １２３４５６"}, {"mobile": "+44 (0) 7911 123456"},
                 {"unexpected": "field"}]:
        assert post_form(client, "account.sign_in", data).status_code in (200, 302)


def test_demo_numbers_work_outside_production_only(app):
    assert codes.normalise_mobile("07700 900101") == "+447700900101"
    app.config["PAIRS_ENV"] = "production"
    assert codes.normalise_mobile("07700 900101") is None
    assert codes.normalise_mobile("07911 123456") == "+447911123456"
