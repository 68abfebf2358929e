"""The WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""

from pairs_group import create_app

app = create_app()
