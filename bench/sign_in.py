"""POST /sign-in ("Text me a code") under gunicorn with Twilio's API faked on 127.0.0.1: answering
in 10 ms, in 1 s, or hanging (longer than the Twilio client's 15 s timeout). The page must not
wait for the provider: p95 with the slow and the hanging fake within 2x of the 10 ms one. The
sign-in answer's padding (ACCOUNT_SIGN_IN_SECONDS, 1 s in production) is set to 0 here so that
it cannot hide a wait. Also counts what became of the codes a few seconds later."""

import http.client
import json
import re
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import sqlalchemy as sa

from bench import server
from bench.load import HEADERS

PROVIDERS = {"10 ms": 0.01, "1 s": 1.0, "hangs": 20.0}  # 20 s: past the client's 15 s timeout
SETTLE_SECONDS = 10  # after the last POST, before the outbox is read
WARM_UP = 12  # POSTs per provider before the timed ones (not counted; their codes are)


@contextmanager
def fake_twilio(delay):
    """Twilio's Messages API on a free loopback port, answering after `delay` seconds."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if stop.wait(delay):
                return
            body = json.dumps({"sid": f"SM{time.monotonic_ns():032x}", "status": "queued"})
            try:
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())
            except OSError:
                pass  # the app gave up waiting (its timeout): nothing to answer

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def start_session(port):
    """(cookie, CSRF token) of a visitor who opened the sign-in page."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/sign-in", headers={"User-Agent": HEADERS["User-Agent"]})
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    connection.close()
    return cookie, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def post_all(port, mobiles, connections):
    """Each number posted once to /sign-in over `connections` keep-alive connections; the
    latency of each answer in seconds and the statuses seen."""
    lock, latencies, statuses, left = threading.Lock(), [], [], list(mobiles)

    def client():
        cookie, token = start_session(port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = dict(HEADERS, Cookie=cookie,
                       **{"Content-Type": "application/x-www-form-urlencoded"})
        while True:
            with lock:
                if not left:
                    break
                mobile = left.pop()
            started = time.perf_counter()
            try:
                connection.request("POST", "/sign-in", headers=headers,
                                   body=urlencode({"csrf_token": token, "mobile": mobile}))
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            with lock:
                latencies.append(time.perf_counter() - started)
                statuses.append(status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return latencies, statuses


def percentile(ordered, q):
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def outcome(app, mobiles):
    """What the outbox says of these numbers' codes: how many by status, and for those sent,
    p50/p95 seconds from queued to sent."""
    from pairs_group.db import db
    from pairs_group.sms.models import OutboxMessage

    with app.app_context():
        rows = db.session.execute(sa.select(OutboxMessage.status, OutboxMessage.created_at,
                                            OutboxMessage.sent_at)
                                  .where(OutboxMessage.kind == "sign_in_code",
                                         OutboxMessage.to.in_(mobiles))).all()
        db.session.remove()
    statuses = {}
    for row in rows:
        statuses[str(row.status)] = statuses.get(str(row.status), 0) + 1
    waits = sorted((row.sent_at - row.created_at).total_seconds() for row in rows if row.sent_at)
    return {"codes": statuses, "queued_to_sent_p50_s": round(waits[len(waits) // 2], 2)
            if waits else None,
            "queued_to_sent_p95_s": round(waits[int(0.95 * len(waits))], 2) if waits else None}


def run(url, app, mobiles, connections=4):
    """{provider: p50/p95/max ms of POST /sign-in, statuses, the codes' outcome}."""
    results, per = {}, len(mobiles) // len(PROVIDERS)
    for number, (name, delay) in enumerate(PROVIDERS.items()):
        chosen = mobiles[number * per:(number + 1) * per]
        with fake_twilio(delay) as provider:
            env = {"BENCH_DATABASE_URL": url, "BENCH_SECRET_KEY": "bench-sign-in-" + "k" * 32,
                   "BENCH_SMS_BACKEND": "twilio", "BENCH_TWILIO_API_BASE_URL": provider,
                   "BENCH_SIGN_IN_SECONDS": "0"}
            with server.gunicorn("bench.served:app", env) as port:
                post_all(port, chosen[:WARM_UP], connections)  # every worker's templates loaded
                started = time.perf_counter()
                latencies, statuses = post_all(port, chosen[WARM_UP:], connections)
                seconds = time.perf_counter() - started
                time.sleep(SETTLE_SECONDS)
                found = outcome(app, chosen)
        ordered = sorted(latencies) or [0.0]
        results[name] = {"requests": len(latencies), "connections": connections,
                         "seconds": round(seconds, 2), "p50_ms": percentile(ordered, 0.5),
                         "p95_ms": percentile(ordered, 0.95),
                         "max_ms": round(ordered[-1] * 1000, 2),
                         "not_302": sum(status != 302 for status in statuses), **found}
    return results
