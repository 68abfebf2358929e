"""The floor: a bare Flask + Jinja page served the same way as the app (`bench.floor:app`)."""

from flask import Flask, render_template_string

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body><main><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>
{% endfor %}</ul></main></body></html>"""

app = Flask(__name__)


@app.get("/")
def index():
    return render_template_string(PAGE, title="Floor", items=[f"Item {n}" for n in range(20)])
