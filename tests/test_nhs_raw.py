"""The hand-written NHS.UK radios, select and date input (templates/macros/nhs_raw.html) match
nhsuk-frontend's own macros for a small case: the same elements, nesting, classes, ids and ARIA
wiring (error ids in aria-describedby, the fieldset and legend). An nhsuk-frontend upgrade that
changes the component's markup fails here instead of leaving the busiest pages behind."""

from datetime import date
from html.parser import HTMLParser

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string, request
from flask_babel import force_locale
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from pairs_group.db import db
from pairs_group.forms import Form
from pairs_group.parents.forms import EligibilityForm
from tests.attendance_factories import make_group_meeting_today
from tests.pages import post_page

VOID = {"input", "br", "img", "hr", "meta", "link"}
KEPT = ("id", "for", "name", "type", "value", "role", "checked", "selected",
        "aria-describedby", "aria-labelledby", "aria-invalid")


class Skeleton(HTMLParser):
    """Each element as (its ancestors' tags, tag, classes, the attributes that wire it up)."""

    def __init__(self, kept=KEPT):
        super().__init__()
        self.open, self.found, self.kept = [], [], kept

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kept = self.kept or sorted(name for name in attrs if name != "class")
        wiring = tuple((name, attrs[name]) for name in kept if name in attrs)
        classes = frozenset((attrs.get("class") or "").split())
        self.found.append((tuple(self.open), tag, classes, wiring))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        while self.open and self.open.pop() != tag:
            pass


def skeleton(html, start=None, kept=KEPT):
    """The elements from the first `start` element on (the whole fragment without one);
    `kept=None` keeps every attribute, not only the wiring."""
    parser = Skeleton(kept)
    parser.feed(html)
    found = parser.found
    if start is None:
        return found
    first = next(i for i, (_path, tag, _c, _w) in enumerate(found) if tag == start)
    depth = len(found[first][0])
    return [(path[depth:], tag, classes, wiring) for path, tag, classes, wiring in found[first:]
            if len(path) > depth or (path, tag) == found[first][:2]]


def render(app, source, **context):
    with app.test_request_context():
        return render_template_string(source, **context)


RAW_RADIOS = """{% from "macros/nhs_raw.html" import radios %}
{{- radios("q", "q", items, "Question", "b", error, described_by) }}"""

NHS_RADIOS = """{% from "nhsuk/components/radios/macro.jinja" import radios %}
{{- radios({"idPrefix": id or "q", "name": id or "q", "items": items,
    "fieldset": {"legend": {"text": "Question", "size": "s"}, "describedBy": described_by},
    "errorMessage": {"text": error} if error else none}) }}"""


def nhs_items(with_divider=True):
    items = [{"value": "a", "text": "A"}, {"value": "b", "text": "B", "id": "q-b", "checked": True}]
    if with_divider:
        items += [{"divider": "or"}, {"value": "x", "text": "No answer", "id": "q-x"}]
    return items


def test_the_question_radios_match_nhs_radios(app):
    """Item ids after the first are made from the value (q-b), not the position (q-2), so a
    question's links and saved answers do not move when an option is added: given as ids here."""
    for error in ("Choose one", None):
        raw_items = [("a", "", "A", None), ("b", "-b", "B", None), "or",
                     ("x", "-x", "No answer", None)]
        raw = render(app, RAW_RADIOS, items=raw_items, error=error, described_by=None)
        ours = render(app, NHS_RADIOS, items=nhs_items(), error=error, described_by=None, id=None)
        assert skeleton(raw, "fieldset") == skeleton(ours, "fieldset")
        assert ("aria-describedby", "q-error") in skeleton(raw, "fieldset")[0][3] or not error


def refused_register(client, sign_in):
    """(the register sent back with one row refused, that row's enrolment, another row's)."""
    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    data = {f"version-{e.id}": "0" for e in (a, b)} | {f"was-{e.id}": "" for e in (a, b)}
    data |= {f"status-{a.id}": "attended", f"status-{b.id}": "partied"}
    page = post_page(client, "attendance.save_register", data, status=400, session_id=session.id)
    return page, b, a


