"""The access matrix (pairs_group/access.py) covers every URL rule, and every role gets in
exactly where it says: a new page without an entry fails here."""

import pytest

from pairs_group.access import ACCESS, LINK, PUBLIC, WEBHOOK
from pairs_group.db import db
from pairs_group.security import KEEPABLE_ENDPOINTS
from tests.pages import get_page
from tests.security_helpers import (
    ROLES,
    WEBHOOK_BLUEPRINTS,
    log_in,
    make_world,
    request_rule,
    turned_away,
    url_rules,
)

RULES = url_rules()
ENDPOINTS = sorted({rule.endpoint for rule in RULES})


def test_every_url_rule_has_an_entry_in_the_access_matrix():
    missing = [endpoint for endpoint in ENDPOINTS if endpoint not in ACCESS]
    assert not missing, f"add these endpoints to pairs_group/access.py ACCESS: {missing}"


def test_the_matrix_names_no_page_that_is_gone():
    gone = sorted(set(ACCESS) - set(ENDPOINTS))
    assert not gone, f"remove these from pairs_group/access.py ACCESS: {gone}"


def test_webhooks_are_exactly_the_pages_without_a_csrf_token(app):
    csrf = app.extensions["csrf"]
    exempt = {bp.name if hasattr(bp, "name") else bp for bp in csrf._exempt_blueprints}
    assert exempt <= WEBHOOK_BLUEPRINTS
    webhooks = {e for e, roles in ACCESS.items() if WEBHOOK in roles}
    blueprint_of = {e: e.partition(".")[0] for e in ENDPOINTS}
    assert webhooks == {e for e in ENDPOINTS if blueprint_of[e] in exempt} | {
        e for e in ENDPOINTS if e in csrf._exempt_views}


# Pages whose success is signing the person out: a redirect to sign-in is them working.
SIGNS_OUT = {"auth.sign_out_everywhere", "auth.sign_out", "account.sign_out",
             "account.sign_out_everywhere"}


def checked_rules():
    """Every rule but the webhooks (tested below); pages that only take a POST go last, as
    they may change something (with no form filled in, most change nothing)."""
    rules = [r for r in RULES if WEBHOOK not in ACCESS.get(r.endpoint, {})]
    return sorted(rules, key=lambda rule: "GET" not in rule.methods)


def problem(rule, role, response):
    allowed = ACCESS.get(rule.endpoint)
    if allowed is None:
        return "no entry in pairs_group/access.py"
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if PUBLIC in allowed or (role == "anonymous" and LINK in allowed) or (
            role in allowed and rule.endpoint in SIGNS_OUT):
        return "refused (403)" if response.status_code == 403 else None
    if role in allowed:
        return f"turned away ({response.status_code})" if turned_away(response) else None
    if not turned_away(response):
        return f"let in ({response.status_code} {response.headers.get('Location', '')})"
    return None


def cache_problem(rule, role, response):
    """Only a few public pages may be kept by a browser or a proxy; all others are no-store."""
    if rule.endpoint == "static" or (role == "anonymous" and rule.endpoint in KEEPABLE_ENDPOINTS):
        return None
    if "no-store" in response.headers.get("Cache-Control", ""):
        return None
    return f"no Cache-Control: no-store ({response.status_code})"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_in_only_where_the_matrix_says(app, role):
    """...and every answer but a few public pages' says no-store."""
    world = make_world()
    found = []
    for rule in checked_rules():
        db.session.expire_all()  # a page may have raised her session version
        client = log_in(app.test_client(), world.user(role))
        response = request_rule(client, app, rule, world.ids())
        message = problem(rule, role, response) or cache_problem(rule, role, response)
        if message:
            found.append(f"{rule.endpoint} {rule.rule}: {message}")
    assert not found, f"as {role}:\n" + "\n".join(found)


@pytest.mark.parametrize("rule", [r for r in RULES if WEBHOOK in ACCESS.get(r.endpoint, {})],
                         ids=lambda rule: rule.endpoint)
def test_an_unsigned_webhook_is_refused(client, rule):
    response = client.post(rule.rule, data={"MessageSid": "SM123", "From": "+447700900123",
                                            "Body": "STOP"})
    assert response.status_code == 403


def test_the_matrix_turns_people_away_even_without_the_views_own_check(app, client):
    """Defence in depth: the matrix is enforced before any view runs."""
    from pairs_group import access

    world = make_world()
    log_in(client, world.facilitator)
    assert access.lets_in("audit.list_events", world.facilitator) is False
    get_page(client, "audit.list_events", 403)
