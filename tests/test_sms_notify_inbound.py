"""Replies through GOV.UK Notify: its received-text callback (bearer token) is acted on like
Twilio's inbound texts (STOP, START, HELP and "2" in every language, the rest to the staff
inbox), and our answers go back through Notify's API with the real client. Neither Notify
callback lets a body that is not its JSON reach the database."""

import json
import os
from datetime import UTC, datetime, time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.parents.models import EnrolmentStatus, Parent
from pairs_group.parents.phones import sender_e164
from pairs_group.sms import inbound
from pairs_group.sms.messages import KINDS
from pairs_group.sms.models import (
    InboundAction,
    InboundMessage,
    MessageStatus,
    OptOutEvent,
    OutboxMessage,
)
from pairs_group.sms.service import backend, render_with
from tests import factories
from tests.conftest import count_rows, staff_sign_in
from tests.notify_http import API_KEY, inbound_body, template_ids, use_fake_notify
from tests.pages import get_page
from tests.test_fuzz_forms import HOSTILE

INBOUND = "/sms/notify/inbound"
TOKEN = "inbound-token-0123456789"
RECEIPTS_TOKEN = "receipts-token-0123456789"
FIRST_DAY = datetime(2027, 1, 12).date()  # a Tuesday; sessions at 10:00
# Her words for stop, start, help and "I can't come" (2), as a parent might type them.
WORDS = {
    "pt": ("Parar", "Iniciar", "ajuda", "dois"),
    "ar": ("توقف", "ابدأ", "مساعدة", "٢"),
    "pl": ("Wypisz", "START", "Pomoc", "dwa"),
    "so": ("Jooji", "Bilow", "Caawimo", "laba"),
    "es": ("Baja", "Comenzar", "Ayuda", "dos"),
    "fr": ("Arrêt", "Démarrer", "Aide", "deux"),
    "en": ("STOP", "START", "HELP", "2"),
}


@pytest.fixture
def notify(make_app):
    app = make_app(SMS_BACKEND="notify", NOTIFY_API_KEY=API_KEY,
                   NOTIFY_CALLBACK_TOKEN=RECEIPTS_TOKEN, NOTIFY_INBOUND_CALLBACK_TOKEN=TOKEN)
    app.config["NOTIFY_TEMPLATES"] = template_ids(KINDS)  # every kind, features' ones too
    with app.app_context():
        http = use_fake_notify(backend())
        yield SimpleNamespace(app=app, client=app.test_client(), http=http)


def as_notify_writes_it(parent):
    """Notify gives UK numbers without the plus: 447700900123."""
    return parent.mobile.removeprefix("+")


def text_in(notify, number, message, token=TOKEN, **fields):
    return notify.client.post(INBOUND, json=inbound_body(number, message, **fields),
                              headers={"Authorization": f"Bearer {token}"})


def replies(notify):
    """(kind, number, words) of each text Notify was asked to send."""
    kind_of = {template: kind for kind, template in template_ids(KINDS).items()}
    assert not notify.http.problems, notify.http.problems
    return [(kind_of[sent["template_id"]], sent["phone_number"], sent["personalisation"]["body"])
            for sent in notify.http.sent]


def a_parent(language="en", **details):
    dyad = factories.make_dyad(language=language, **details)
    db.session.commit()
    return db.session.get(Parent, dyad.parent_id)


def nothing_stored():
    return all(count_rows(model) == 0 for model in (InboundMessage, OutboxMessage, OptOutEvent))


# --- keywords in her language, answered through Notify -----------------------------------------

