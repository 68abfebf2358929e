"""kill -9 mid-batch: a real dispatcher process (`flask sms dispatch`) sends through the real
twilio library to a fake Twilio on 127.0.0.1 and is killed while the batch is half sent. Every text
the fake accepted must have its provider id and words recorded; the rest are waiting or unknown
(never resent blind), none lost. On the test database: SQLite, or PostgreSQL when
TEST_DATABASE_URL is set."""

import json
import os
import signal
import subprocess  # nosec B404 - the dispatcher under test, run as cron would
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import sqlalchemy as sa

from pairs_group.db import db, utcnow
from pairs_group.sms.models import MessageStatus, OutboxMessage
from pairs_group.sms.service import queue_sms
from tests import factories
from tests.resources import wait_for
from tests.sms_factories import ACCOUNT_SID, AUTH_TOKEN, message_resource

ROOT = Path(__file__).resolve().parent.parent
QUEUED, BATCH, WORKERS, ACCEPTED = 40, 25, 4, 10
WELCOME = {"name": "Ana", "starts_at": "2027-01-12T10:00:00+00:00", "venue": "Stockwell"}


class FakeTwilio(BaseHTTPRequestHandler):
    """Create Message like Twilio: the first `accept` requests get 201 and a sid; later ones are
    held (the batch is mid-way) until `release` is set, for at most a minute."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 - the name http.server calls
        form = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
        fake = self.server
        with fake.lock:
            number = len(fake.accepted) + len(fake.held) + 1
            take = len(fake.accepted) < fake.accept
            (fake.accepted if take else fake.held).append(
                {"sid": f"SM{number:032x}", "to": form["To"], "body": form["Body"]})
        if not take:
            fake.release.wait(timeout=60)
        body = json.dumps(message_resource(form, f"SM{number:032x}")).encode()
        try:
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the dispatcher was killed while we held its request

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_twilio():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    server.daemon_threads = True
    server.lock, server.release = threading.Lock(), threading.Event()
    server.accepted, server.held, server.accept = [], [], ACCEPTED
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def dispatcher(database_url, fake, *extra):
    """`flask --app wsgi sms dispatch` in its own process, sending to the fake Twilio."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "crash-test",
           "SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
           "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": "+447700900000",
           "TWILIO_API_BASE_URL": f"http://127.0.0.1:{fake.server_port}",
           "PUBLIC_BASE_URL": "http://localhost", "SMS_QUIET_HOURS": "",
           "SMS_BATCH_SIZE": str(BATCH), "SMS_SEND_CONCURRENCY": str(WORKERS)}
    return subprocess.Popen(  # nosec B603 - a fixed command, no shell
        [sys.executable, "-m", "flask", "--app", "wsgi", "sms", "dispatch", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def rows():
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def recorded():
    """How many texts the database shows as accepted (read from outside the dispatcher)."""
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.provider_id.is_not(None)))


def test_a_dispatcher_killed_mid_batch_loses_no_record_of_a_text_that_went(
        make_app, database_url, fake_twilio):
    with make_app().app_context():
        for n in range(QUEUED):
            dyad = factories.make_dyad(language=("pt", "ar", "pl", "en")[n % 4])
            db.session.flush()
            queue_sms("welcome", f"crash:{n}", parent=dyad.parent, context=WELCOME)
        db.session.commit()

        process = dispatcher(database_url, fake_twilio)
        try:
            # Mid-batch: ten answered, the pool's four requests held, the batch's other texts
            # not yet handed over. Then kill -9, once the answers had a moment to be written.
            assert wait_for(lambda: len(fake_twilio.held) == WORKERS, seconds=60), \
                process.stderr.read() if process.poll() is not None else "dispatcher stuck"
            wait_for(lambda: recorded() >= ACCEPTED, seconds=10)
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.communicate(timeout=30)  # reads and closes its pipes
        assert process.returncode == -signal.SIGKILL

        by_sid = {row.provider_id: row for row in rows() if row.provider_id}
        assert len(fake_twilio.accepted) == ACCEPTED == len(by_sid)
        for text in fake_twilio.accepted:
            row = by_sid[text["sid"]]
            assert (row.status, row.to, row.body) == (MessageStatus.SENT, text["to"],
                                                      text["body"])
            assert row.sent_at is not None and row.segments >= 1
        statuses = [row.status for row in rows()]
        assert len(statuses) == QUEUED  # nothing lost
        assert statuses.count(MessageStatus.SENDING) == BATCH - ACCEPTED  # unanswered: unknown
        assert statuses.count(MessageStatus.PENDING) == QUEUED - BATCH  # never claimed
        # Even a text whose answer never came shows what it said.
        assert all(row.body for row in rows() if row.status == MessageStatus.SENDING)

        # The next run, past the claim timeout: the unanswered become unknown and are never
        # resent blind; the waiting ones go; no number is texted twice.
        fake_twilio.accept = QUEUED
        fake_twilio.release.set()
        later = (utcnow() + timedelta(minutes=15)).isoformat()
        process = dispatcher(database_url, fake_twilio, "--now", later)
        output, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
        statuses = [row.status for row in rows()]
        assert statuses.count(MessageStatus.UNKNOWN) == BATCH - ACCEPTED
        assert statuses.count(MessageStatus.SENT) == ACCEPTED + QUEUED - BATCH
        numbers = [text["to"] for text in fake_twilio.accepted + fake_twilio.held]
        assert len(numbers) == len(set(numbers)) == ACCEPTED + WORKERS + QUEUED - BATCH
