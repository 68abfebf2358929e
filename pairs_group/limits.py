"""Rate limits (Flask-Limiter): in Redis when REDIS_URL is set, so they hold across processes;
in memory otherwise."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


def init_app(app):
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "pairs-limits")
    # Flask-Limiter keeps the first app's prefix; each app (tests build many) uses its own.
    limiter._key_prefix = app.config["RATELIMIT_KEY_PREFIX"]
    limiter.init_app(app)
