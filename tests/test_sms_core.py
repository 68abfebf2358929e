import json

from pairs_group.db import db
from pairs_group.sms.backends import ConsoleBackend
from pairs_group.sms.models import MessageStatus
from pairs_group.sms.segments import count_segments
from pairs_group.sms.service import backend, claim, queue_sms, send_now
from tests import factories


def test_gsm7_and_ucs2_segments():
    assert count_segments("a" * 160) == count_segments("a" * 160)
    assert count_segments("a" * 160).segments == 1
    assert count_segments("a" * 161).segments == 2
    assert count_segments("{" * 80).characters == 160  # extension characters count two
    assert count_segments("§_¤").encoding == "GSM-7"
    assert count_segments("`").encoding == "UCS-2"  # the backtick is not in GSM-7
    assert count_segments("São Paulo").encoding == "UCS-2"  # ã is not in GSM-7
    assert count_segments("é" * 70).segments == 1  # é is GSM-7
    assert count_segments("ł" * 71).segments == 2
    assert count_segments("😀" * 35).characters == 70


def test_a_queued_text_is_rendered_in_the_parents_language_when_sent(app):
    dyad = factories.make_dyad(language="pt")
    db.session.flush()
    message = queue_sms("sign_in_code", "code:1", parent=dyad.parent, context={"code": "123456"})
    send_now(message)
    assert message.status == MessageStatus.SENT
    sent = backend().sent[-1]  # the code's words are hidden in the outbox once sent
    assert sent["to"] == dyad.parent.mobile and "123456" in sent["body"]
    assert "123456" not in message.body + str(message.context)
    assert message.segments <= 2 and message.language == "pt"


def test_the_same_key_never_makes_a_second_message(app):
    dyad = factories.make_dyad()
    db.session.flush()
    first = queue_sms("sign_in_code", "same", parent=dyad.parent, context={"code": "1"})
    second = queue_sms("sign_in_code", "same", parent=dyad.parent, context={"code": "2"})
    assert first.id == second.id


def test_a_message_is_claimed_once(app):
    dyad = factories.make_dyad()
    db.session.flush()
    message = queue_sms("sign_in_code", "claim", parent=dyad.parent, context={"code": "1"})
    db.session.commit()
    assert claim(message.id) is True
    assert claim(message.id) is False


def test_the_console_backend_prints_and_appends_json_lines(app, tmp_path, capsys):
    dyad = factories.make_dyad()
    db.session.flush()
    message = queue_sms("sign_in_code", "console", parent=dyad.parent, context={"code": "42"})
    db.session.commit()
    claim(message.id)
    message.body, message.segments, message.encoding = "hello", 1, "GSM-7"
    ConsoleBackend(tmp_path / "out.jsonl").send(message)
    assert "hello" in capsys.readouterr().out
    record = json.loads((tmp_path / "out.jsonl").read_text().splitlines()[-1])
    for key in ("to", "body", "kind", "language", "segments", "encoding", "session_id",
                "created_at"):
        assert key in record
