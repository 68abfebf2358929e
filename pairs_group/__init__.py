"""PAIRS Group: the companion web app for Together Time, a therapeutic parent-baby group."""

from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from pairs_group import config as settings
from pairs_group import startup

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the app: configuration, extensions, then each feature's blueprint and commands."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    load_configuration(app, config)
    app.cli = startup.CheckedCommands(app)
    init_extensions(app)
    register_features(app)
    return app


def load_configuration(app, config):
    """Defaults, then instance/config.py, then the environment, then what a test passes in;
    then the settings that follow from those (pairs_group/config.py)."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(settings.defaults(app.instance_path, PROJECT_ROOT))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(settings.read_environment())
    if config:
        app.config.from_mapping(config)
    settings.fill_derived(app.config)
    settings.check_environment_name(app)
    settings.ensure_secret_key(app)
    settings.require_public_address(app)
    settings.apply_production_defaults(app)


def init_extensions(app):
    """Proxies, database, languages, templates, forms, sign-in, security headers, compression,
    errors."""
    from pairs_group import (
        db,
        delivery,
        errors,
        forms,
        i18n,
        limits,
        models,  # noqa: F401 - every table known before migrations look
        navigation,
        proxies,
        security,
        templating,
    )
    from pairs_group.auth import login

    proxies.init_app(app)
    db.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    navigation.init_app(app)
    forms.init_app(app)
    login.init_app(app)
    limits.init_app(app)
    security.init_app(app)
    delivery.init_app(app)
    errors.init_app(app)


class DatabaseIdConverter(IntegerConverter):
    """Ids in URLs fit the database's integer columns; a larger number is simply not found."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_features(app):
    """Each feature brings its blueprint and its command-line commands."""
    from pairs_group import features

    app.url_map.converters["int"] = DatabaseIdConverter

    for feature in features.ALL:
        feature.init_app(app)
