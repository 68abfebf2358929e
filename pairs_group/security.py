"""Security headers on every response: a strict content policy with a nonce, no framing, and
no-store on every page that may hold personal details."""

import secrets

from flask import g, has_request_context, request


def csp_nonce():
    """One random nonce per response, for the one inline script the design system needs."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy():
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{csp_nonce()}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ])


def add_security_headers(response, production=False):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault(
        "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    )
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if production:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if not _may_be_kept():
        # Pages with personal details are never kept by a shared phone's browser or a proxy.
        headers.setdefault("Cache-Control", "no-store")
    return response


# Pages the same for everyone who is not signed in, with nothing personal on them: a browser
# may keep these. Every other page (her questionnaire from a text's link, a sign-up step with
# her answers, any page of a signed-in person) is no-store, so a new page is private unless
# it is added here.
KEEPABLE_ENDPOINTS = frozenset({"static", "pages.index", "pages.privacy", "pages.accessibility"})


def _may_be_kept():
    if not has_request_context() or request.endpoint not in KEEPABLE_ENDPOINTS:
        return False
    return request.endpoint == "static" or not _signed_in()


def _signed_in():
    """Only the person already loaded for this request: a response never queries the database
    (it may be the 503 page of a database that is away)."""
    user = g.get("_login_user")
    return bool(getattr(user, "is_authenticated", False))


def forget_this_browser(response):
    """At sign-out the browser drops what it kept for her: the registers a facilitator's phone
    kept for working offline (names of parents) and any marks not sent yet."""
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def init_app(app):
    production = app.config["PAIRS_ENV"] == "production"
    app.after_request(lambda response: add_security_headers(response, production))
    app.jinja_env.globals["csp_nonce"] = csp_nonce
