"""What one server holds on a reminder day (issue 20 §4): the day's reminders go out through the
real twilio library to a fake Twilio (50 ms an answer) while parents open the links in their
texts and answer questions, and facilitators open and save registers, all at once, against the
app under gunicorn on this machine. Closed loop at rising numbers of connections (each one a
person doing her next step as soon as the last answered), bounded in time; per level: requests
per second served, p50/p95 of each kind of request, errors; and the texts sent per second.

The load generator and the dispatcher share the machine's cores with the server, so the figures
are what one box running everything holds (the conservative case)."""

import http.client
import random
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

from bench import server
from bench.load import HEADERS
from bench.sign_in import fake_twilio

# What one person does next, with its weight: parents who open a texted link and answer, parents
# who look at their home page, facilitators who open and save a register (a register is saved
# after it is opened: one GET, one POST).
MIX = {"link": 15, "parent_home": 20, "questionnaire_page": 25, "autosave": 30,
       "register": 10}
LEVELS = (8, 16, 32)
SECONDS = 20
REMINDERS = 2000
PARENTS = 300  # signed-in parents with an open questionnaire, cycled through
SESSIONS = 60  # past sessions whose registers are opened and saved
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def people(app, parents=PARENTS, sessions=SESSIONS, links_each=3):
    """Signed-in parents with a questionnaire to answer (cookie, questionnaire page path, the
    first item's id), past registers of the demo facilitator's groups, and fresh texted links."""
    from flask import session
    from flask_login import login_user

    from pairs_group.auth.links import short_link_url
    from pairs_group.auth.login import start_session
    from pairs_group.auth.models import StaffUser
    from pairs_group.db import db, utcnow
    from pairs_group.groups.models import GroupSession
    from pairs_group.parents.models import Parent
    from pairs_group.questionnaires import plans

    serializer = app.session_interface.get_signing_serializer(app)
    found = {"parents": [], "links": [], "registers": []}
    with app.test_request_context():
        for parent in db.session.scalars(sa.select(Parent).order_by(Parent.id.desc())
                                         .limit(20 * parents)):
            tasks = plans.open_tasks(parent)
            if not tasks:
                continue
            task = tasks[0]
            session.clear()
            login_user(parent)
            path = (f"/questionnaires/{task.dyad.id}/{task.instrument.id}/{task.timepoint}/")
            found["parents"].append({"cookie": serializer.dumps(dict(session)), "about": path,
                                     "section": path + "section/1", "answer": path + "answer",
                                     "item": task.instrument.sections()[0][0].id})
            found["links"] += [urlsplit(short_link_url(parent, "questionnaire")).path
                               for _ in range(links_each)]
            if len(found["parents"]) >= parents:
                break
        db.session.commit()
        staff = db.session.scalar(sa.select(StaffUser).where(
            StaffUser.email == "facilitator@demo.example.org"))
        session.clear()
        start_session(staff)
        found["facilitator"] = serializer.dumps(dict(session))
        found["registers"] = [
            f"/staff/sessions/{sid}/register" for sid in db.session.scalars(
                sa.select(GroupSession.id).where(GroupSession.starts_at < utcnow())
                .order_by(GroupSession.starts_at.desc()).limit(sessions))]
        db.session.remove()
    return found


class Person:
    """One keep-alive connection with its own cookies (the session cookie is replaced as the
    app sends a new one)."""

    def __init__(self, port, cookie=None):
        self.port, self.cookies = port, {"session": cookie} if cookie else {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, method, path, form=None):
        headers = dict(HEADERS)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0, b"", None
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, response.getheader("Location")

    def close(self):
        self.connection.close()


def page_text(status, body):
    """The page's HTML (compressed answers are opened), or '' when it did not come."""
    if status != 200 or not body:
        return ""
    import brotli  # noqa: PLC0415 - only needed here; the app depends on it

    for opener in (brotli.decompress, __import__("gzip").decompress):
        try:
            return opener(body).decode()
        except Exception:  # noqa: BLE001, S112 - not this encoding: try the next
            continue
    return body.decode(errors="replace")


def register_form(page):
    """A full register to save: every row's status (the first choice shown, attended when
    allowed), its version and what it was, with the page's CSRF token."""
    token = TOKEN.search(page)
    if not token:
        return None
    form = {"csrf_token": token.group(1)}
    for key in set(re.findall(r'name="version-(\d+)"', page)):
        form[f"version-{key}"] = re.search(rf'name="version-{key}" value="([^"]*)"', page)[1]
        form[f"was-{key}"] = re.search(rf'name="was-{key}" value="([^"]*)"', page)[1]
        choices = re.findall(rf'name="status-{key}"[^>]*value="([^"]+)"', page)
        form[f"status-{key}"] = "attended" if "attended" in choices else (choices or [""])[0]
    return form


