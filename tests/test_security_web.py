"""Web security: CSRF on every form, headers and cookie flags on every response, the
append-only audit log and its admin page, and no secrets in the repository."""

import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from pairs_group.access import ACCESS, WEBHOOK
from pairs_group.audit.models import AuditEvent
from pairs_group.audit.service import AuditLogIsAppendOnly, record
from pairs_group.db import db
from tests import factories
from tests.pages import get_page, post_form, post_page, url
from tests.security_helpers import log_in, make_world, url_rules, url_values

RULES = url_rules()
ROOT = Path(__file__).resolve().parent.parent
POST_RULES = [r for r in RULES if "POST" in r.methods]


def test_every_post_without_a_csrf_token_is_refused_except_signed_webhooks(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        world = make_world()
        refused, let_through = [], []
        for rule in POST_RULES:
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **url_values(rule, world.ids()))
            for user in (None, world.admin, world.parent):
                client = log_in(app.test_client(), user)
                status = client.post(url, data={"name": "x"}).status_code
                webhook = WEBHOOK in ACCESS.get(rule.endpoint, ())
                if webhook:
                    let_through.append((rule.endpoint, status))
                elif status != 400:
                    refused.append((rule.endpoint, user and user.get_id(), status))
        assert not refused, f"POSTs accepted without a CSRF token: {refused}"
        assert all(status == 403 for _e, status in let_through), let_through


def test_a_post_with_a_good_token_gets_through(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        page = get_page(client, "auth.sign_in")
        token = page.select_one("input[name=csrf_token]")["value"]
        post_page(client, "auth.sign_in", {"csrf_token": token, "email": "a@b.nhs.uk",
                                           "password": "x" * 12})


@pytest.mark.parametrize("production", [False, True])
def test_every_response_carries_the_security_headers(make_app, production):
    settings = {"PAIRS_ENV": "production"} if production else {}
    app = make_app(**settings)
    with app.app_context():
        client = app.test_client()
        paths = [url(client, "pages.index"), url(client, "auth.sign_in"), "/no-such-page",
                 url(client, "health.healthz"), url(client, "static", filename="build/app.css")]
        for path in paths:  # headers: read from the raw responses
            response = client.get(path)
            response.close()
            headers = response.headers
            csp = headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
            assert "script-src 'self' 'nonce-" in csp and "object-src 'none'" in csp
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] and headers["Permissions-Policy"]
            assert ("Strict-Transport-Security" in headers) == production


def test_pages_have_no_inline_scripts_or_styles_without_the_nonce(client, sign_in):
    sign_in("admin")
    for endpoint in ["pages.index", "auth.sign_in", "groups.list_groups", "audit.list_events",
                     "auth.account"]:
        page = get_page(client, endpoint)
        assert not page.select("[style]"), endpoint
        for script in page.select("script"):
            assert script.has_attr("src") or script.has_attr("nonce"), (endpoint, script)


def test_cookies_are_httponly_lax_and_secure_in_production(make_app):
    app = make_app(PAIRS_ENV="production")
    with app.app_context():
        user = factories.make_staff("facilitator")
        db.session.commit()
        response = post_form(app.test_client(), "auth.sign_in", {
            "email": user.email, "password": factories.STAFF_PASSWORD})
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_audit_events_cannot_be_changed_or_deleted(app):
    event = record("test.event", None, note="original")
    db.session.commit()
    event.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(sa.delete(AuditEvent))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(sa.update(AuditEvent).values(action="x"))
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "test.event"


def test_admins_see_and_filter_the_audit_log_a_page_at_a_time(client, sign_in):
    admin = sign_in("admin")
    other = factories.make_staff("facilitator", email="jo@example.nhs.uk")
    db.session.commit()
    for n in range(60):
        db.session.add(AuditEvent(actor=other.get_id(), action="attendance.change",
                                  details={"n": n}))
    db.session.add(AuditEvent(actor="system", action="privacy.retention_erase"))
    db.session.commit()
    page = get_page(client, "audit.list_events")
    assert "Audit log" in page.title and page.shows("nav", "Older events")
    page = get_page(client, "audit.list_events", who=admin.email)
    assert page.shows(".pairs-audit-details dd", f"{admin.name} ({admin.email})")
    assert "staff.sign_in" in page.texts(".pairs-audit-details code")
    assert f"{admin.name} (Admin) signed in." in page.texts(".pairs-audit-line__what")
    page = get_page(client, "audit.list_events", who="jo@example.nhs.uk", action="attendance",
                    page=2)
    assert page.text_of("form + p") == "60 events" and page.shows("nav", "Newer events")
    details = [(dt.get_text(), dt.find_next_sibling("dd").get_text())
               for dt in page.select("dl.pairs-audit-details dt")]
    assert ("n", "9") in details
    page = get_page(client, "audit.list_events", action="privacy")
    assert page.text_of("form + p") == "1 event"
    page = get_page(client, "audit.list_events", since="2027-02-10", until="2027-01-01")
    assert page.title.startswith("Error:")
    page = get_page(client, "audit.list_events", since="9999-12-31", until="9999-12-31", page=-4)
    assert page.text_of("form + p") == "0 events"


def test_only_admins_see_the_audit_log(client, sign_in):
    sign_in("facilitator")
    get_page(client, "audit.list_events", 403)


SECRET_PATTERNS = {
    "Twilio account SID": re.compile(r"\bAC[0-9a-f]{32}\b"),
    "Twilio API key SID": re.compile(r"\bSK[0-9a-f]{32}\b"),
    "GOV.UK Notify key": re.compile(r"-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                    r"[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                    r"[0-9a-f]{4}-[0-9a-f]{12}"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "assigned secret": re.compile(
        r"""(?i)\b(secret_key|auth_token|api_key|password)\s*=\s*["'][A-Za-z0-9+/_\-]{24,}["']"""),
}


def tracked_files():
    try:
        listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                                capture_output=True, text=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("git is not available")
    return [ROOT / name for name in listed.stdout.splitlines()
            if not name.startswith(("translations/", "static/build/"))]


# Made-up values in tests say so: a counting run of hex digits, or "test"/"example"/"fake".
FAKE = re.compile(r"(?i)0123456789abcdef|test|example|fake|dummy")


def test_no_secrets_are_in_the_repository():
    found = []
    for path in tracked_files():
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for name, pattern in SECRET_PATTERNS.items():
            found += [f"{path.relative_to(ROOT)}: {name}: {m.group(0)[:12]}..."
                      for m in pattern.finditer(text) if not FAKE.search(m.group(0))]
    assert not found, found


def test_the_secret_check_would_catch_a_real_looking_key():
    sid = "AC" + "9f3e" * 8
    assert SECRET_PATTERNS["Twilio account SID"].search(sid) and not FAKE.search(sid)


def test_the_instance_folder_with_its_keys_and_database_is_never_committed():
    ignored = (ROOT / ".gitignore").read_text()
    assert "instance/" in ignored or "instance/*" in ignored


def test_signed_in_pages_are_never_cached(client, sign_in):
    index = client.get(url(client, "pages.index"))  # headers: read from the raw responses
    assert "no-store" not in index.headers.get("Cache-Control", "")
    sign_in("facilitator")
    assert client.get(url(client, "groups.list_groups")).headers["Cache-Control"] == "no-store"


def test_an_evaluator_lands_on_a_page_she_may_see(client):
    from tests.conftest import staff_sign_in

    user = factories.make_staff("evaluator")
    db.session.commit()
    landing = staff_sign_in(client, user).headers["Location"]
    get_page(client, landing)