@pytest.mark.parametrize("language", sorted(WORDS))
def test_stop_opts_her_out_and_notify_sends_the_confirmation_in_her_language(notify, language):
    parent = a_parent(language)
    response = text_in(notify, as_notify_writes_it(parent), WORDS[language][0])
    assert response.status_code == 200
    db.session.refresh(parent)
    assert parent.sms_opted_out_at is not None
    event = db.session.scalar(sa.select(OptOutEvent))
    assert (event.opted_out, event.source) == (True, "keyword")
    received = db.session.scalar(sa.select(InboundMessage))
    assert (received.action, received.parent_id, received.from_number) == (
        InboundAction.OPTED_OUT, parent.id, parent.mobile)
    # Notify answers no keyword itself, so even an English STOP is confirmed by us.
    expected = render_with("opted_out", language, {})
    assert replies(notify) == [("opted_out", parent.mobile, expected)]
    if language != "en":
        assert expected != render_with("opted_out", "en", {})
    sent = db.session.scalar(sa.select(OutboxMessage))
    assert sent.status == MessageStatus.SENT and sent.provider_id


@pytest.mark.parametrize("language", sorted(WORDS))
def test_start_opts_her_back_in_and_says_so_in_her_language(notify, language):
    parent = a_parent(language, sms_opted_out_at=utcnow())
    assert text_in(notify, as_notify_writes_it(parent), WORDS[language][1]).status_code == 200
    db.session.refresh(parent)
    assert parent.sms_opted_out_at is None
    assert [e.opted_out for e in db.session.scalars(sa.select(OptOutEvent))] == [False]
    assert replies(notify) == [("opted_in", parent.mobile,
                                render_with("opted_in", language, {}))]


@pytest.mark.parametrize("language", sorted(WORDS))
def test_help_gets_the_help_reply_in_her_language(notify, language):
    parent = a_parent(language)
    assert text_in(notify, as_notify_writes_it(parent), WORDS[language][2]).status_code == 200
    phone = notify.app.config["SMS_HELP_PHONE"]
    assert replies(notify) == [("help_reply", parent.mobile,
                                render_with("help_reply", language, {"phone": phone}))]
    assert db.session.scalar(sa.select(InboundMessage.action)) == InboundAction.HELP


def test_a_discreet_parent_gets_the_discreet_help_reply(notify):
    parent = a_parent("pt", discreet_sms=True)
    text_in(notify, as_notify_writes_it(parent), "AJUDA")
    phone = notify.app.config["SMS_HELP_PHONE"]
    words = render_with("help_reply", "pt", {"phone": phone}, discreet=True)
    assert replies(notify) == [("help_reply", parent.mobile, words)]


def a_group_with(language):
    group = factories.make_group(first_day=FIRST_DAY, start_time=time(10, 0))
    enrolment = factories.enrol(factories.make_dyad(language=language), group,
                                status=EnrolmentStatus.ENROLLED)
    enrolment.enrolled_at = utcnow().replace(year=2026)
    db.session.commit()
    return group


@pytest.mark.parametrize("language", sorted(WORDS))
def test_two_after_a_reminder_sent_through_notify_means_she_cant_come(notify, time_machine,
                                                                      language):
    group = a_group_with(language)
    time_machine.move_to("2027-01-10T10:05:00+00:00", tick=False)
    notify.app.test_cli_runner().invoke(args=["reminders", "send"])
    assert [kind for kind, _to, _words in replies(notify)] == ["reminder"]
    number = db.session.scalar(sa.select(OutboxMessage.to))
    time_machine.move_to("2027-01-10T11:00:00+00:00", tick=False)
    assert text_in(notify, number.removeprefix("+"), WORDS[language][3]).status_code == 200
    assert db.session.scalar(sa.select(InboundMessage.action)) == InboundAction.CANT_COME
    mark = db.session.scalar(sa.select(Attendance))
    assert (mark.session_id, mark.status) == (group.sessions[0].id,
                                              AttendanceStatus.CANCELLED_BY_PARENT)
    kind, to, words = replies(notify)[-1]
    assert (kind, to) == ("cant_come_thanks", number)
    assert words == db.session.scalar(sa.select(OutboxMessage.body).where(
        OutboxMessage.kind == "cant_come_thanks"))


