"""Behind a load balancer: with TRUST_PROXY_HEADERS=N, believe the last N proxies' X-Forwarded-For,
-Proto and -Host, so rate limits, logs and the audit log see each person's own address."""

from werkzeug.middleware.proxy_fix import ProxyFix

from pairs_group.config import proxy_hops


def init_app(app):
    """Without the setting X-Forwarded-* is ignored: anyone can send it, and trusting it would
    let one person dodge every limit by making up addresses."""
    hops = proxy_hops(app.config["TRUST_PROXY_HEADERS"])
    app.config["TRUST_PROXY_HEADERS"] = hops
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
