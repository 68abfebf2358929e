from pathlib import Path

import pytest

from pairs_group import create_app
from pairs_group.config import ConfigError, read_environment


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
    app = create_app({"PAIRS_ENV": "production", "SECRET_KEY": "x" * 32})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgres_urls_use_psycopg_3():
    app = create_app({"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
