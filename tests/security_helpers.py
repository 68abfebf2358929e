"""Helpers for the security tests: a small world of people and groups, direct sign-in as any
role, and the app's URL rules with sample values for their arguments."""

import time
from dataclasses import dataclass

from flask import g, url_for
from flask_login import AnonymousUserMixin

from pairs_group import create_app
from pairs_group.db import db
from tests import factories
from tests import referrals_factories as referral_factories

WEBHOOK_BLUEPRINTS = {"sms_webhooks"}
SIGN_IN_PATHS = {"/staff/sign-in", "/sign-in"}


@dataclass
class World:
    """Two groups, each with a facilitator and a parent; staff of every role."""

    admin: object
    evaluator: object
    facilitator: object
    other_facilitator: object
    group: object
    other_group: object
    parent: object
    other_parent: object
    enrolment: object
    other_enrolment: object
    referral: object = None

    def ids(self, mine=True):
        group = self.group if mine else self.other_group
        enrolment = self.enrolment if mine else self.other_enrolment
        return {
            "group_id": group.id, "session_id": group.sessions[0].id,
            "enrolment_id": enrolment.id, "parent_id": enrolment.dyad.parent_id,
            "dyad_id": enrolment.dyad_id, "baby_id": enrolment.dyad.baby_id,
            "referral_id": self.referral.id if self.referral else 1,
        }

    def user(self, role):
        return {"anonymous": None, "parent": self.parent, "facilitator": self.facilitator,
                "admin": self.admin, "evaluator": self.evaluator}[role]


def make_world():
    facilitator = factories.make_staff("facilitator")
    other_facilitator = factories.make_staff("facilitator")
    group = factories.make_group(facilitators=[facilitator])
    other_group = factories.make_group(facilitators=[other_facilitator])
    dyad, other_dyad = factories.make_dyad(), factories.make_dyad()
    world = World(
        admin=factories.make_staff("admin"), evaluator=factories.make_staff("evaluator"),
        facilitator=facilitator, other_facilitator=other_facilitator,
        group=group, other_group=other_group, parent=dyad.parent, other_parent=other_dyad.parent,
        enrolment=factories.enrol(dyad, group), other_enrolment=factories.enrol(other_dyad,
                                                                                other_group),
        referral=referral_factories.make_referral(),
    )
    db.session.commit()
    return world


def log_in(client, user):
    """Put a person's sign-in straight into the test client's session (no password or code:
    the sign-in itself is tested elsewhere)."""
    if user is None:
        return client
    with client.session_transaction() as session:
        session["_user_id"] = user.get_session_token()
        session["_fresh"] = True
        session["signed_in_at"] = session["seen_at"] = int(time.time())
    return client


ROLES = ("anonymous", "parent", "facilitator", "admin", "evaluator")

FALLBACK_VALUES = {"token": "not-a-real-token", "purpose": "welcome", "kind": "json",
                   "filename": "build/app.css", "path": "x", "code": "x", "lang": "en"}


def url_values(rule, ids):
    values = {}
    for name in rule.arguments:
        if name in ids:
            values[name] = ids[name]
        elif name.endswith("_id") or name in {"id", "number"}:
            values[name] = 1
        else:
            values[name] = FALLBACK_VALUES.get(name, "x")
    return values


def method_of(rule):
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def request_rule(client, app, rule, ids, **kwargs):
    with app.test_request_context():
        url = url_for(rule.endpoint, **url_values(rule, ids))
    kwargs.setdefault("method", method_of(rule))
    return fresh_request(client, url, **kwargs)


def fresh_request(client, url, **kwargs):
    """A request that forgets who the last one was for: inside a test's app context, requests
    share flask.g, where Flask-Login keeps the signed-in person."""
    g.pop("_login_user", None)
    response = client.open(url, **kwargs)
    response.close()  # a file sent by static must not be left open
    return response


def turned_away(response):
    """403, or sent to a sign-in page."""
    if response.status_code == 403:
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303) and location.split("?")[0] in SIGN_IN_PATHS


def url_rules():
    """Every URL rule of the app as it is built (read once at collection time)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://",
                      "SMS_BACKEND": "recording"})
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))


def anonymous():
    return AnonymousUserMixin()