def journeys(found, port, rng):
    """kind -> a function doing one step of that kind; each returns [(label, status, s)]."""
    # A link works once: every level takes its links from the one list, never a copy.
    parents, links, registers = found["parents"], found["links"], found["registers"]
    lock = threading.Lock()

    def timed(person, label, method, path, form=None):
        started = time.perf_counter()
        status, body, location = person.send(method, path, form)
        return (label, status, time.perf_counter() - started), body, location

    def link(person):
        with lock:
            path = links.pop() if links else None
        if path is None:  # every link sent was followed: she opens her home page instead
            return parent_home(person)
        first, _, location = timed(person, "text link", "GET", path)
        if not location:
            return [first]
        second, _, location = timed(person, "text link", "GET", urlsplit(location).path
                                    + (f"?{urlsplit(location).query}" if urlsplit(location).query
                                       else ""))
        return [first, second]

    def parent_home(person):
        return [timed(Person.ensure(person, rng.choice(parents)), "parent home", "GET",
                      "/my-account")[0]]

    def questionnaire_page(person):
        chosen = rng.choice(parents)
        return [timed(Person.ensure(person, chosen), "questionnaire page", "GET",
                      chosen["section"])[0]]

    def autosave(person):
        chosen = rng.choice(parents)
        person = Person.ensure(person, chosen)
        token = chosen.get("token")
        if token is None:
            status, body, _ = person.send("GET", chosen["section"])
            match = TOKEN.search(page_text(status, body))
            if not match:
                return [("autosave", 0, 0.0)]
            token = chosen["token"] = match.group(1)
            chosen["cookie_after"] = person.cookies.get("session")
        return [timed(person, "autosave", "POST", chosen["answer"],
                      {"item": chosen["item"], "value": str(rng.randint(1, 7)),
                       "csrf_token": token})[0]]

    def register(person):
        path = rng.choice(registers)
        person.cookies = {"session": found["facilitator"]}
        opened, body, _ = timed(person, "register open", "GET", path)
        form = register_form(page_text(opened[1], body))
        if form is None:
            return [opened]
        saved, _, _ = timed(person, "register save", "POST", path, form)
        return [opened, saved]

    return {"link": link, "parent_home": parent_home, "questionnaire_page": questionnaire_page,
            "autosave": autosave, "register": register}


def _ensure(person, chosen):
    """Speak as this parent on this connection (her session cookie after her CSRF token was
    issued, when there is one)."""
    person.cookies = {"session": chosen.get("cookie_after") or chosen["cookie"]}
    return person


Person.ensure = staticmethod(_ensure)


def level(port, found, connections, seconds, seed=20):
    """`connections` people for `seconds`, each doing the mix; what was served."""
    rng = random.Random(seed)  # noqa: S311 - a load mix, not a secret
    steps = journeys(found, port, rng)
    kinds = [kind for kind, weight in MIX.items() for _ in range(weight)]
    seen, lock, stop = defaultdict(list), threading.Lock(), time.monotonic() + seconds

    def client(number):
        own = random.Random(seed * 1000 + number)  # noqa: S311
        person = Person(port)
        while time.monotonic() < stop:
            for label, status, took in steps[own.choice(kinds)](person):
                with lock:
                    seen[label].append((status, took))
        person.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return summary(seen, time.perf_counter() - started, connections)


def answered(status):
    """A right answer: a page, a redirect, or 409 when two facilitators saved one register at
    the same moment (the second is shown the first one's marks to check: counted apart)."""
    return 200 <= status < 400 or status == 409


def summary(seen, elapsed, connections):
    kinds = {}
    for label, answers in sorted(seen.items()):
        times = sorted(took for status, took in answers if answered(status))
        kinds[label] = {"requests": len(answers),
                        "errors": sum(not answered(status) for status, _ in answers),
                        "conflicts": sum(status == 409 for status, _ in answers),
                        "error_statuses": sorted({s for s, _ in answers if not answered(s)}),
                        "p50_ms": pick(times, 0.5), "p95_ms": pick(times, 0.95)}
    total = sum(k["requests"] for k in kinds.values())
    every = sorted(t for answers in seen.values() for s, t in answers if answered(s))
    return {"connections": connections, "seconds": round(elapsed, 1), "requests": total,
            "requests_per_second": round(total / elapsed, 1),
            "errors": sum(k["errors"] for k in kinds.values()),
            "conflicts": sum(k["conflicts"] for k in kinds.values()),
            "p50_ms": pick(every, 0.5), "p95_ms": pick(every, 0.95), "kinds": kinds}


