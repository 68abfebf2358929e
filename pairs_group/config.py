"""Configuration: every setting the app reads, its default, its type and its environment
variable, in one place.

One order for every setting: defaults(), then instance/config.py, then the environment
(ENVIRONMENT_SETTINGS, each read with its type), then the mapping a test passes to create_app;
DERIVED then fills in the few settings that follow from others. No other module gives a setting
a default (tests/test_architecture.py), and the README's configuration tables are checked
against this module (tests/test_config.py).
"""

import json
import os
import secrets
from datetime import timedelta
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
    "STAFF_SET_UP_LINK_HOURS": whole_number,
    "RETENTION_MONTHS": whole_number,
    "SMS_OUTBOX_FILE": str,
    "SMS_QUIET_HOURS": str,
    "SMS_SEND_CONCURRENCY": whole_number,
    "SMS_BATCH_SIZE": whole_number,
    "SMS_HAND_OFF_THREADS": whole_number,
    "SMS_HAND_OFF_QUEUE": whole_number,
    "SMS_MAX_ATTEMPTS": whole_number,
    "SMS_RETRY_BASE_SECONDS": whole_number,
    "SMS_CLAIM_TIMEOUT_SECONDS": whole_number,
    "SMS_COST_PER_SEGMENT": decimal,
    "SMS_HELP_PHONE": str,
    "SMS_REQUIRE_CONSENT_RECORD": flag,
    "NOTIFY_TEMPLATES": json_object,
    "NOTIFY_CALLBACK_TOKEN": str,
    "NOTIFY_INBOUND_CALLBACK_TOKEN": str,
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


