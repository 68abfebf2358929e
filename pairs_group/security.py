"""Security headers on every response: a strict content policy with a nonce, no framing."""

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
    if _signed_in():
        # Pages with personal details are never kept by a shared computer's browser or a proxy.
        headers.setdefault("Cache-Control", "no-store")
    return response


def _signed_in():
    """Only the person already loaded for this request: a response never queries the database
    (it may be the 503 page of a database that is away)."""
    user = g.get("_login_user") if has_request_context() else None
    return request.endpoint != "static" and bool(getattr(user, "is_authenticated", False))


def init_app(app):
    production = app.config["PAIRS_ENV"] == "production"
    app.after_request(lambda response: add_security_headers(response, production))
    app.jinja_env.globals["csp_nonce"] = csp_nonce
