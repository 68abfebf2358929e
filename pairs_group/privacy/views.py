"""The privacy feature's wiring: its command (it has no pages; RETENTION_MONTHS is in
pairs_group/config.py)."""

from pairs_group.privacy.cli import retention


def init_app(app):
    app.cli.add_command(retention)
