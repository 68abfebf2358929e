"""Every word a person sees goes through the translation functions.

Each page is rendered in a pseudo-language in which every translated string comes back as
"⟦string⟧". Any visible text left outside ⟦ ⟧ was never translated: it would stay English for
a parent reading Polish or Arabic. The pages come from the app's URL map (tests/page_samples.py
says how to add a page that needs a sample URL or sample rows), as every role, both as
first shown (GET) and after sending the form empty (POST: the error messages).

Not checked, on purpose: <script>, <style>, <code>/<kbd>/<samp> (names for machines),
elements marked translate="no" or with their own lang="..." (the language switch names each
language in itself; validated questionnaire wording shown in English has lang="en"), |ltr
values (numbers, phone numbers, codes), and the sample rows' own values (names, postcodes),
which are data, not words of ours. Dates, times and numbers are formatted by Babel.
"""

import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from babel.support import NullTranslations
from flask_babel import Domain

from pairs_group.db import db
from pairs_group.i18n import LANGUAGES
from tests.page_samples import ROLES, build_world, sample_urls, sign_in_test_client

OPEN, CLOSE = "⟦", "⟧"
# <code>, <kbd> and <samp> hold names for machines (file names, audit event names).
SKIPPED_TAGS = {"script", "style", "template", "svg", "code", "kbd", "samp"}
CHECKED_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder", "aria-description")
# Babel's English names for dates and times, and what numbers and times are made of.
DATE_WORDS = {
    *"monday tuesday wednesday thursday friday saturday sunday".split(),
    *"mon tue wed thu fri sat sun".split(),
    *("january february march april may june july august september october november "
      "december").split(),
    *"jan feb mar apr jun jul aug sep sept oct nov dec am pm at".split(),
}


class PseudoTranslations(NullTranslations):
    """Every message comes back wrapped, so what was not translated shows."""

    def gettext(self, message):
        return OPEN + message + CLOSE

    def ngettext(self, singular, plural, n):
        return OPEN + (singular if n == 1 else plural) + CLOSE

    def pgettext(self, context, message):
        return self.gettext(message)

    def npgettext(self, context, singular, plural, n):
        return self.ngettext(singular, plural, n)

    ugettext, ungettext = gettext, ngettext
    upgettext, unpgettext = pgettext, npgettext


class TextFinder(HTMLParser):
    """Visible text and announced attributes, minus what is not ours to translate."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.found = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"br", "hr", "img", "input", "meta", "link", "area", "col", "source", "wbr"}:
            self._check_attributes(tag, attrs)
            return
        skip = (tag in SKIPPED_TAGS or "translate" in attrs and attrs["translate"] == "no"
                or (tag != "html" and "lang" in attrs)
                or "pairs-ltr" in (attrs.get("class") or "").split())
        self._check_attributes(tag, attrs)
        self.stack.append((tag, skip or self.skipping))

    def handle_startendtag(self, tag, attrs):
        self._check_attributes(tag, dict(attrs))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    @property
    def skipping(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.found.append(data.strip())

    def _check_attributes(self, tag, attrs):
        if self.skipping:
            return
        for name in CHECKED_ATTRIBUTES:
            if attrs.get(name):
                self.found.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.found.append(attrs["value"])
        if tag == "meta" and attrs.get("name") == "description":
            self.found.append(attrs.get("content") or "")


def untranslated(html, data_values):
    """The pieces of visible text that did not come through a translation function."""
    finder = TextFinder()
    # <bdi> isolates a value inside a sentence (its direction), it does not end the sentence.
    finder.feed(re.sub(r"</?bdi\b[^>]*>", "", html))
    return [text for text in finder.found if leftover(text, data_values)]


def leftover(text, data_values):
    """What remains of a text once translated parts, data and numbers are taken out."""
    previous = None
    while previous != text:  # translated strings can hold translated strings
        previous, text = text, re.sub(OPEN + "[^" + OPEN + CLOSE + "]*" + CLOSE, " ", text)
    for value in data_values:  # whole words only: "ar" is data, "January" is not
        text = re.sub(r"(?<!\w)" + re.escape(value) + r"(?!\w)", " ", text)
    words = re.findall(r"[^\W\d_]+", text)
    return [w for w in words if w.lower() not in DATE_WORDS]


def all_data_values():
    """Every text stored in the sample rows: names, postcodes, notes are data, not words;
    and each language's name for itself (a choice of language shows it, untranslated)."""
    values = {language.native_name for language in LANGUAGES.values()}
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).mappings():
            values.update(str(v) for v in row.values() if isinstance(v, str) and len(v) > 1)
    return sorted(values, key=len, reverse=True)


@pytest.fixture
def pseudo_locale(monkeypatch):
    monkeypatch.setattr(Domain, "get_translations", lambda self: PseudoTranslations())


@pytest.fixture
def world(make_app):
    app = make_app(STAFF_TOTP_REQUIRED_FOR_ADMINS=False)
    with app.test_request_context():
        yield app, build_world()


def visit_every_page(app, world, method="GET"):
    """(role, method, url, response) for each page each role may open."""
    with app.test_request_context():
        urls = sample_urls(app, world)
    for role in ROLES:
        for endpoint, url in urls:
            client = sign_in_test_client(app.test_client(), world.users.get(role))
            rule_methods = next(app.url_map.iter_rules(endpoint)).methods
            if method == "POST" and "POST" not in rule_methods:
                continue
            try:
                response = client.open(url, method=method, data={})
            except Exception as error:  # noqa: BLE001 - reported with the page it broke
                response = error
            yield role, f"{method} {url} as {role}", response


def html_pages(visits, problems):
    for _role, where, response in visits:
        if isinstance(response, Exception) or response.status_code >= 500:
            problems[f"the page failed: {response!r}"[:300]] = where
        elif response.status_code not in range(300, 400) and response.mimetype == "text/html":
            yield where, response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_visible_word_on_every_page_goes_through_translation(world, pseudo_locale, method):
    app, sample = world
    data = all_data_values()
    problems, checked = {}, 0
    for where, html in html_pages(visit_every_page(app, sample, method), problems):
        checked += 1
        for text in untranslated(html, data):
            problems.setdefault(text, where)
    assert checked >= (10 if method == "GET" else 1), "too few pages were rendered"
    assert not problems, "text outside _() (wrap it, or mark data translate=\"no\"):\n" + "\n".join(
        f"  {text!r}  on {where}" for text, where in sorted(problems.items()))


def test_the_checker_finds_english_left_outside_translation():
    html = ('<html lang="en"><body><h1>⟦Hello⟧</h1><p>Forgot me</p>'
            '<a lang="pl">Polski</a><span class="pairs-ltr">07700 900123</span>'
            '<p>⟦Next session:⟧ Monday 3 May 2027, 10:30</p>'
            '<button aria-label="Close">⟦x⟧</button><script>var a = "b";</script></body></html>')
    assert untranslated(html, []) == ["Forgot me", "Close"]


def test_the_pseudo_language_wraps_wtforms_own_messages(app, pseudo_locale):
    from wtforms import IntegerField, StringField
    from wtforms.validators import Length

    from pairs_group.forms import Form

    class AgeForm(Form):
        weeks = IntegerField("weeks")
        name = StringField("name", validators=[Length(min=3)])

    with app.test_request_context(method="POST", data={"weeks": "ten", "name": "A"}):
        form = AgeForm()
        form.validate()
        assert form.weeks.errors == ["⟦Enter a whole number, like 12.⟧"]
        assert form.name.errors == ["⟦Enter at least 3 characters.⟧"]
