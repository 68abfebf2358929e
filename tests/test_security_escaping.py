"""Hostile text typed into every form of every role comes back escaped: no markup of hers
becomes an element (an <img onerror>, a <script> without the page's nonce), and what she typed
in a text area is shown back in it exactly as she typed it."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from flask import g
from markupsafe import Markup

from pairs_group.db import db
from tests.page_samples import ROLES, build_world, sample_urls, sign_in_test_client

PAYLOADS = [
    "</textarea><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "{{7*7}}",
]
# Our own markup (a lang="..." span, a <bdi>) escaped a second time shows its tags as text.
DOUBLE_ESCAPED = re.compile(r"&amp;(lt|gt|amp|quot|#\d+);")
TEXT_TYPES = {"text", "email", "tel", "search", "url", "number", None}
# Forms whose sending ends the session or the account: sent last, so the walk carries on.
LAST_WORDS = ("delete", "sign-out", "sign_out", "leave")


class Forms(HTMLParser):
    """Each form on a page: where it goes, how, and its fields (text areas by their text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "text": set(),
                          "method": (attrs.get("method") or "get").lower()}
            self.forms.append(self._form)
        elif self._form is not None and attrs.get("name"):
            self._field(tag, attrs)

    def _field(self, tag, attrs):
        name, fields = attrs["name"], self._form["fields"]
        kind = attrs.get("type")
        if tag == "textarea" or (tag == "input" and kind in TEXT_TYPES):
            self._form["text"].add(name)
        elif tag == "input" and kind in {"radio", "checkbox"}:
            if "checked" in attrs:
                fields.setdefault(name, attrs.get("value", "y"))
        elif tag == "input" and kind == "hidden":
            fields[name] = attrs.get("value", "")
        elif tag == "select":
            self._select = name
        if tag == "option" and self._select:
            if self._select not in fields or "selected" in attrs:
                fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


class Injected(HTMLParser):
    """Elements a payload would make if it came back unescaped, and each text area's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.injected, self.textareas, self._textarea = [], {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if any(name.startswith("on") for name in attrs):
            self.injected.append((tag, attrs))
        if tag == "img" and attrs.get("src") == "x":
            self.injected.append((tag, attrs))
        if tag == "script" and "nonce" not in attrs and "src" not in attrs:
            self.injected.append((tag, attrs))
        if tag == "textarea":
            self._textarea = attrs.get("name")
            self.textareas[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.textareas[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def forms_on(html):
    parser = Forms()
    parser.feed(html)
    return [form for form in parser.forms if form["text"]]


def check_escaped(html, payload, sent, where):
    parser = Injected()
    parser.feed(html)
    assert not parser.injected, f"{where}: markup came back unescaped: {parser.injected}"
    for name, text in parser.textareas.items():
        if name in sent:
            assert text.strip("\r\n") == payload, f"{where}: text area {name} shows {text!r}"


def fetch(client, url, **kwargs):
    g.pop("_login_user", None)
    response = client.open(url, follow_redirects=True, **kwargs)
    assert response.status_code < 500, (url, response.status_code)
    return response.get_data(as_text=True)


def send_hostile(client, page_url, form, payload):
    """Send one form with the payload in each of its text fields, the rest as shown."""
    sent = dict.fromkeys(form["text"], payload)
    data = {**form["fields"], **sent}
    url = urljoin(page_url, form["action"] or page_url)
    if form["method"] == "post":
        html = fetch(client, url, method="POST", data=data)
    else:
        html = fetch(client, url, method="GET", query_string=data)
    check_escaped(html, payload, sent, f"{form['method'].upper()} {url}")


def form_pages(world, role):
    """The pages this role may open that carry a form with text in it (each page checked on
    the way for markup of ours escaped twice)."""
    client = sign_in_test_client(world.client_for(role), world.users.get(role))
    found = []
    for endpoint, url in world.urls:
        g.pop("_login_user", None)
        response = client.get(url)
        if response.status_code == 200 and "text/html" in response.content_type:
            html = response.get_data(as_text=True)
            assert not DOUBLE_ESCAPED.search(html), f"{url}: escaped twice: " + ", ".join(
                html[m.start() - 60:m.end() + 20] for m in DOUBLE_ESCAPED.finditer(html))
            found += [(url, form) for form in forms_on(html)]
    return client, sorted(found, key=lambda pair: any(
        word in pair[1]["action"] for word in LAST_WORDS))


@pytest.fixture
def world(make_app):
    app = make_app(STAFF_TOTP_REQUIRED_FOR_ADMINS=False)
    with app.test_request_context():
        world = build_world()
        world.urls = sample_urls(app, world)
        world.client_for = lambda role: app.test_client()
        yield world


@pytest.mark.parametrize("role", ROLES)
def test_hostile_text_in_every_form_comes_back_escaped(world, role):
    client, pages = form_pages(world, role)
    assert pages or role == "evaluator", f"no form with text found for {role}"
    for url, form in pages:
        for payload in PAYLOADS:
            send_hostile(client, url, form, payload)
    db.session.rollback()


def test_markup_in_the_add_parent_reason_comes_back_as_text(app):
    """The add-parent form's text area, sent back with an error, keeps the text escaped."""
    from tests import factories

    facilitator = factories.make_staff("facilitator")
    group = factories.make_group(facilitators=[facilitator])
    db.session.commit()
    client = sign_in_test_client(app.test_client(), facilitator)
    payload = PAYLOADS[0]
    html = fetch(client, f"/staff/groups/{group.id}/add-parent", method="POST",
                 data={"override_reason": payload, "name": payload})
    assert "&lt;/textarea&gt;&lt;img" in html
    check_escaped(html, payload, {"override_reason", "name"}, "add parent")


