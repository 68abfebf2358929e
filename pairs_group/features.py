"""The list of features the app is made of, lowest first (a feature imports only those above it)."""

from pairs_group import demo, health
from pairs_group.auth import views as auth_views
from pairs_group.groups import views as group_views
from pairs_group.i18n_cli import translate_commands
from pairs_group.pages import views as page_views


class _Commands:
    """A command group registered like a feature."""

    def __init__(self, group):
        self.group = group

    def init_app(self, app):
        app.cli.add_command(self.group)


ALL = [
    health,
    page_views,
    auth_views,
    group_views,
    _Commands(translate_commands),
    demo,
]
