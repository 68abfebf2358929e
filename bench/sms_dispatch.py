"""Benchmark: 10,000 due reminders sent through the real twilio library to a loopback fake
Twilio that answers each request in 50 ms. Reports messages per second and checks that no text
was sent twice. Not a timed test: run `.venv/bin/python -m bench.sms_dispatch [--count N]`.
Writes bench/results-sms.json."""

import argparse
import json
import os
import tempfile
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as clock
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

RESULTS = Path(__file__).resolve().parent / "results-sms.json"
ACCOUNT_SID = "AC" + "0" * 32
LATENCY = 0.05


class FakeTwilio(BaseHTTPRequestHandler):
    """Answers Create Message like Twilio, after 50 ms; remembers every recipient."""

    protocol_version = "HTTP/1.1"
    received = Counter()
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 - the name http.server calls
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        time.sleep(LATENCY)
        with self.lock:
            self.received[form["To"][0]] += 1
            number = sum(self.received.values())
        body = json.dumps({"sid": f"SM{number:032x}", "status": "queued", "to": form["To"][0],
                           "body": form["Body"][0], "account_sid": ACCOUNT_SID}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_fake_twilio():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def make_app(database_url, api_url, workers, outbox):
    from pairs_group import create_app

    return create_app({
        "TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": database_url,
        "SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": "bench",
        "TWILIO_FROM_NUMBER": "+447700900000", "TWILIO_API_BASE_URL": api_url,
        "SMS_SEND_CONCURRENCY": workers, "SMS_BATCH_SIZE": 500, "SMS_OUTBOX_FILE": outbox,
        "PUBLIC_BASE_URL": "https://pairs.example.nhs.uk",
    })


def make_parents(count, first_day):
    """One group, `count` enrolled parents in every language."""
    from pairs_group.db import db, utcnow
    from pairs_group.groups.models import Venue
    from pairs_group.groups.service import create_group
    from pairs_group.i18n import LANGUAGES
    from pairs_group.parents.models import Baby, Dyad, Enrolment, EnrolmentStatus, Parent

    group = create_group(name="Bench group", venue=Venue(name="Stockwell Children's Centre"),
                         first_day=first_day, start_time=clock(10, 0), capacity=count)
    languages = list(LANGUAGES)
    joined = utcnow() - timedelta(days=30)
    for n in range(count):
        parent = Parent(name=f"Parent {n}", mobile=f"+4477{n:08d}",
                        language=languages[n % len(languages)])
        dyad = Dyad(parent=parent, baby=Baby(name=f"Baby {n}"))
        db.session.add(Enrolment(dyad=dyad, group=group, status=EnrolmentStatus.ENROLLED,
                                 enrolled_at=joined))
    db.session.commit()
    return group


def run(count, workers, database_url=None):
    from pairs_group.db import db
    from pairs_group.reminders import service as reminders
    from pairs_group.sms.service import dispatch_due
    from pairs_group.times import london_moment

    server = start_fake_twilio()
    api_url = f"http://127.0.0.1:{server.server_port}"
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{folder}/bench.sqlite3"
        app = make_app(url, api_url, workers, f"{folder}/outbox.jsonl")
        with app.app_context():
            db.create_all()
            first_day = date.today() + timedelta(days=30)
            make_parents(count, first_day)
            now = london_moment(first_day - timedelta(days=2), clock(10, 5))
            started = time.perf_counter()
            queued = 0
            for count in reminders.queue_reminders(now, reminders.not_yet_queued(
                    reminders.due_reminders(now))):
                db.session.commit()
                queued += count
            queued_at = time.perf_counter()
            report = dispatch_due(now=now)
            finished = time.perf_counter()
            again = dispatch_due(now=now + timedelta(minutes=5))
            db.session.remove()
            db.drop_all()
    server.shutdown()
    requests = sum(FakeTwilio.received.values())
    duplicates = sum(n - 1 for n in FakeTwilio.received.values() if n > 1)
    return {
        "benchmark": "sms_dispatch", "when": datetime.now().astimezone().isoformat(),
        "reminders": count, "workers": workers, "provider_latency_ms": LATENCY * 1000,
        "database": url.split(":")[0], "queued": queued, "sent": report.statuses,
        "requests_to_twilio": requests, "distinct_recipients": len(FakeTwilio.received),
        "duplicates": duplicates, "second_run_claimed": again.claimed,
        "queue_seconds": round(queued_at - started, 2),
        "send_seconds": round(finished - queued_at, 2),
        "messages_per_second": round(requests / (finished - queued_at), 1),
        "target_messages_per_second": 200,
        "load_average": os.getloadavg(), "cpus": os.cpu_count(),  # for reading the numbers
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--database-url", help="default: a throwaway SQLite file")
    options = parser.parse_args()
    result = run(options.count, options.workers, options.database_url)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if result["duplicates"] or result["requests_to_twilio"] != options.count:
        raise SystemExit("FAILED: some reminders were sent twice or not at all")


if __name__ == "__main__":
    main()
