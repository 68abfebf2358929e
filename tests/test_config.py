import os
import subprocess
import sys
from pathlib import Path

import pytest

from pairs_group import PROJECT_ROOT, create_app
from pairs_group.config import ENVIRONMENT_SETTINGS, ConfigError, read_environment


def test_environment_overrides_are_read_with_their_types():
    found = read_environment({"DATABASE_URL": "sqlite://", "TRUST_PROXY_HEADERS": "true"})
    assert found == {"DATABASE_URL": "sqlite://", "TRUST_PROXY_HEADERS": True}


def test_production_without_a_secret_key_refuses_to_start(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"PAIRS_ENV": "production", "SECRET_KEY": None})


def test_development_generates_a_secret_key_once(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"SECRET_KEY": None}).config["SECRET_KEY"]
    second = create_app({"SECRET_KEY": None}).config["SECRET_KEY"]
    assert first and first == second
    assert (Path(create_app().instance_path) / "secret_key").exists()


def test_production_cookies_are_secure(monkeypatch):
    app = create_app({"PAIRS_ENV": "production", "SECRET_KEY": "x" * 32,
                      "PUBLIC_BASE_URL": "https://pairs.example.nhs.uk", "SMS_BACKEND": "console"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgres_urls_use_psycopg_3():
    app = create_app({"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


# --- one order for every setting: defaults, then instance/config.py, then the environment ---

def app_with_instance_config(monkeypatch, tmp_path, text, **environ):
    """create_app() exactly as wsgi.py calls it, with its own instance folder."""
    import pairs_group

    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text(text)
    monkeypatch.setattr(pairs_group, "PROJECT_ROOT", tmp_path)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return create_app()


def test_the_environment_beats_instance_config_for_sms_settings(monkeypatch, tmp_path):
    app = app_with_instance_config(
        monkeypatch, tmp_path,
        'SMS_BACKEND = "notify"\nTWILIO_FROM_NUMBER = "+447700900001"\n'
        'SMS_QUIET_HOURS = "22:00-07:00"\nNOTIFY_TEMPLATES = {"reminder": "from-instance"}\n'
        'NOTIFY_CALLBACK_TOKEN = "from-instance"\nSMS_BATCH_SIZE = 50\n',
        SMS_BACKEND="twilio", TWILIO_FROM_NUMBER="+447700900002", SMS_QUIET_HOURS="",
        NOTIFY_TEMPLATES='{"reminder": "from-environment"}',
        NOTIFY_CALLBACK_TOKEN="from-environment")
    config = app.config
    assert config["SMS_BACKEND"] == "twilio"
    assert config["TWILIO_FROM_NUMBER"] == "+447700900002"
    assert config["SMS_QUIET_HOURS"] == ""
    assert config["NOTIFY_TEMPLATES"] == {"reminder": "from-environment"}
    assert config["NOTIFY_CALLBACK_TOKEN"] == "from-environment"
    assert config["SMS_BATCH_SIZE"] == 50  # instance/config.py beats the default (200)
    assert config["SMS_MAX_ATTEMPTS"] == 4  # and the default fills in what neither gave


# --- a malformed setting: one line naming it, not a traceback ---

@pytest.mark.parametrize(("name", "raw"), [
    ("RETENTION_MONTHS", "notanumber"), ("STAFF_IDLE_MINUTES", "x"),
    ("TRUST_PROXY_HEADERS", "maybe"), ("SMS_COST_PER_SEGMENT", "cheap"),
    ("NOTIFY_TEMPLATES", "[1, 2"),
])
def test_a_malformed_environment_variable_is_named(name, raw):
    with pytest.raises(ConfigError, match=f"The environment variable {name}="):
        read_environment({name: raw})


def run_flask(*args, **environ):
    """`flask --app wsgi ARGS` in a fresh process, as an operator types it."""
    env = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT_SETTINGS}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=PROJECT_ROOT,
        env={**env, **environ}, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(("environ", "named"), [
    ({"RETENTION_MONTHS": "notanumber"}, "RETENTION_MONTHS='notanumber' must be a whole number"),
    ({"STAFF_IDLE_MINUTES": "x"}, "STAFF_IDLE_MINUTES='x' must be a whole number"),
    ({"PAIRS_ENV": "prod"}, "PAIRS_ENV='prod' must be development or production"),
    ({"PAIRS_ENV": "production", "PUBLIC_BASE_URL": "https://pairs.example.nhs.uk",
      "SMS_BACKEND": "console"}, "SECRET_KEY is not set"),
    ({"PAIRS_ENV": "production", "SECRET_KEY": "x" * 32, "SMS_BACKEND": "console"},
     "PUBLIC_BASE_URL is not set"),
    ({"PAIRS_ENV": "production", "SECRET_KEY": "x" * 32,
      "PUBLIC_BASE_URL": "https://pairs.example.nhs.uk"}, "No SMS provider is configured"),
])
def test_flask_refuses_a_bad_configuration_in_one_line(environ, named):
    result = run_flask("routes", **environ)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("PAIRS Group cannot start: "), result.stderr
    assert named in lines[0]


def test_gunicorn_stops_with_one_line_in_production_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT_SETTINGS}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1", "--bind",
         "127.0.0.1:0", "wsgi:app"], cwd=PROJECT_ROOT, capture_output=True, text=True,
        timeout=120, check=False,
        env={**env, "PAIRS_ENV": "production", "SMS_BACKEND": "console",
             "PUBLIC_BASE_URL": "https://pairs.example.nhs.uk"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "PAIRS Group cannot start: SECRET_KEY is not set." in result.stderr


# --- production needs a real SMS provider and its public address ---

PRODUCTION = {"PAIRS_ENV": "production", "SECRET_KEY": "x" * 32,
              "PUBLIC_BASE_URL": "https://pairs.example.nhs.uk"}


def test_production_without_an_sms_provider_refuses_to_start(monkeypatch):
    monkeypatch.delenv("SMS_BACKEND", raising=False)
    with pytest.raises(ConfigError, match="No SMS provider is configured"):
        create_app({**PRODUCTION, "SMS_BACKEND": ""})
    assert create_app({**PRODUCTION, "SMS_BACKEND": "console"})
    assert create_app({**PRODUCTION, "SMS_BACKEND": "", "TWILIO_ACCOUNT_SID": "AC1",
                       "TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM_NUMBER": "+447700900001"})


def test_production_without_a_public_address_refuses_to_start():
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL is not set"):
        create_app({**PRODUCTION, "PUBLIC_BASE_URL": "", "SMS_BACKEND": "console"})


def test_the_console_backend_never_writes_a_sign_in_code_in_production(make_app, tmp_path,
                                                                         capsys):
    from pairs_group.db import db
    from pairs_group.sms.service import dispatch_due, queue_sms

    outbox = tmp_path / "outbox.jsonl"
    with make_app(**PRODUCTION, SMS_BACKEND="console", SMS_OUTBOX_FILE=str(outbox)).app_context():
        queue_sms("sign_in_code", "code:1", to="+447700900123", language="en",
                  context={"code": "424242"})
        db.session.commit()
        assert dispatch_due().statuses == {"sent": 1}
    written = capsys.readouterr().out + outbox.read_text()
    assert "sign_in_code" in written
    assert "424242" not in written and "+447700900123" not in written


# --- links follow the address the app is served on, in development ---

def test_development_links_follow_the_served_address(make_app, monkeypatch):
    from pairs_group.config import public_base_url

    app = make_app(PUBLIC_BASE_URL="")
    monkeypatch.setenv("PORT", "6100")
    with app.app_context():
        assert public_base_url() == "http://127.0.0.1:6100"  # a command or cron
    with app.test_request_context("/", base_url="http://localhost:6123"):
        assert public_base_url() == "http://localhost:6123"  # the page she is on
    monkeypatch.delenv("PORT")
    with app.app_context():
        assert public_base_url() == "http://127.0.0.1:5000"
    with make_app(PUBLIC_BASE_URL="https://pairs.example.nhs.uk/").test_request_context(
            "/", base_url="http://evil.example.com"):
        assert public_base_url() == "https://pairs.example.nhs.uk"


def test_a_text_queued_from_a_command_links_to_the_port_make_run_serves(make_app,
                                                                         monkeypatch):
    from pairs_group.auth.links import link_url
    from tests.account_factories import make_parent

    monkeypatch.setenv("PORT", "6100")
    with make_app(PUBLIC_BASE_URL="").app_context():
        parent = make_parent()
        assert link_url(parent, "questionnaire").startswith("http://127.0.0.1:6100/")


def test_make_run_gives_its_port_to_the_app():
    result = subprocess.run(["make", "-n", "run", "PORT=6100"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60, check=True)
    serve = [line for line in result.stdout.splitlines() if " run --host" in line]
    assert serve and "PORT=6100" in serve[0] and "--port 6100" in serve[0], result.stdout


# --- every setting in one place: config.defaults(), checked against the code and the README ---

def all_defaults():
    from pairs_group import config

    return config.defaults(PROJECT_ROOT / "instance", PROJECT_ROOT)


# What each environment reader gives, so a default and its variable cannot disagree on type.
READER_TYPES = {"str": str, "whole_number": int, "decimal": float, "flag": bool,
                "json_object": dict, "proxy_count": int}


@pytest.mark.parametrize("name", sorted(ENVIRONMENT_SETTINGS))
def test_every_environment_variable_has_a_default_of_its_type(name):
    defaults = all_defaults()
    assert name in defaults, f"{name} is read from the environment but has no default"
    wanted = READER_TYPES[ENVIRONMENT_SETTINGS[name].__name__]
    assert defaults[name] is None or isinstance(defaults[name], wanted), (name, defaults[name])


def settings_read_in_the_code():
    """Every NAME in `config["NAME"]` and in `limits.limit_setting("NAME")`."""
    import ast

    found = {}
    for path in (PROJECT_ROOT / "pairs_group").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            key = None
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and (
                    ast.unparse(node.value).endswith("config")):
                key = node.slice.value
            elif (isinstance(node, ast.Call) and ast.unparse(node.func) == "limit_setting"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                key = node.args[0].value
            if isinstance(key, str):
                found.setdefault(key, path.relative_to(PROJECT_ROOT))
    return found


# Settings the code reads that are not ours to default: Flask's own (SERVER_NAME, TESTING,
# SESSION_COOKIE_SECURE ...) come from Flask.default_config; these are set by the code itself.
SET_BY_THE_APP = {
    "SQLALCHEMY_DATABASE_URI",  # from DATABASE_URL (pairs_group/db.py)
    "SQLALCHEMY_ENGINE_OPTIONS", "RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_OPTIONS",
    "ACCOUNT_SIGN_IN_SECONDS",  # config.DERIVED: they follow from other settings
}


def test_every_setting_the_code_reads_has_its_default_in_the_config_module():
    from flask import Flask

    known = set(all_defaults()) | set(Flask.default_config) | SET_BY_THE_APP
    read = settings_read_in_the_code()
    assert len(read) > 50  # the scan finds the settings
    missing = {name: str(where) for name, where in read.items() if name not in known}
    assert not missing, f"read without a default in pairs_group/config.py: {missing}"


def test_derived_settings_follow_their_sources_unless_given(make_app):
    from pairs_group.config import DERIVED

    assert set(DERIVED) <= SET_BY_THE_APP
    app = make_app(REDIS_URL="redis://127.0.0.1:6379/15", ACCOUNT_SIGN_IN_SECONDS=0.5)
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"
    assert app.config["RATELIMIT_STORAGE_OPTIONS"] == {"socket_connect_timeout": 1,
                                                       "socket_timeout": 1}
    assert app.config["ACCOUNT_SIGN_IN_SECONDS"] == 0.5  # given: kept
    app = make_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.config["ACCOUNT_SIGN_IN_SECONDS"] == 0.0  # TESTING
    assert create_app({"TESTING": False})
    assert create_app({"TESTING": False}).config["ACCOUNT_SIGN_IN_SECONDS"] == 1.0


# --- the README's configuration tables say what config.py says ---

TABLE_HEADERS = ("| variable | meaning | default |", "| setting | meaning | default |")
# Defaults the README describes in words, with the value config.py gives for each.
DESCRIBED = {
    "SECRET_KEY": (None, "generated once into instance/secret_key in development"),
    "DATABASE_URL": ("sqlite:///" + str(PROJECT_ROOT / "instance" / "pairs.sqlite3"),
                     "SQLite at instance/pairs.sqlite3"),
    "PUBLIC_BASE_URL": ("", "development: the address being served"),
    "SMS_BACKEND": ("", "console unless Twilio is configured"),
    "TWILIO_API_BASE_URL": ("", "Twilio's own"),
    "NOTIFY_API_BASE_URL": ("", "Notify's own"),
    "SMS_OUTBOX_FILE": (str(PROJECT_ROOT / "instance" / "sms-outbox.jsonl"),
                        "instance/sms-outbox.jsonl"),
    "ELIGIBLE_POSTCODE_AREAS": ("", "blank: anywhere"),
    "INSTRUMENTS_DIR": (str(PROJECT_ROOT / "instance" / "instruments"),
                        "instance/instruments"),
    "QUESTIONNAIRE_PLAN": ({"pre": ["prfq", "mors_sf", "loaf", "asq_se2"],
                            "post": ["prfq", "mors_sf", "fft", "loaf", "asq_se2"]},
                           "the shipped plan"),
}


def readme_settings():
    """{NAME: the README's default cell (one value of a shared row)} from every table headed
    "variable/setting | meaning | default"."""
    import re

    found, in_table = {}, False
    for line in (PROJECT_ROOT / "README.md").read_text().splitlines():
        if line.strip() in TABLE_HEADERS:
            in_table = True
        elif not line.startswith("|"):
            in_table = False
        elif in_table and not line.startswith("| ---"):
            first, _meaning, default = (cell.strip() for cell in line.strip("|").split(" | "))
            names = re.findall(r"`([A-Z][A-Z0-9_]+)`", first)
            values = default.split(", ") if len(names) > 1 and ", " in default else [default]
            for name, value in zip(names, values * len(names) if len(values) == 1 else values,
                                   strict=True):
                found[name] = value.replace("`", "")
    return found


def as_readme_says(value):
    """A default as the README's tables write it."""
    if value is True or value is False:
        return "on" if value else "off"
    if value in ("", None, {}, ()):
        return "none"
    return str(value)


def test_the_readme_tables_give_the_defaults_config_gives():
    defaults, documented = all_defaults(), readme_settings()
    assert len(documented) > 30  # the tables were found
    wrong = {}
    for name, cell in documented.items():
        assert name in defaults, f"README names {name}, which pairs_group/config.py does not know"
        if name in DESCRIBED:
            given, words = DESCRIBED[name]
            ok = defaults[name] == given and cell.startswith(words)
        else:
            ok = cell.split(" (")[0] == as_readme_says(defaults[name])
        if not ok:
            wrong[name] = (cell, defaults[name])
    assert not wrong, f"README default vs pairs_group/config.py: {wrong}"


def test_every_environment_variable_is_in_the_readme_tables():
    missing = set(ENVIRONMENT_SETTINGS) - set(readme_settings())
    assert not missing, f"environment variables missing from the README's tables: {missing}"
