"""Rate limits (Flask-Limiter): in Redis when REDIS_URL is set, so they hold across processes;
in memory otherwise, and in each process's memory while Redis is away (with a logged warning),
so an outage of Redis never stops anyone signing in."""

import hashlib
import hmac

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import storage_from_string

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False,
                  in_memory_fallback_enabled=True, swallow_errors=True)


def limit_setting(name):
    """A limit read from the setting NAME at each request (Flask-Limiter takes a callable), so
    instance/config.py, the environment or a test can change it."""
    return lambda: current_app.config[name]


def private_key(value):
    """A rate-limit key that names no one: a mobile number or email address goes to Redis as
    a keyed hash (HMAC-SHA256 under a key made from SECRET_KEY), never in clear, and the hash
    cannot be reversed by hashing every possible number without the secret."""
    secret = hmac.new(current_app.config["SECRET_KEY"].encode(), b"pairs rate-limit keys",
                      hashlib.sha256).digest()
    return hmac.new(secret, value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


def redis_status(app):
    """"ok", "unavailable", or "not used" (limits kept in memory), for /healthz."""
    storage = app.extensions.get("pairs_limits_storage")
    if storage is None:
        return "not used"
    return "ok" if storage.check() else "unavailable"


def uses_redis(app):
    return app.config["RATELIMIT_STORAGE_URI"].startswith("redis")  # redis, rediss, redis+...


def report_storage_changes(response):
    """Say in the app's log when the limits leave Redis for memory and when they go back
    (Flask-Limiter's own messages go to a logger nobody configures)."""
    dead = limiter._storage_dead
    if dead != current_app.extensions.get("pairs_limits_storage_dead", False):
        current_app.extensions["pairs_limits_storage_dead"] = dead
        if dead:
            current_app.logger.warning("Redis is unreachable: rate limits are counted in this "
                                       "process's memory until it is back")
        else:
            current_app.logger.warning("Redis is back: rate limits are shared again")
    return response


def init_app(app):
    """The storage and its short Redis timeouts are settings (pairs_group/config.py)."""
    if uses_redis(app):
        app.extensions["pairs_limits_storage"] = storage_from_string(
            app.config["RATELIMIT_STORAGE_URI"], **app.config["RATELIMIT_STORAGE_OPTIONS"])
    # Flask-Limiter keeps the first app's prefix and outage state; each app (tests build many)
    # starts afresh with its own.
    limiter._key_prefix = app.config["RATELIMIT_KEY_PREFIX"]
    limiter._storage_dead = False
    limiter.init_app(app)
    app.after_request(report_storage_changes)