def defaults(instance_path, project_root):
    """Every setting the app reads, with the value that makes a development machine work with
    nothing else configured. instance/config.py, then the environment (ENVIRONMENT_SETTINGS),
    then a test's mapping replace them in that order; DERIVED fills in the few that follow
    from others. Features read `current_app.config["X"]` and give no default of their own."""
    instance = Path(instance_path)
    return {
        # The app: which environment, its name, where parents are sent (config.public_base_url).
        "PAIRS_ENV": "development",
        "SECRET_KEY": None,  # development: generated once into instance/secret_key
        "SERVICE_NAME": "Together Time",
        "PUBLIC_BASE_URL": "",  # development: the address being served (public_base_url)
        "TRUST_PROXY_HEADERS": 0,  # how many proxies set X-Forwarded-* (pairs_group/proxies)
        # The database (pairs_group/db); SQLALCHEMY_ENGINE_OPTIONS follows from it (DERIVED).
        "DATABASE_URL": "sqlite:///" + str(instance / "pairs.sqlite3"),
        "MIGRATIONS_DIR": str(Path(project_root) / "migrations"),
        # Rate limits (pairs_group/limits): in Redis when REDIS_URL is set, else in memory;
        # RATELIMIT_STORAGE_URI and _OPTIONS follow from it (DERIVED).
        "REDIS_URL": "",
        "RATELIMIT_KEY_PREFIX": "pairs-limits",
        # Languages and times (pairs_group/i18n).
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "BABEL_TRANSLATION_DIRECTORIES": "../translations",
        # Cookies (Secure is added in production: apply_production_defaults).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),  # a parent's "keep me signed in"
        "REMEMBER_COOKIE_SECURE": False,
        # Forms (pairs_group/forms): CSRF tokens last as long as the session; upload size.
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Compression (pairs_group/delivery). Pages are compressed on every request: brotli 2
        # makes a page about 10% bigger than brotli 4 in a third of the time. Static files are
        # compressed once, at 9, in delivery.py.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
        "COMPRESS_BR_LEVEL": 2,
        "COMPRESS_MIMETYPES": [
            "text/html", "text/css", "text/javascript", "application/javascript",
            "application/json", "text/calendar", "text/csv", "image/svg+xml",
            "application/manifest+json",
        ],
        # Staff sign-in (pairs_group/auth): sessions, two-factor, limits (Flask-Limiter syntax).
        "STAFF_IDLE_MINUTES": 30,
        "STAFF_SESSION_HOURS": 12,
        "STAFF_TOTP_REQUIRED_FOR_ADMINS": True,
        "STAFF_SIGN_IN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
        "STAFF_SIGN_IN_LIMIT_PER_ADDRESS": "30 per 15 minutes",
        "STAFF_CODE_LIMIT": "5 per 15 minutes",
        # How long the one-time link an admin gives a new member of staff works.
        "STAFF_SET_UP_LINK_HOURS": 72,
        # Parents' sign-in by texted code (pairs_group/account); ACCOUNT_SIGN_IN_SECONDS, the
        # time every sign-in answer takes, follows from TESTING (DERIVED).
        "ACCOUNT_CODES_PER_NUMBER": "3 per 10 minutes;10 per day",
        "ACCOUNT_CODES_PER_ADDRESS": "20 per hour",
        "ACCOUNT_CODE_CHECKS_PER_ADDRESS": "30 per hour",
        # Groups (pairs_group/groups): a new group's sessions.
        "SESSIONS_PER_GROUP": 8,
        "SESSION_MINUTES": 90,
        # Sign-up, eligibility and the waiting list (pairs_group/parents).
        "ELIGIBLE_POSTCODE_AREAS": "",  # blank: anywhere
        "NOT_ELIGIBLE_TEXT": "",
        "NOT_ELIGIBLE_LINK": "",
        "WAITING_LIST_OFFER_HOURS": 48,
        "SIGN_UP_MINUTES": 60,
        "SIGN_UP_COUNTRY_CODES": (44,),
        "SIGN_UP_DETAILS_LIMIT": "30 per hour",
        # Referrals (pairs_group/referrals): the professionals' form and invitations.
        "REFERRAL_LIMIT": "20 per hour",  # referrals sent from one address
        "REFERRAL_REMINDER_DAYS": 7,  # one reminder this long after an unanswered invitation
        "REFERRAL_LAPSE_DAYS": 21,  # then the invitation lapses
        # Texts (pairs_group/sms): the provider and its credentials ...
        "SMS_BACKEND": "",  # console, twilio or notify; blank: Twilio when configured
        "SMS_OUTBOX_FILE": str(instance / "sms-outbox.jsonl"),  # the console backend's file
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_AUTH_TOKEN": "",
        "TWILIO_FROM_NUMBER": "",
        "TWILIO_MESSAGING_SERVICE_SID": "",
        "TWILIO_API_BASE_URL": "",  # blank: Twilio's own
        "TWILIO_HTTP_CLIENT_FACTORY": None,  # tests only: Twilio's HTTP client
        "NOTIFY_API_KEY": "",
        "NOTIFY_API_BASE_URL": "",  # blank: Notify's own
        "NOTIFY_TEMPLATES": {},  # "kind:language" (or "kind") -> Notify template id
        "NOTIFY_CALLBACK_TOKEN": "",
        "NOTIFY_INBOUND_CALLBACK_TOKEN": "",  # received texts; blank: Notify's are refused
        # ... and how they are sent.
        "SMS_QUIET_HOURS": "21:00-08:00",  # Europe/London; "" for none
        "SMS_SEND_CONCURRENCY": 8,  # texts in flight at once
        "SMS_BATCH_SIZE": 200,  # rows claimed per step
        "SMS_HAND_OFF_THREADS": 2,  # per process: threads sending texts "now" (a sign-in code)
        "SMS_HAND_OFF_QUEUE": 100,  # per process: waiting beyond this, the dispatcher sends them
        "SMS_MAX_ATTEMPTS": 4,  # tries for a transient error before it is marked failed
        "SMS_RETRY_BASE_SECONDS": 60,  # then 2, 4, 8 minutes ...
        "SMS_CLAIM_TIMEOUT_SECONDS": 600,  # "sending" for longer than this: unknown, for review
        "SMS_COST_PER_SEGMENT": 0.04,  # pounds, for the estimate staff see
        "SMS_HELP_PHONE": "020 3228 0000",
        "SMS_REQUIRE_CONSENT_RECORD": False,
        # Questionnaires (pairs_group/questionnaires): instruments, plan and windows.
        "INSTRUMENTS_DIR": str(instance / "instruments"),  # the service's own instrument files
        "QUESTIONNAIRES_OPTIONAL": (),  # e.g. ("phq9", "gad7")
        "QUESTIONNAIRE_PLAN": {
            "pre": ["prfq", "mors_sf", "loaf", "asq_se2"],
            "post": ["prfq", "mors_sf", "fft", "loaf", "asq_se2"],
        },
        "QUESTIONNAIRE_PRE_UNTIL_SESSION": 2,  # pre: from enrolment to the end of session 2
        "QUESTIONNAIRE_POST_WEEKS": 3,  # post: from the last session to 3 weeks after
        "QUESTIONNAIRE_REMINDER_DAYS": 5,  # one reminder this long after the link
        # Privacy (pairs_group/privacy): months kept after her last group finishes.
        "RETENTION_MONTHS": 24,
        # Reports (pairs_group/reports): exports for sharing hold at least k dyads each.
        "EXPORT_SHARING_K": 5,
    }


# A dead Redis is noticed in well under a second, not after the operating system gives up.
REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def database_uri(url):
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(config):
    """Give SQLite writers time to wait for each other; renew PostgreSQL connections every half
    hour (pooled ones the server closed are dropped on checkout: pairs_group/db.py)."""
    if database_uri(config["DATABASE_URL"]).startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    return {"pool_recycle": 1800}


def storage_uri(config):
    return config["REDIS_URL"] or "memory://"


def storage_options(config):
    """Short timeouts for any redis* address (redis, rediss, redis+sentinel ...)."""
    return dict(REDIS_TIMEOUTS) if config["RATELIMIT_STORAGE_URI"].startswith("redis") else {}


def sign_in_seconds(config):
    """Every parent sign-in answer takes this long (so timing says nothing); none in tests."""
    return 0.0 if config.get("TESTING") else 1.0


# Settings that follow from others: each fills in only what no source above gave, after all of
# them (a test's TESTING or an operator's REDIS_URL counts). Order matters: the URI first.
DERIVED = {
    "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
    "RATELIMIT_STORAGE_URI": storage_uri,
    "RATELIMIT_STORAGE_OPTIONS": storage_options,
    "ACCOUNT_SIGN_IN_SECONDS": sign_in_seconds,
}


def fill_derived(config):
    """The settings in DERIVED that no source gave, from the ones they follow."""
    for name, derive in DERIVED.items():
        config.setdefault(name, derive(config))


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
