"""The WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""

import sys

from pairs_group import create_app
from pairs_group.config import ConfigError
from pairs_group.serving import settle_for_serving
from pairs_group.startup import refusal_text, refuse_to_serve

try:
    app = create_app()
except ConfigError as error:
    # One line an operator can act on, not a traceback. Exit status 3 is gunicorn's "worker
    # failed to boot": the master stops instead of restarting the worker for ever.
    print(refusal_text([str(error)]), file=sys.stderr)
    sys.exit(3)
refuse_to_serve(app)
settle_for_serving()
