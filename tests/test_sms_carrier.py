"""STOP at the carrier, START in her language: Twilio blocks a number that texted its own STOP
word until she texts START, UNSTOP or YES; a local start word (INICIAR, ابدأ) does not lift it.
The app records the block apart from her choice, never flips her choice silently on 21610, holds
back texts that could only fail, tells her in her language which word reopens texts, and shows
staff the state in words. Through the real twilio client with its HTTP layer replaced."""

import pytest
import sqlalchemy as sa

from pairs_group.db import db, utcnow
from pairs_group.parents.models import Parent
from pairs_group.sms.models import MessageStatus, OptOutEvent, OutboxMessage
from pairs_group.sms.service import dispatch_due, queue_sms
from tests import factories
from tests.account_factories import sign_in_parent, valid_mobile
from tests.conftest import staff_sign_in
from tests.pages import expect_redirect, get_page, post_form
from tests.sms_factories import FakeTwilioHttp, signed_post, twilio_error, twilio_settings

INBOUND = "/sms/twilio/inbound"
LOCAL_START = {"pt": "INICIAR", "ar": "ابدأ"}
WELCOME = {"name": "Ana", "starts_at": "2027-01-12T10:00:00+00:00", "venue": "Stockwell"}


@pytest.fixture
def twilio(make_app):
    FakeTwilioHttp.reset()
    app = make_app(**twilio_settings())
    with app.app_context():
        yield app.test_client()


def text_from(client, parent, body, sid, **extra):
    response = signed_post(client, INBOUND, {"From": parent.mobile, "To": "+447700900000",
                                             "Body": body, "MessageSid": sid, **extra})
    assert response.status_code == 200
    db.session.expire_all()
    return db.session.get(Parent, parent.id)


def a_parent(language):
    parent = factories.make_dyad(language=language).parent
    db.session.commit()
    return parent


def events(parent):
    return db.session.scalars(sa.select(OptOutEvent).where(OptOutEvent.parent_id == parent.id)
                              .order_by(OptOutEvent.id)).all()


def last_text(parent, kind):
    return db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.parent_id == parent.id, OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc()).limit(1))


@pytest.mark.parametrize("language", ["pt", "ar"])
def test_stop_blocks_at_the_carrier_and_her_local_start_word_does_not_unblock_it(
        twilio, language):
    parent = text_from(twilio, a_parent(language), "STOP", "SM1")
    assert parent.sms_opted_out_at and parent.sms_carrier_blocked_at
    assert [(e.opted_out, e.keyword, e.at_carrier) for e in events(parent)] == [
        (True, "STOP", True)]

    parent = text_from(twilio, parent, LOCAL_START[language], "SM2")
    # Her choice is recorded; the block at the provider is not lifted by her words, so the
    # confirmation that could only fail (21610) is held back, and says why.
    assert parent.sms_opted_out_at is None and parent.sms_carrier_blocked_at
    assert last_text(parent, "opted_in").status == MessageStatus.SKIPPED_CARRIER_BLOCKED
    assert FakeTwilioHttp.requests == []


@pytest.mark.parametrize("language", ["pt", "ar"])
def test_21610_is_recorded_as_blocked_at_the_carrier_and_never_flips_her_choice(
        twilio, language):
    # The app has her as opted out, but never saw that the provider blocked her (a STOP from
    # before it kept that record): the confirmation of her local start word meets 21610.
    parent = a_parent(language)
    parent.sms_opted_out_at = utcnow()
    db.session.commit()
    FakeTwilioHttp.answers.append(twilio_error(400, 21610, "Attempt to send to unsubscribed "
                                                           "recipient"))
    parent = text_from(twilio, parent, LOCAL_START[language], "SM2")

    confirmation = last_text(parent, "opted_in")
    assert (confirmation.status, confirmation.error_code) == (MessageStatus.FAILED, "21610")
    assert len(FakeTwilioHttp.requests) == 1
    assert parent.sms_opted_out_at is None  # she asked for texts: not flipped back silently
    assert parent.sms_carrier_blocked_at is not None
    last = events(parent)[-1]
    assert (last.opted_out, last.source, last.keyword, last.at_carrier) == (
        True, "provider", "21610", True)

    # Later texts are held back rather than sent to fail; nothing more reaches Twilio.
    queue_sms("welcome", "welcome:after", parent=parent, context=WELCOME)
    db.session.commit()
    assert dispatch_due().statuses == {"skipped_carrier_blocked": 1}
    assert len(FakeTwilioHttp.requests) == 1


@pytest.mark.parametrize("language", ["pt", "ar"])
def test_start_itself_unblocks_at_the_carrier_and_texts_go_again(twilio, language):
    parent = text_from(twilio, a_parent(language), "STOP", "SM1")
    parent = text_from(twilio, parent, LOCAL_START[language], "SM2")
    parent = text_from(twilio, parent, "Start", "SM3")
    assert parent.sms_opted_out_at is None and parent.sms_carrier_blocked_at is None
    assert (events(parent)[-1].opted_out, events(parent)[-1].at_carrier) == (False, True)
    queue_sms("welcome", "welcome:after", parent=parent, context=WELCOME)
    db.session.commit()
    assert dispatch_due().statuses == {"sent": 1}
    assert FakeTwilioHttp.requests[-1]["To"] == parent.mobile


