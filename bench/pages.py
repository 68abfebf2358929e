"""The six pages the benchmark loads, the people signed in to see them, and how many SQL
statements each one runs."""

import sqlalchemy as sa
from flask import session
from flask_login import login_user

SECRET_KEY = "bench-" + "k" * 40


def make_app(url, **overrides):
    from pairs_group import create_app

    # No quiet hours, as bench.served: texts queued here at night would otherwise wait for the
    # morning and the dispatcher beside the load would find nothing due.
    return create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "SMS_BACKEND": "recording",
                       "SMS_QUIET_HOURS": "", "RATELIMIT_ENABLED": False, **overrides})


def seed(app, parents):
    """Tables, the ordinary demo (its staff sign in) and `parents` parents' worth at scale, with
    PostgreSQL's statistics gathered."""
    from bench.reports import gather_statistics
    from pairs_group.auth.models import Role
    from pairs_group.db import db
    from pairs_group.demo import create_demo_data
    from pairs_group.demo_scale import create_scale_data

    with app.app_context():
        db.create_all()
        staff = create_demo_data()
        made = create_scale_data(parents, facilitators=[staff[Role.FACILITATOR]])
        made["staff"] = {str(role): user.id for role, user in staff.items()}
        db.session.remove()
        gather_statistics()  # as any real database has them: the pages are measured, not the load
    return made


def pages(sample):
    """(name, path, who is signed in) for each page measured."""
    return [
        ("landing", "/", None),
        ("sign_up", "/join", None),
        ("parent_home", "/my-account", "parent"),
        ("questionnaire", f"/questionnaires/{sample['dyad_id']}/prfq/pre/", "parent"),
        ("register", f"/staff/sessions/{sample['session_id']}/register", "facilitator"),
        ("report", "/staff/reports/", "evaluator"),
    ]


def session_cookies(app, made):
    """{who: session cookie value}: each person signed in as the real sign-in code leaves it."""
    from pairs_group.auth.login import start_session
    from pairs_group.auth.models import StaffUser
    from pairs_group.db import db
    from pairs_group.parents.models import Parent

    cookies = {}
    serializer = app.session_interface.get_signing_serializer(app)
    with app.test_request_context():
        parent = db.session.get(Parent, made["sample"]["parent_id"])
        session.clear()
        login_user(parent)
        cookies["parent"] = serializer.dumps(dict(session))
        for who in ("facilitator", "evaluator"):
            start_session(db.session.get(StaffUser, made["staff"][who]))
            cookies[who] = serializer.dumps(dict(session))
        db.session.remove()
    return cookies


class StatementCounter:
    """Counts SQL statements sent through an engine while switched on."""

    def __init__(self, engine):
        self.count, self.on = 0, False
        sa.event.listen(engine, "before_cursor_execute", self.seen)

    def seen(self, *args):
        if self.on:
            self.count += 1

    def measure(self, function):
        self.count, self.on = 0, True
        try:
            result = function()
        finally:
            self.on = False
        return self.count, result


def count_statements(app, made, cookies):
    """{page: (statements on a warm second request, status)} through the test client."""
    from pairs_group.db import db

    name = app.config.get("SESSION_COOKIE_NAME", "session")
    found = {}
    with app.app_context():  # not around the requests: each needs its own `g`
        counter = StatementCounter(db.engine)
    for page, path, who in pages(made["sample"]):
        client = app.test_client()
        if who:
            client.set_cookie(name, cookies[who])
        client.get(path, headers={"Accept-Encoding": "br, gzip"})
        count, response = counter.measure(
            lambda c=client, p=path: c.get(p, headers={"Accept-Encoding": "br, gzip"}))
        found[page] = {"statements": count, "status": response.status_code}
    return found
