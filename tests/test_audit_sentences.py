"""The audit log says what happened in words, one sentence per kind of action, with the stored
record still there for auditors; a new kind of action without a sentence fails here."""

import ast
from pathlib import Path

from flask import g
from flask_babel import force_locale, format_date
from flask_login import login_user

from pairs_group.attendance.models import AttendanceStatus
from pairs_group.attendance.service import mark_attendance
from pairs_group.audit.models import AuditEvent
from pairs_group.audit.sentences import SENTENCES, sentence
from pairs_group.auth import accounts
from pairs_group.db import db
from tests import attendance_factories, factories
from tests.conftest import staff_sign_in
from tests.pages import get_page

PACKAGE = Path(__file__).resolve().parent.parent / "pairs_group"
# Functions that write an event, and which argument is its action.
RECORDERS = {"record": 0, "record_shown": 0, "audited": 1}
# Where an action is passed on in a variable (its callers are checked instead).
FORWARDERS = {("audit/service.py", "record_shown"), ("sms/views.py", "audited")}


def _called_name(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def actions_in(source, where="<test>"):
    """(actions recorded as literals, places that pass a non-literal action) in one module."""
    found, unknown = set(), []
    tree = ast.parse(source)
    for function in [None, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]:
        body = tree if function is None else function
        for call in (n for n in ast.walk(body) if isinstance(n, ast.Call)):
            position = RECORDERS.get(_called_name(call))
            if position is None or len(call.args) <= position:
                continue
            action = call.args[position]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.add(action.value)
            elif function is not None and (where, function.name) not in FORWARDERS:
                unknown.append(f"{where}:{call.lineno}")
    return found, unknown


def every_recorded_action():
    found, unknown = set(), []
    for path in PACKAGE.rglob("*.py"):
        more, places = actions_in(path.read_text(), str(path.relative_to(PACKAGE)))
        found |= more
        unknown += places
    return found, unknown


def test_every_action_kind_in_the_code_has_a_sentence():
    found, unknown = every_recorded_action()
    assert not unknown, f"an action in a variable (add its function to FORWARDERS): {unknown}"
    assert {"attendance.change", "staff.disable", "export", "sms.view_log"} <= found
    missing = sorted(found - set(SENTENCES))
    assert not missing, f"audit actions with no sentence in audit/sentences.py: {missing}"


def test_the_scan_finds_a_new_action_and_one_passed_in_a_variable():
    source = ("def change(thing):\n    record('thing.change', thing)\n"
              "def hidden(action):\n    record(action)\n")
    found, unknown = actions_in(source)
    assert found == {"thing.change"} and unknown == ["<test>:4"]
    assert "thing.change" not in SENTENCES


def acting_as(app, user):
    """A request context signed in as `user` (requests in one test share flask.g, where
    Flask-Login keeps who is signed in: forget the last one first)."""
    g.pop("_login_user", None)
    context = app.test_request_context()
    context.push()
    login_user(user)
    return context


def make_staff_actions(app):
    """Amina marks three families attended; an admin disables a colleague's account."""
    amina = factories.make_staff("facilitator", email="amina@example.nhs.uk", name="Amina Khan")
    admin = factories.make_staff("admin", email="lead@example.nhs.uk", name="Lee Lead")
    leaver = factories.make_staff("facilitator", email="sam@example.nhs.uk", name="Sam Leaver")
    group, session, enrolments = attendance_factories.make_group_meeting_today(
        facilitators=[amina], name="Together Time Stockwell")
    db.session.commit()
    context = acting_as(app, amina)
    for enrolment in enrolments:
        mark_attendance(session, enrolment, AttendanceStatus.ATTENDED, by=amina)
    db.session.commit()
    context.pop()
    context = acting_as(app, admin)
    accounts.disable(leaver)
    db.session.commit()
    context.pop()
    g.pop("_login_user", None)
    return admin, session


def test_the_log_says_what_happened_in_words_and_keeps_the_record(app, client):
    admin, session = make_staff_actions(app)
    staff_sign_in(client, admin)
    page = get_page(client, "audit.list_events")
    lines = page.texts(".pairs-audit-line__what")
    with app.test_request_context():
        day = format_date(session.starts_at, "full")
    assert (f"Amina Khan (Facilitator) marked 3 families attended at Together Time Stockwell, "
            f"{day}.") in lines
    assert "Lee Lead (Admin) disabled the account of Sam Leaver (Facilitator)." in lines
    assert not any("{" in line or "staff:" in line for line in lines)
    recorded = page.texts(".pairs-audit-details code")
    assert "attendance.change" in recorded and "staff.disable" in recorded
    assert page.shows("summary", "What was recorded (events: 3)")


def test_the_log_is_in_the_readers_language(app, client):
    admin, _session = make_staff_actions(app)
    admin.language = "pl"
    db.session.commit()
    staff_sign_in(client, admin)
    page = get_page(client, "audit.list_events")
    assert any("Amina Khan (Osoba prowadząca)" in line and "3 rodziny" in line
               for line in page.texts(".pairs-audit-line__what")), page.texts(
        ".pairs-audit-line__what")


SAMPLE_DETAILS = {
    "session_id": 1, "enrolment_id": 1, "after": {"status": "attended"}, "status": "attended",
    "times": ["2d 18:00"], "role": "facilitator", "hours": 72, "before": "facilitator",
    "email": "someone@example.nhs.uk", "parent_ids": [1, 2], "added": [1], "removed": [],
    "rows_kept": 3, "rows_deleted": 9, "language": "pl", "texts": True, "discreet": False,
    "format": "json", "group_id": 1, "to_group_id": 1, "reason": "Lives just outside",
    "kind": "sms", "version": "sms-2026-1", "parents": 4, "file": "scores.csv", "months": 24,
    "parent_id": 7, "sessions": 8, "timepoint": "pre", "instrument": "prfq", "item": "9",
    "dyad_ids": [1], "dyad": 1, "after_time": "2026-12-01T10:00:00+00:00"}


def test_every_sentence_reads_in_every_language_with_full_or_empty_details(app):
    """No sentence fails on an old event with fewer details, nor in any catalogue."""
    seen = set()
    for language in ("en", "pt", "es", "pl", "fr", "so", "ar"):
        with app.test_request_context(), force_locale(language):
            seen.add(sentence(AuditEvent(actor="system", action="export", details={})))
            for action in SENTENCES:
                for details in (SAMPLE_DETAILS, {}):
                    event = AuditEvent(actor="staff:999", action=action, target_type="Thing",
                                       target_id="1", details=details)
                    words = sentence(event, 2)
                    assert words and "%(" not in words, (language, action, words)
    assert len(seen) == 7, seen