def test_twilio_saying_a_local_word_is_its_start_keyword_unblocks(twilio):
    """With Advanced Opt-Out a Messaging Service can take INICIAR as an opt-in word: Twilio
    then says so in OptOutType, and the app believes it."""
    parent = text_from(twilio, a_parent("pt"), "STOP", "SM1")
    parent = text_from(twilio, parent, "INICIAR", "SM2", OptOutType="START")
    assert parent.sms_opted_out_at is None and parent.sms_carrier_blocked_at is None


def test_a_local_stop_word_does_not_block_at_the_carrier_and_is_confirmed(twilio):
    parent = text_from(twilio, a_parent("pt"), "PARAR", "SM1")
    assert parent.sms_opted_out_at and parent.sms_carrier_blocked_at is None
    assert last_text(parent, "opted_out").status == MessageStatus.SENT
    assert "START" in FakeTwilioHttp.requests[-1]["Body"]


@pytest.mark.parametrize(("language", "words"), [
    ("pt", "envie uma mensagem a dizer START para"),
    ("ar", "أرسلي رسالة فيها كلمة START إلى الرقم"),
])
def test_her_settings_tell_her_in_her_language_to_text_start(make_app, language, words):
    app = make_app(TWILIO_FROM_NUMBER="+447700900123")
    with app.app_context():
        client = app.test_client()
        parent = factories.make_dyad(language=language, mobile=valid_mobile()).parent
        db.session.commit()
        sign_in_parent(client, parent)
        page = get_page(client, "account.edit_settings")
        assert not page.shows(".nhsuk-warning-callout", "START")
        parent.sms_carrier_blocked_at = utcnow()
        db.session.commit()
        page = get_page(client, "account.edit_settings")
        assert page.lang == language
        assert page.shows(".nhsuk-warning-callout p", words)
        assert page.shows(".nhsuk-warning-callout bdi", "+447700900123")


def test_staff_see_the_block_in_words_on_her_texts_and_the_opt_outs(twilio):
    parent = text_from(twilio, a_parent("pt"), "STOP", "SM1")
    parent = text_from(twilio, parent, "INICIAR", "SM2")
    admin = factories.make_staff(role="admin")
    db.session.commit()
    staff_sign_in(twilio, admin)
    history = get_page(twilio, "sms.parent_history", parent_id=parent.id)
    assert history.shows("main strong", "Blocked by our text provider since")
    assert history.shows("main p", "until she texts START (in English)")
    assert history.shows("main p", "ask her to text START")
    assert history.shows("main td", "Not sent: blocked by our text provider")
    opt_outs = get_page(twilio, "sms.opt_outs")
    assert opt_outs.shows("main li", "Blocked by our text provider since")
    assert opt_outs.shows("main li", "stopped texts (STOP) · blocked by our text provider")
    assert opt_outs.shows("main li", "started texts again (INICIAR)")


def test_staff_read_a_21610_as_the_provider_blocking_her_not_as_her_stopping(twilio):
    parent = a_parent("pt")
    FakeTwilioHttp.answers.append(twilio_error(400, 21610))
    queue_sms("welcome", "welcome:1", parent=parent, context=WELCOME)
    db.session.commit()
    dispatch_due()
    admin = factories.make_staff(role="admin")
    db.session.commit()
    staff_sign_in(twilio, admin)
    opt_outs = get_page(twilio, "sms.opt_outs")
    assert opt_outs.shows("main li", "blocked by our text provider (21610)")
    assert not opt_outs.shows("main li", "stopped texts")


@pytest.mark.parametrize(("language", "words"), [
    ("pt", "Envie uma mensagem a dizer START para"),
    ("ar", "أرسلي رسالة فيها كلمة START إلى الرقم"),
])
def test_the_code_page_says_how_to_unblock_texts_to_anyone_whose_code_did_not_come(
        make_app, language, words):
    """She cannot sign in to read her settings while the block stops her code: the code page
    tells everyone, in their language (it cannot say whose number is blocked without saying
    whose number we know)."""
    app = make_app(TWILIO_FROM_NUMBER="+447700900123")
    with app.app_context():
        client = app.test_client()
        expect_redirect(post_form(client, "account.sign_in", {"mobile": valid_mobile()},
                                  lang=language), "account.enter_code")
        page = get_page(client, "account.enter_code", query={"lang": language})
        assert page.lang == language
        assert page.shows("details .nhsuk-details__text p", words)
        assert page.shows("details bdi", "+447700900123")


def test_a_code_that_goes_through_shows_the_block_was_lifted_where_we_did_not_hear(twilio):
    """She texted START but that text never reached us: the code she then asks for is tried
    (she asked for it), Twilio takes it, so the block is gone."""
    parent = text_from(twilio, a_parent("pt"), "STOP", "SM1")
    parent.sms_opted_out_at = None  # she had asked for texts again in her words
    db.session.commit()
    queue_sms("sign_in_code", "code:after", parent=parent, context={"code": "123456"})
    db.session.commit()
    assert dispatch_due().statuses == {"sent": 1}
    db.session.expire_all()
    assert db.session.get(Parent, parent.id).sms_carrier_blocked_at is None
    assert (events(parent)[-1].opted_out, events(parent)[-1].source) == (False, "provider")
