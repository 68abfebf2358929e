"""Hostile and random values posted to every form and to the signed webhooks: never a 5xx,
nothing stored when refused, never sent back unescaped."""

import os
import re
from html.parser import HTMLParser

import sqlalchemy as sa
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairs_group.access import ACCESS, ONLY_PARENT, PARENT, PUBLIC, WEBHOOK
from pairs_group.db import db
from tests.security_helpers import fresh_request, log_in, make_world, url_rules, url_values

MARKER = "<script>pwn</script>"
HOSTILE = [
    MARKER, "x" * 5000, "\x00\x01\x1b[31m", "\u202eevil\u202c", "😀👶🏽" * 20, "' OR 1=1 --",
    "\"; DROP TABLE parent; --", "<img src=x onerror=alert(1)>", "{{7*7}}", "%s%n", "-1",
    "99999999999999999999", "0", "", " ", "\r\n\r\n", "١٢٣", "2027-02-30", "25:61", "null",
    "true", "[]", "../../etc/passwd", "javascript:alert(1)",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300),
                   st.integers().map(str), st.binary(max_size=40).map(lambda b: b.decode(
                       "latin-1")))
# FUZZ_EXAMPLES raises the examples per form for a long run (e.g. 200 -> over 10,000 requests).
FUZZ_SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "6")), deadline=None,
                         derandomize=True,
                         suppress_health_check=list(HealthCheck))
# Tables a refused form may still write to: the audit log records failed tries.
MAY_GROW_ON_REFUSAL = {"audit_event", "used_link", "sign_in_code", "sms_outbox"}


class FieldNames(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names = set()

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in {"input", "select", "textarea", "button"} and name and name != "csrf_token":
            self.names.add(name)


def field_names(html):
    parser = FieldNames()
    parser.feed(html)
    return sorted(parser.names) or ["name", "value", "code"]


def row_counts():
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables if t.name not in MAY_GROW_ON_REFUSAL}


def who_posts(world, endpoint):
    allowed = ACCESS.get(endpoint, {PUBLIC})
    if PUBLIC in allowed:
        return None
    if PARENT in allowed or allowed == ONLY_PARENT:
        return world.parent
    return world.admin if "admin" in allowed else world.facilitator


def refused(response):
    html = response.get_data(as_text=True)
    return response.status_code >= 400 or (
        response.status_code == 200 and "nhsuk-error-summary" in html)


def check_response(response, before, where):
    html = response.get_data(as_text=True)
    assert response.status_code < 500, (where, response.status_code, html[:500])
    assert MARKER not in html, f"{where} sent back unescaped input"
    if refused(response):
        db.session.expire_all()
        assert row_counts() == before, f"{where} stored something when it refused the form"


def form_rules():
    return [r for r in url_rules() if "POST" in r.methods and
            WEBHOOK not in ACCESS.get(r.endpoint, ())]


RULES = form_rules()


def test_every_form_survives_hostile_values(app):
    world = make_world()
    ids = world.ids()
    # Forms that may end a session or an account go last.
    for rule in sorted(RULES, key=lambda r: any(w in r.endpoint for w in ("delete", "sign_out"))):
        with app.test_request_context():
            url = url_for(rule.endpoint, **url_values(rule, ids))
        user = who_posts(world, rule.endpoint)
        client = log_in(app.test_client(), user)
        page = fresh_request(client, url, method="GET") if "GET" in rule.methods else None
        names = field_names(page.get_data(as_text=True)) if page is not None else ["name"]
        fuzz_one_form(client, url, names, rule.endpoint)


def fuzz_one_form(client, url, names, endpoint):
    @FUZZ_SETTINGS
    @given(data=st.fixed_dictionaries({}, optional={name: values for name in names}),
           extra=st.dictionaries(st.sampled_from(["id", "parent_id", "group_id", "next"]),
                                 values, max_size=2))
    def post(data, extra):
        before = row_counts()
        response = fresh_request(client, url, method="POST", data={**data, **extra})
        check_response(response, before, endpoint)

    post()


def test_signed_webhooks_survive_hostile_values(make_app):
    from tests.sms_factories import signed_post, twilio_settings

    app = make_app(**twilio_settings())
    with app.app_context():
        make_world()
        client = app.test_client()
        paths = [r.rule for r in url_rules() if WEBHOOK in ACCESS.get(r.endpoint, ())
                 and "twilio" in r.rule]

        @FUZZ_SETTINGS
        @given(path=st.sampled_from(paths), data=st.fixed_dictionaries({}, optional={
            name: values for name in ["MessageSid", "MessageStatus", "From", "To", "Body",
                                      "ErrorCode", "AccountSid", "SmsSid"]}))
        def post(path, data):
            data = {k: re.sub(r"[\x00]", "", v) for k, v in data.items()}
            response = signed_post(client, path, data)
            assert response.status_code < 500, (path, data, response.status_code)
            assert MARKER not in response.get_data(as_text=True)

        post()


def test_no_form_lets_a_nul_character_through(app):
    """PostgreSQL refuses a NUL in text: a note with one was a 5xx when cancelling a session."""
    from wtforms import StringField, TextAreaField

    from pairs_group.forms import Form

    class NoteForm(Form):
        note = TextAreaField(filters=[str.strip])
        name = StringField()

    with app.test_request_context(method="POST", data={"note": " a\x00b ", "name": "\x00"}):
        form = NoteForm(meta={"csrf": False})
        assert (form.note.data, form.name.data) == ("ab", "")