def test_anything_else_lands_in_the_staff_inbox_with_her_name(notify):
    parent = a_parent("so", name="Hodan Warsame")
    text_in(notify, as_notify_writes_it(parent), "Waan soo daahi doonaa 10 daqiiqo")
    received = db.session.scalar(sa.select(InboundMessage))
    assert (received.action, received.parent_id) == (InboundAction.INBOX, parent.id)
    assert replies(notify) == []
    staff = factories.make_staff(role="admin")
    db.session.commit()
    staff_sign_in(notify.client, staff)
    page = get_page(notify.client, "sms.inbox")
    assert page.shows("main", "Waan soo daahi doonaa 10 daqiiqo")
    assert page.shows("main", "Hodan Warsame")


def test_please_stop_in_a_sentence_is_flagged_for_staff_not_acted_on(notify):
    parent = a_parent()
    text_in(notify, as_notify_writes_it(parent), "Please stop texting me")
    received = db.session.scalar(sa.select(InboundMessage))
    assert received.action == InboundAction.INBOX and received.possible_opt_out
    db.session.refresh(parent)
    assert parent.sms_opted_out_at is None and replies(notify) == []


def test_a_text_from_a_number_we_do_not_know_is_kept_for_staff_in_e164(notify):
    text_in(notify, "447700900999", "Is this the baby group?")
    received = db.session.scalar(sa.select(InboundMessage))
    assert (received.from_number, received.parent_id) == ("+447700900999", None)
    assert received.action == InboundAction.INBOX and replies(notify) == []


def test_the_time_notify_received_it_is_kept(notify):
    text_in(notify, "447700900999", "hello", date_received="2026-11-26T09:15:30.123456Z")
    received = db.session.scalar(sa.select(InboundMessage))
    assert received.received_at == datetime(2026, 11, 26, 9, 15, 30, 123456, tzinfo=UTC)


def test_fields_notify_may_add_are_accepted(notify):
    response = text_in(notify, "447700900999", "hello", sms_sender_id="b5d5bd8c", extra=[1])
    assert response.status_code == 200 and count_rows(InboundMessage) == 1


@pytest.mark.parametrize(("given", "stored"), [
    ("447700900123", "+447700900123"), ("+447700900123", "+447700900123"),
    (" 44 7700 900123 ", "+447700900123"), ("07911 200001", "+447911200001"),
    ("0044 7911 200001", "+447911200001"), ("PAIRS", "PAIRS"), ("", ""),
])
def test_a_senders_number_is_read_into_the_stored_form(app, given, stored):
    assert sender_e164(given) == stored


# --- the bearer token --------------------------------------------------------------------------

@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Bearer wrong", f"bearer {TOKEN}", TOKEN, f"Bearer  {TOKEN}",
    f"Bearer {TOKEN} ", f"Basic {TOKEN}", f"Bearer {RECEIPTS_TOKEN}", f"Bearer {TOKEN[:-1]}",
    "Bearer ínbound-token-0123456789",
])
def test_without_the_right_bearer_token_403_and_nothing_stored(notify, authorization):
    parent = a_parent()
    headers = {} if authorization is None else {"Authorization": authorization}
    response = notify.client.post(INBOUND, json=inbound_body(as_notify_writes_it(parent), "STOP"),
                                  headers=headers)
    assert response.status_code == 403
    db.session.refresh(parent)
    assert parent.sms_opted_out_at is None and nothing_stored() and replies(notify) == []


