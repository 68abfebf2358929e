"""Two dispatchers racing on PostgreSQL (FOR UPDATE SKIP LOCKED) send each text exactly once."""

import os
import threading
import time

import pytest

from pairs_group import create_app
from pairs_group.db import db
from pairs_group.parents.models import Baby, Dyad, Parent
from pairs_group.sms.service import backend, dispatch_due, queue_sms
from tests.resources import throwaway_postgres_database

pytestmark = pytest.mark.postgres
MESSAGES = 300


@pytest.fixture
def postgres_url():
    server = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    with throwaway_postgres_database(server) as url:
        yield url


def settings(url, tmp_path):
    return {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x", "SMS_BACKEND": "recording",
            "SMS_BATCH_SIZE": 25, "SMS_SEND_CONCURRENCY": 4, "SMS_QUIET_HOURS": "",
            "SMS_OUTBOX_FILE": str(tmp_path / "outbox.jsonl")}


def test_two_dispatchers_racing_send_each_text_exactly_once(postgres_url, tmp_path):
    apps = [create_app(settings(postgres_url, tmp_path)) for _ in range(2)]
    with apps[0].app_context():
        db.create_all()
        for n in range(MESSAGES):
            parent = Parent(name=f"P{n}", mobile=f"+447700{n:06d}")
            db.session.add(Dyad(parent=parent, baby=Baby(name="B")))
            db.session.flush()
            queue_sms("sign_in_code", f"race:{n}", parent=parent, context={"code": str(n)})
        db.session.commit()
    sent, lock, start = [], threading.Lock(), threading.Barrier(2)

    def run(app):
        with app.app_context():
            recording = backend()
            original = recording.send

            def slow_send(message):
                time.sleep(0.002)  # long enough for the other dispatcher to be claiming too
                with lock:
                    sent.append(message.idempotency_key)
                return original(message)

            recording.send = slow_send
            start.wait(timeout=30)  # both begin together
            dispatch_due()
            db.session.remove()

    threads = [threading.Thread(target=run, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(sent) == MESSAGES == len(set(sent))
    per_app = [len(app.extensions["sms_backend"].sent) for app in apps]
    assert sum(per_app) == MESSAGES and all(per_app), per_app  # both really took part
    for app in apps:
        with app.app_context():
            db.engine.dispose()
