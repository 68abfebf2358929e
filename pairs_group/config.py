"""Configuration: defaults, then instance/config.py, then environment variables."""

import os
import secrets
from pathlib import Path

# Environment variables read into the configuration, with the type each one is read as.
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
    "TRUST_PROXY_HEADERS": lambda raw: proxy_hops(raw),
    "STAFF_IDLE_MINUTES": int,
    "STAFF_TOTP_REQUIRED_FOR_ADMINS": bool,
    "RETENTION_MONTHS": int,
}


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says what to change."""


def proxy_hops(value):
    """How many proxies in front of the app set X-Forwarded-*: a number, or the older
    true/false (true is one)."""
    if isinstance(value, bool) or value is None:
        return int(bool(value))
    word = str(value).strip().lower()
    if word in {"", "false", "no", "off"}:
        return 0
    if word in {"true", "yes", "on"}:
        return 1
    if word.isdigit() and int(word) <= 10:
        return int(word)
    raise ConfigError(f"TRUST_PROXY_HEADERS must be the number of proxies in front of the app "
                      f"(0, 1, 2 ...) or true/false, not {str(value)[:40]!r}.")


def defaults(instance_path):
    """Settings that make a development machine work with nothing else configured."""
    return {
        "PAIRS_ENV": "development",
        "DATABASE_URL": "sqlite:///" + str(Path(instance_path) / "pairs.sqlite3"),
        "REDIS_URL": "",
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
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
    """The settings given as environment variables, typed."""
    environ = os.environ if environ is None else environ
    found = {}
    for name, kind in ENVIRONMENT_SETTINGS.items():
        if name in environ:
            raw = environ[name]
            if kind is bool:
                found[name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            else:
                found[name] = kind(raw)
    return found


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


def apply_production_defaults(app):
    """Cookies only over HTTPS when the app runs for real."""
    if app.config["PAIRS_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
