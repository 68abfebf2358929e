"""Configuration: defaults, then instance/config.py, then environment variables.

One order for every setting: a feature's own defaults are applied with `setdefault` after this,
so they only fill in what neither instance/config.py nor the environment gave.
"""

import json
import os
import secrets
from pathlib import Path

from flask import current_app, has_request_context, request

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def flag(raw):
    """on/off: 1, true, yes, on or 0, false, no, off (or empty)."""
    word = raw.strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError("must be on or off (1/0, true/false, yes/no)")
    return word in TRUE_WORDS


def whole_number(raw):
    """A whole number such as 24."""
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError("must be a whole number, e.g. 24") from None


def decimal(raw):
    """A number such as 0.04."""
    try:
        return float(raw.strip())
    except ValueError:
        raise ValueError("must be a number, e.g. 0.04") from None


def proxy_count(raw):
    """How many proxies in front of the app set X-Forwarded-*: 0, 1, 2 ..., or on/off as
    before (on is one)."""
    word = raw.strip().lower()
    if word.isdigit() and int(word) <= 10:
        return int(word)
    try:
        return int(flag(word))
    except ValueError:
        raise ValueError("must be the number of proxies in front of the app (0, 1, 2 ...) "
                         "or on/off") from None


def json_object(raw):
    """A JSON object such as {"reminder": "template id"}."""
    try:
        found = json.loads(raw)
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise ValueError('must be a JSON object, e.g. {"reminder": "<template id>"}')
    return found


# Environment variables read into the configuration, with the reader for each one.
ENVIRONMENT_SETTINGS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "PUBLIC_BASE_URL": str,
    "PAIRS_ENV": str,
    "SMS_BACKEND": str,
    "TWILIO_ACCOUNT_SID": str,
    "TWILIO_AUTH_TOKEN": str,
    "TWILIO_FROM_NUMBER": str,
    "TWILIO_MESSAGING_SERVICE_SID": str,
    "TWILIO_API_BASE_URL": str,
    "NOTIFY_API_KEY": str,
    "TRUST_PROXY_HEADERS": proxy_count,
    "STAFF_IDLE_MINUTES": whole_number,
    "STAFF_SESSION_HOURS": whole_number,
    "STAFF_TOTP_REQUIRED_FOR_ADMINS": flag,
    "RETENTION_MONTHS": whole_number,
    "SMS_OUTBOX_FILE": str,
    "SMS_QUIET_HOURS": str,
    "SMS_SEND_CONCURRENCY": whole_number,
    "SMS_BATCH_SIZE": whole_number,
    "SMS_MAX_ATTEMPTS": whole_number,
    "SMS_RETRY_BASE_SECONDS": whole_number,
    "SMS_CLAIM_TIMEOUT_SECONDS": whole_number,
    "SMS_COST_PER_SEGMENT": decimal,
    "SMS_HELP_PHONE": str,
    "SMS_REQUIRE_CONSENT_RECORD": flag,
    "NOTIFY_TEMPLATES": json_object,
    "NOTIFY_CALLBACK_TOKEN": str,
    "NOTIFY_API_BASE_URL": str,
}


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says what to change."""


def proxy_hops(value):
    """TRUST_PROXY_HEADERS as a number of proxies, whether instance/config.py or a test gave
    True/False, a number or words."""
    if isinstance(value, bool) or value is None:
        return int(bool(value))
    try:
        return proxy_count(str(value))
    except ValueError as error:
        raise ConfigError(f"TRUST_PROXY_HEADERS={value!r} {error}.") from None


def defaults(instance_path):
    """Settings that make a development machine work with nothing else configured."""
    return {
        "PAIRS_ENV": "development",
        "DATABASE_URL": "sqlite:///" + str(Path(instance_path) / "pairs.sqlite3"),
        "REDIS_URL": "",
        "PUBLIC_BASE_URL": "",  # development: the address being served (public_base_url)
        "SERVICE_NAME": "Together Time",
        "SMS_BACKEND": "",
        "TWILIO_API_BASE_URL": "",
        "TRUST_PROXY_HEADERS": False,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "BABEL_TRANSLATION_DIRECTORIES": "../translations",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSIONS_PER_GROUP": 8,
        "SESSION_MINUTES": 90,
    }


def read_environment(environ=None):
    """The settings given as environment variables, typed; a malformed one is a ConfigError
    naming the variable (one line for the operator, not a traceback)."""
    environ = os.environ if environ is None else environ
    found = {}
    for name, read in ENVIRONMENT_SETTINGS.items():
        if name in environ:
            try:
                found[name] = read(environ[name])
            except ValueError as error:
                raise ConfigError(
                    f"The environment variable {name}={environ[name]!r} {error}.") from None
    return found


def development_address(environ=None):
    """Where the development server serves: `make run` gives it PORT (5000 unless set); a
    command run beside it with the same PORT links to the same place."""
    environ = os.environ if environ is None else environ
    port = (environ.get("PORT") or "").strip()
    return f"http://127.0.0.1:{port if port.isdigit() else 5000}"


def public_base_url():
    """The address parents are sent to, without a trailing slash. PUBLIC_BASE_URL when set
    (always, in production); in development the address this request came to, or outside a
    request (a command, cron) the development server's address from PORT."""
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return development_address()


def ensure_secret_key(app):
    """Give development a stable generated key; refuse to start production without one."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["PAIRS_ENV"] == "production":
        raise ConfigError(
            "SECRET_KEY is not set. In production set the SECRET_KEY environment variable "
            "(or SECRET_KEY in instance/config.py) to a long random value; see README.md."
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def check_environment_name(app):
    """A mistyped PAIRS_ENV must not quietly mean development."""
    if app.config["PAIRS_ENV"] not in ("development", "production"):
        raise ConfigError(f"PAIRS_ENV={app.config['PAIRS_ENV']!r} must be development or "
                          "production.")


def require_public_address(app):
    """Production links must not depend on a request's Host header: refuse to start without
    PUBLIC_BASE_URL."""
    if app.config["PAIRS_ENV"] == "production" and not app.config.get("PUBLIC_BASE_URL"):
        raise ConfigError(
            "PUBLIC_BASE_URL is not set. In production set it to the address parents use, "
            "e.g. PUBLIC_BASE_URL=https://together-time.example.nhs.uk; see README.md.")


def apply_production_defaults(app):
    """Cookies only over HTTPS when the app runs for real."""
    if app.config["PAIRS_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