# Every way a template prints a value, kept or not, in and out of a macro and an autoescape
# block: printed through the app's escape_output, they must come out as Jinja's own escape
# writes them.
PRINTING = """{%- macro shown(v) %}<b title="{{ v }}">{{ v }}</b>{% endmacro -%}
{%- set kept %}<i>{{ value }}</i>{% endset -%}
{{ value }}|{{ kept }}|{{ shown(value) }}|{{ value ~ "<" }}|{{ value|e }}|{{ value|safe }}
|{% autoescape false %}{{ value }}{% endautoescape %}|{{ _("Error") }}: {{ value }}
|{% trans v=value %}Error: {{ v }}{% endtrans %}|{% filter upper %}{{ value }}{% endfilter %}"""


class Tagged(str):
    """A str subclass without __html__, as a form's data can be."""


@pytest.mark.parametrize("value", [
    PAYLOADS[0], PAYLOADS[1], "Children's Centre & \"café\"", "", 4825, 0.5, None, True,
    Markup("<b>ours</b>"), Tagged("<u>x</u>"), "\u0645\u0631\u062d\u0628\u0627 <&>",
])
def test_printed_values_are_escaped_as_jinja_escapes_them(app, value):
    from flask_babel import lazy_gettext
    from jinja2 import Environment
    from jinja2.ext import i18n

    plain = Environment(autoescape=True, extensions=[i18n])
    plain.install_null_translations(newstyle=True)
    ours = app.jinja_env.from_string(PRINTING)
    assert "environment.escape_output(" in app.jinja_env.compile(PRINTING, raw=True)
    with app.test_request_context():
        assert ours.render(value=value) == plain.from_string(PRINTING).render(value=value)
        lazy = lazy_gettext("Error <&>")  # ours: it prints through its __html__, unescaped
        assert ours.render(value=lazy) == plain.from_string(PRINTING).render(value=lazy)


def test_a_missing_value_still_fails_the_page_when_printed(app):
    from jinja2 import UndefinedError

    with app.test_request_context(), pytest.raises(UndefinedError):
        app.jinja_env.from_string("<p>{{ sesion.starts_at }}</p>").render()


def test_the_registers_sentences_escape_what_they_fill_in_as_markup_does(app):
    from pairs_group.attendance.display import Sentence

    words = Markup("Interpreter: %(language)s")
    for value in [PAYLOADS[0], PAYLOADS[1], "Children's & \"café\"", 7, Markup("<bdi>x</bdi>")]:
        filled = Sentence(str(words)) % {"language": value}
        assert isinstance(filled, Markup) and filled == words % {"language": value}