def test_the_register_row_matches_nhs_radios_around_its_buttons(app, client, sign_in):
    """Through the real register: it draws its own row of buttons (pairs-mark) and who the
    family is (about-), but the fieldset, legend, error and the aria-describedby that joins
    them are NHS.UK's."""
    page, refused, _other = refused_register(client, sign_in)
    row = str(page.select_one(f"fieldset:has(#status-{refused.id}-error)"))
    ours = render(app, NHS_RADIOS, items=nhs_items(False), error="Choose one",
                  described_by=f"about-{refused.id}", id=f"status-{refused.id}")

    def outside_the_buttons(html, container):
        return [e for e in skeleton(html, "fieldset")
                if "div" not in e[0][1:] and container not in e[2]
                and ("id", f"about-{refused.id}") not in e[3]]

    assert outside_the_buttons(row, "pairs-mark") == outside_the_buttons(ours, "nhsuk-radios")


class Filter(Form):
    group = SelectField("Group", choices=[
        SelectChoice("", "All groups"), SelectChoice("1", "Tuesday"), SelectChoice("2", "Friday")])


def test_the_select_matches_nhs_select(app):
    for error, hint in (("Choose a group", "Only yours"), (None, None)):
        with app.test_request_context("/?group=1"):
            form = Filter(request.args, meta={"csrf": False})
            raw = render_template_string(
                '{% from "macros/nhs_raw.html" import select %}'
                '{{ select(f, hint, error, none, {}) }}',
                f=form.group, hint=hint, error=error)
        items = [{"value": "", "text": "All groups"},
                 {"value": "1", "text": "Tuesday", "selected": True},
                 {"value": "2", "text": "Friday"}]
        ours = render(app, """{% from "nhsuk/components/select/macro.jinja" import select %}
            {{- select({"id": "group", "name": "group", "label": {"text": "Group"}, "items": items,
                "hint": {"text": hint} if hint else none,
                "errorMessage": {"text": error} if error else none}) }}""",
                      items=items, hint=hint, error=error)
        assert skeleton(raw) == skeleton(ours)


class PlainFilter(Form):
    group = SelectField("Group")  # choices set as (value, label) pairs, as the report's filter


def test_options_written_once_still_follow_the_choice_and_escape_names(app):
    """select_options keeps each list's markup: a second visit choosing another group, or the
    same list with a renamed group, must not get the first one's."""
    def options(query, names):
        with app.test_request_context(query):
            form = PlainFilter(request.args, meta={"csrf": False})
            form.group.choices = [("", "All groups")] + list(enumerate(names, start=1))
            page = BeautifulSoup(render_template_string(
                '{% from "macros/nhs_raw.html" import select %}'
                '{{ select(f, none, none, none, {}) }}', f=form.group), "html.parser")
        return [(o["value"], o.get_text(), o.has_attr("selected")) for o in page.select("option")]

    names = ["Tuesday <b>", "Friday & co"]
    assert options("/?group=1", names) == [
        ("", "All groups", False), ("1", "Tuesday <b>", True), ("2", "Friday & co", False)]
    assert options("/?group=2", names)[1:] == [
        ("1", "Tuesday <b>", False), ("2", "Friday & co", True)]
    assert options("/?group=1", ["Monday", "Friday & co"])[1] == ("1", "Monday", True)
    assert not any(selected for _v, _n, selected in options("/", names))


def test_a_refused_register_row_names_its_error_for_screen_readers(client, sign_in):
    """Through the real register: the row's fieldset points at its error line, as NHS.UK's do
    (the hand-written row had an error line nothing pointed at)."""
    page, b, a = refused_register(client, sign_in)
    refused = page.select_one(f"fieldset:has(#status-{b.id}-error)")
    assert refused["aria-describedby"] == f"about-{b.id} status-{b.id}-error"
    assert page.select_one(f"#status-{b.id}-error").name == "span"
    assert page.select_one(f"#status-{b.id}-error")["class"] == ["nhsuk-error-message"]
    assert page.select_one(f'fieldset:has([name="status-{a.id}"])')["aria-describedby"] \
        == f"about-{a.id}"


