"""The floor: a bare Flask + Jinja page served the same way as the app (`bench.floor:app`).
Its template is loaded and compiled once, as any Flask app's templates are, so the floor is
what Flask, Jinja and gunicorn cost and nothing more."""

from flask import Flask, render_template
from jinja2 import DictLoader

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body><main><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>
{% endfor %}</ul></main></body></html>"""

app = Flask(__name__)
app.jinja_loader = DictLoader({"floor.html": PAGE})


@app.get("/")
def index():
    return render_template("floor.html", title="Floor", items=[f"Item {n}" for n in range(20)])