def pick(ordered, q):
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1) \
        if ordered else None


DISPATCHER = """
import sys, time
from bench.served import settings
from pairs_group import create_app
from pairs_group.sms.service import dispatch_due
import os
app = create_app(dict(settings(os.environ), SMS_SEND_CONCURRENCY=8, SMS_BATCH_SIZE=200))
started, sent = time.perf_counter(), 0
with app.app_context():
    while time.perf_counter() - started < float(sys.argv[1]):
        report = dispatch_due()
        sent += report.statuses.get("sent", 0)
        if not report.claimed:
            break
print(sent, round(time.perf_counter() - started, 2))
"""


def queue_reminders(app, count):
    """`count` reminders due now to the seeded parents, queued as a reminder day queues them
    (one per parent and coming session, with the reminder's own details)."""
    from pairs_group.attendance.models import Attendance, AttendanceStatus
    from pairs_group.db import db, utcnow
    from pairs_group.groups.models import GroupSession, SessionStatus
    from pairs_group.parents.models import Enrolment, EnrolmentStatus
    from pairs_group.reminders.service import reminder_context
    from pairs_group.sms.outbox import queue_many

    # Only reminders the dispatcher will still want (reminders.texts): not for a cancelled session,
    # nor where she said she can't come (the demo has such a mother).
    not_coming = sa.exists().where(
        Attendance.enrolment_id == Enrolment.id, Attendance.session_id == GroupSession.id,
        Attendance.status == AttendanceStatus.CANCELLED_BY_PARENT)
    with app.app_context():
        now = utcnow()
        rows = db.session.execute(
            sa.select(Enrolment, GroupSession)
            .join(GroupSession, GroupSession.group_id == Enrolment.group_id)
            .where(Enrolment.status == EnrolmentStatus.ENROLLED, GroupSession.starts_at > now,
                   GroupSession.status != SessionStatus.CANCELLED, ~not_coming)
            .order_by(GroupSession.starts_at, Enrolment.id).limit(count)).all()
        queue_many([{"kind": "reminder", "key": f"bench-mix-{enrolment.id}-{session.id}",
                     "parent": enrolment.dyad.parent, "session": session, "send_after": now,
                     "context": reminder_context(session, enrolment)}
                    for enrolment, session in rows])
        db.session.commit()
        db.session.remove()
    return len(rows)


def run(url, app, secret_key, levels=LEVELS, seconds=SECONDS, reminders=REMINDERS):
    """Each level's figures, and the dispatcher's texts sent beside the highest level."""
    found = people(app)
    results = {"mix": MIX, "parents": len(found["parents"]), "registers": len(found["registers"]),
               "levels": []}
    with fake_twilio(0.05) as provider:
        env = {"BENCH_DATABASE_URL": url, "BENCH_SECRET_KEY": secret_key,
               "BENCH_SMS_BACKEND": "twilio", "BENCH_TWILIO_API_BASE_URL": provider}
        with server.gunicorn("bench.served:app", env) as port:
            for connections in levels[:-1]:
                results["levels"].append(level(port, found, connections, seconds))
            results["queued_reminders"] = queue_reminders(app, reminders)
            dispatcher = subprocess.Popen(  # noqa: S603 - our own fixed command line
                [sys.executable, "-c", DISPATCHER, str(seconds + 30)],
                cwd=server.ROOT, env={**__import__("os").environ, **env},
                stdout=subprocess.PIPE, text=True)
            results["levels"].append(dict(level(port, found, levels[-1], seconds),
                                          with_dispatcher=True))
            out, _ = dispatcher.communicate(timeout=seconds + 90)
            sent, took = (out.split() + ["0", "0"])[:2]
            results["texts_sent"] = int(sent)
            results["texts_seconds"] = float(took)
    return results


def main():
    """`python -m bench.mix`: the reminder day alone, on a throwaway SQLite file (or
    --database-url), seeded with --parents parents."""
    import argparse
    import json
    import tempfile

    from bench import pages

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parents", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=SECONDS)
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--database-url")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or f"sqlite:///{folder}/mix.sqlite3"
        app = pages.make_app(url)
        pages.seed(app, options.parents)
        with app.app_context():
            from pairs_group.db import db

            db.engine.dispose()
        result = run(url, app, pages.SECRET_KEY, tuple(map(int, options.levels.split(","))),
                     options.seconds)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