class Words(HTMLParser):
    """The text of a fragment, a piece a line, whitespace at the tags' edges dropped."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_data(self, data):
        if data.strip():
            self.found.append(" ".join(data.split()))


def words(html):
    parser = Words()
    parser.feed(html)
    return parser.found


# The born-or-pregnant question as macros/forms.html drew it with nhsuk-frontend's own macros
# (radios with conditional content, each holding a date input), before it was written out.
NHS_BABY_STATUS = """
{%- from "nhsuk/components/radios/macro.jinja" import radios -%}
{%- from "nhsuk/components/date-input/macro.jinja" import dateInput -%}
{%- macro date_input(f) -%}
  {{ dateInput({"id": f.id, "namePrefix": f.name,
    "hint": {"text": f.description} if f.description else none,
    "errorMessage": {"text": f.errors[0], "visuallyHiddenText": _("Error")} if f.errors else none,
    "fieldset": {"legend": {"text": f.label.text, "size": "s"}},
    "items": [
      {"name": "day", "label": _("Day"), "value": f.parts.get("day", ""), "width": 2},
      {"name": "month", "label": _("Month"), "value": f.parts.get("month", ""), "width": 2},
      {"name": "year", "label": _("Year"), "value": f.parts.get("year", ""), "width": 4}]}) }}
{%- endmacro -%}
{{ radios({
  "idPrefix": form.baby_status.id, "name": form.baby_status.name,
  "fieldset": {"legend": {"text": form.baby_status.label.text, "size": "s"}},
  "errorMessage": {"text": form.baby_status.errors[0], "visuallyHiddenText": _("Error")}
    if form.baby_status.errors else none,
  "items": [
    {"value": "born", "text": "Born", "checked": form.baby_status.data == "born",
     "conditional": {"html": date_input(form.date_of_birth)}},
    {"value": "pregnant", "text": "Pregnant", "checked": form.baby_status.data == "pregnant",
     "conditional": {"html": date_input(form.due_date)}},
  ]}) }}"""

RAW_BABY_STATUS = """{% from "macros/forms.html" import baby_status -%}
{{ baby_status(form, "Born", "Pregnant") }}"""

# The rest of the sign-up form as field() and button() in macros/forms.html draw them.
NHS_POSTCODE_AND_BUTTON = """
{%- from "nhsuk/components/input/macro.jinja" import input -%}
{%- from "nhsuk/components/button/macro.jinja" import button -%}
{%- set f = form.postcode -%}
{{ input({"id": f.id, "name": f.name, "label": {"text": f.label.text}, "width": 10,
  "hint": {"text": f.description}, "attributes": f.render_kw,
  "errorMessage": {"text": f.errors[0], "visuallyHiddenText": _("Error")} if f.errors else none,
  "value": f._value() if f.raw_data is none else (f.raw_data[0] if f.raw_data else "")}) }}
{{ button({"text": "Continue", "preventDoubleClick": true}) }}"""

RAW_POSTCODE_AND_BUTTON = """{% from "macros/nhs_raw.html" import submit_button, text_input -%}
{{ text_input(form.postcode, width=10) }}{{ submit_button("Continue") }}"""

SENT = {
    "nothing": {},
    "no answer": {"postcode": "SW9 9AA"},
    "born, no date": {"baby_status": "born"},
    "born, part of a date": {"baby_status": "born", "date_of_birth[day]": "3",
                             "date_of_birth[year]": "2026", "due_date[month]": "4"},
    "born, a date to come": {"baby_status": "born", "date_of_birth[day]": "3",
                             "date_of_birth[month]": "3", "date_of_birth[year]": "2099"},
    "pregnant, a date long ago": {"baby_status": "pregnant", "due_date[day]": "1",
                                  "due_date[month]": "1", "due_date[year]": "2001"},
    "pregnant, markup typed": {"postcode": "<b>'&", "baby_status": "pregnant",
                               "due_date[day]": '<b>"&', "due_date[month]": "'"},
}


@pytest.mark.parametrize("sent", [None, *SENT])
def test_the_sign_up_form_matches_nhs_radios_date_inputs_input_and_button(app, sent):
    """The sign-up's first step (the born-or-pregnant question, the postcode, the button):
    every attribute (the conditional reveal's data-aria-controls and ids, inputmode, role,
    autocomplete) and every word, fresh and after each kind of mistake, with what she typed
    kept; in French too ("Erreur: " is the frontend's, our own error line says "Erreur :")
    and Arabic."""
    for lang in ("en", "fr", "ar"):
        method = "GET" if sent is None else "POST"
        with (app.test_request_context("/join", method=method, data=SENT.get(sent)),
              force_locale(lang)):
            form = EligibilityForm(meta={"csrf": False}, today=date(2026, 12, 5))
            if sent is not None:
                form.validate()
            raw = render_template_string(RAW_POSTCODE_AND_BUTTON + RAW_BABY_STATUS, form=form)
            ours = render_template_string(NHS_POSTCODE_AND_BUTTON + NHS_BABY_STATUS, form=form)
        assert skeleton(raw, kept=None) == skeleton(ours, kept=None)
        assert words(raw) == words(ours)
    pregnant = next(dict(wiring) for _p, _t, _c, wiring in skeleton(raw, kept=None)
                    if ("id", "baby_status-2") in wiring)
    assert pregnant["data-aria-controls"] == "conditional-baby_status-2"


# Every text-like field as field() in macros/forms.html drew it with nhsuk-frontend's input macro
# before it was written out (nhs_raw.text_input), with a hint given, classes and attributes.
NHS_FIELD = """
{%- from "nhsuk/components/input/macro.jinja" import input -%}
{%- set types = {"StringField": "text", "EmailField": "email", "TelField": "tel",
    "PasswordField": "password", "IntegerField": "text", "DateField": "date"} -%}
{%- for f in form if f.type != "CSRFTokenField" -%}
{%- set hint_text = "A hint" if f.name == "hinted" else (f.description or none) -%}
{{ input({"id": f.id, "name": f.name, "label": {"text": f.label.text},
  "hint": {"text": hint_text} if hint_text else none,
  "errorMessage": {"text": f.errors[0], "visuallyHiddenText": _("Error")} if f.errors else none,
  "classes": "pairs-wide" if f.name == "hinted" else none,
  "attributes": dict(f.render_kw or {}, **({"data-x": "1"} if f.name == "hinted" else {})),
  "type": types[f.type], "width": 10 if f.name == "email" else none,
  "value": "" if f.type == "PasswordField"
           else f._value() if f.raw_data is none else (f.raw_data[0] if f.raw_data else ""),
  "inputmode": "numeric" if f.type == "IntegerField" else none}) }}
{%- endfor %}"""

RAW_FIELD = """{% from "macros/forms.html" import field -%}
{%- for f in form if f.type != "CSRFTokenField" -%}
{%- if f.name == "hinted" -%}
{{ field(f, hint="A hint", classes="pairs-wide", attributes={"data-x": "1"}) }}
{%- else -%}{{ field(f, width=10 if f.name == "email" else none) }}{%- endif -%}
{%- endfor %}"""


@pytest.mark.parametrize("sent", [None, {}, {"name": "<b>'&", "hinted": "x", "email": "nope",
                                             "phone": "07700 900000", "count": "many",
                                             "password": "secret", "day": "2026-13-01"}])
def test_text_fields_match_nhs_input(app, sent):
    """field() writes text, email, phone, number, password and date inputs as nhsuk-frontend's
    input macro does: every attribute and word, fresh and with errors, what she typed kept (a
    password never), in French and Arabic too."""
    from wtforms import DateField, EmailField, IntegerField, PasswordField, StringField, TelField
    from wtforms.validators import DataRequired, Email

    class Every(Form):
        name = StringField("Name", [DataRequired()], description="As she is called",
                           render_kw={"autocomplete": "name", "spellcheck": "false"})
        hinted = StringField("Hinted", [DataRequired()])
        email = EmailField("Email", [DataRequired(), Email()], render_kw={"autocomplete": "email"})
        phone = TelField("Phone", render_kw={"autocapitalize": "none"})
        count = IntegerField("Count", [DataRequired()])
        password = PasswordField("Password", [DataRequired()])
        day = DateField("Day", [DataRequired()])

    for lang in ("en", "fr", "ar"):
        method = "GET" if sent is None else "POST"
        with app.test_request_context("/", method=method, data=sent), force_locale(lang):
            form = Every(meta={"csrf": False})
            if sent is not None:
                assert not form.validate()
            raw = render_template_string(RAW_FIELD, form=form)
            ours = render_template_string(NHS_FIELD, form=form)
        assert skeleton(raw, kept=None) == skeleton(ours, kept=None)
        assert words(raw) == words(ours)
    assert 'value="secret"' not in raw
