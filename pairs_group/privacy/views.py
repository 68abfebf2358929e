"""The privacy feature's wiring: its settings and its command (it has no pages)."""

from pairs_group.privacy.cli import retention


def init_app(app):
    app.config.setdefault("RETENTION_MONTHS", 24)
    app.cli.add_command(retention)