def test_the_inbound_token_does_not_open_the_delivery_receipts(notify):
    response = notify.client.post("/sms/notify/status", json={"id": "x", "status": "delivered"},
                                  headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403


def test_with_no_inbound_token_set_every_callback_is_refused(make_app):
    """Not even the delivery receipts' token opens it: each callback has its own setting."""
    app = make_app(NOTIFY_CALLBACK_TOKEN=RECEIPTS_TOKEN)
    with app.app_context():
        for authorization in ("Bearer ", "Bearer", "Bearer None", f"Bearer {RECEIPTS_TOKEN}"):
            response = app.test_client().post(INBOUND, json=inbound_body("447700900999", "hi"),
                                              headers={"Authorization": authorization})
            assert response.status_code == 403
        assert nothing_stored()


# --- the same text twice -----------------------------------------------------------------------

def test_the_same_notify_id_twice_is_one_text_and_one_reply(notify):
    parent = a_parent("pl")
    for words in ("POMOC", "POMOC", "something else"):
        response = text_in(notify, as_notify_writes_it(parent), words,
                           id="c0b1d2e3-0000-4000-8000-000000000001")
        assert response.status_code == 200
    assert count_rows(InboundMessage) == 1
    assert db.session.scalar(sa.select(InboundMessage.body)) == "POMOC"
    assert [kind for kind, _to, _words in replies(notify)] == ["help_reply"]


def test_a_retry_arriving_in_another_process_at_the_same_moment_is_one_text(notify,
                                                                            monkeypatch):
    """Both processes looked before either wrote: the unique id settles it, without a 500."""
    parent = a_parent()
    text_in(notify, as_notify_writes_it(parent), "HELP", id="same-id")
    looked = []
    real = inbound.already_received

    def not_yet_seen_the_first_time(provider_id):
        looked.append(provider_id)
        return None if len(looked) == 1 else real(provider_id)

    monkeypatch.setattr(inbound, "already_received", not_yet_seen_the_first_time)
    response = text_in(notify, as_notify_writes_it(parent), "HELP", id="same-id")
    assert response.status_code == 200 and looked == ["same-id", "same-id"]
    assert count_rows(InboundMessage) == 1
    assert [kind for kind, _to, _words in replies(notify)] == ["help_reply"]


# --- bodies that are not a received text -------------------------------------------------------

GOOD = inbound_body("447700900123", "STOP", id="9a1f6a1e-2d1e-4c1b-8f3e-2f0a4b5c6d7e")
BAD_BODIES = [
    b"", b"not json", b"{", b"[]", b'"STOP"', b"null", b"42", b"\xff\xfe\xfd", b"[" * 100_000,
    b'{"id": ' * 50_000,
    *[{k: v for k, v in GOOD.items() if k != missing} for missing in GOOD],
    *[{**GOOD, field: value} for field in GOOD for value in (None, 7, ["x"], {"a": 1}, True)],
    {**GOOD, "id": ""}, {**GOOD, "id": "x" * 65}, {**GOOD, "id": "a b"},
    {**GOOD, "id": "../../etc"}, {**GOOD, "id": "ñ"}, {**GOOD, "source_number": ""},
    {**GOOD, "source_number": "   "}, {**GOOD, "source_number": "4" * 33},
    {**GOOD, "date_received": "yesterday"}, {**GOOD, "date_received": "2027-02-30T10:00:00Z"},
    {**GOOD, "date_received": ""}, {**GOOD, "date_received": "0001-01-01T00:00:00+01:00"},
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=lambda body: repr(body)[:40])
def test_a_body_that_is_not_a_received_text_is_400_and_nothing_is_stored(notify, body):
    parent = a_parent(mobile="+447700900123")
    if isinstance(body, bytes):
        response = notify.client.post(INBOUND, data=body, content_type="application/json",
                                      headers={"Authorization": f"Bearer {TOKEN}"})
    else:
        response = notify.client.post(INBOUND, json=body,
                                      headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400
    db.session.refresh(parent)
    assert parent.sms_opted_out_at is None and nothing_stored() and replies(notify) == []


def test_the_good_body_those_are_made_from_is_taken(notify):
    parent = a_parent(mobile="+447700900123")
    response = text_in(notify, GOOD["source_number"], GOOD["message"], id=GOOD["id"])
    assert response.status_code == 200
    db.session.refresh(parent)
    assert parent.sms_opted_out_at is not None


@pytest.mark.parametrize("body", [b"[1]", b"[" * 100_000, b'"delivered"', b"\xff", b"{"])
def test_a_delivery_receipt_that_is_not_a_json_object_is_400(notify, body):
    response = notify.client.post("/sms/notify/status", data=body,
                                  content_type="application/json",
                                  headers={"Authorization": f"Bearer {RECEIPTS_TOKEN}"})
    assert response.status_code == 400


@pytest.mark.parametrize("given", ["a\x00b", ["x"], {"a": 1}, 7, None, "x" * 65, "\ud800"])
def test_a_delivery_receipt_for_an_id_that_cannot_be_ours_is_ignored(notify, given):
    response = notify.client.post("/sms/notify/status", json={"id": given, "status": "delivered"},
                                  headers={"Authorization": f"Bearer {RECEIPTS_TOKEN}"})
    assert response.status_code == 200


def test_nul_and_lone_surrogates_in_her_text_are_stored_safely(notify):
    response = text_in(notify, "447700900\x00999", "late\x00 \ud800sorry")
    assert response.status_code == 200
    received = db.session.scalar(sa.select(InboundMessage))
    assert (received.from_number, received.body) == ("+447700900999", "late ?sorry")


# --- fuzz ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=8)
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200))
fields = st.fixed_dictionaries({}, optional={
    "id": st.one_of(st.from_regex(r"\A[A-Za-z0-9-]{1,64}\Z"), hostile_text, json_values),
    "source_number": st.one_of(st.from_regex(r"\A\+?44\d{10}\Z"), hostile_text, json_values),
    "destination_number": st.one_of(hostile_text, json_values),
    "message": st.one_of(st.sampled_from(["STOP", "HELP", "2", "ابدأ"]), hostile_text,
                         json_values),
    "date_received": st.one_of(st.just(GOOD["date_received"]), hostile_text, json_values),
})
# One callback is cheap: many examples by default, more with FUZZ_EXAMPLES (as test_fuzz_forms).
FUZZ_SETTINGS = settings(max_examples=max(150, int(os.environ.get("FUZZ_EXAMPLES", "0"))),
                         deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
# Every field there and a string, its words hostile: the bodies that get through to the work.
texts = st.fixed_dictionaries({
    "id": st.from_regex(r"\A[A-Za-z0-9-]{1,64}\Z"),
    "source_number": st.one_of(st.from_regex(r"\A\+?44\d{10}\Z"), hostile_text),
    "destination_number": hostile_text,
    "message": st.one_of(st.sampled_from(["STOP", "HELP", "2", "ابدأ"]), hostile_text),
    "date_received": st.one_of(st.just(GOOD["date_received"]), hostile_text),
})
bodies = st.one_of(texts, fields, st.builds(lambda extra, data: {**data, **extra},
                                     st.dictionaries(st.text(max_size=8), json_values,
                                                     max_size=2), fields),
                   json_values, st.binary(max_size=200))


def test_fuzzed_bodies_never_get_a_5xx_and_a_refused_one_stores_nothing(notify):
    parent, statuses = a_parent(mobile="+447700900123"), set()

    @FUZZ_SETTINGS
    @given(body=bodies)
    def post(body):
        before = count_rows(InboundMessage)
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        response = notify.client.post(INBOUND, data=raw, content_type="application/json",
                                      headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code in (200, 400), (body, response.status_code)
        statuses.add(response.status_code)
        after = count_rows(InboundMessage)
        if response.status_code == 400:
            assert after == before, body
        else:
            assert after - before in (0, 1)  # 0: an id it had already
            stored = db.session.scalar(sa.select(InboundMessage).order_by(
                InboundMessage.id.desc()).limit(1))
            assert "\x00" not in stored.body + stored.from_number

    post()
    assert statuses == {200, 400}  # the fuzz reached both the refusal and the real work
    assert not notify.http.problems and parent is not None
