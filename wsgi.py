"""The WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""

from pairs_group import create_app
from pairs_group.startup import refuse_to_serve

app = create_app()
refuse_to_serve(app)
