"""Templates fail loudly: a misspelt variable breaks the render (and so a test) instead of
showing a blank, while NHS.UK frontend's macros still leave out what they are not given. And the
app's code generator (templating.EscapingCodeGenerator), which joins each block, parent template
and include where it is called, writes the page exactly as Jinja's own does."""

import pytest
from flask import render_template_string
from jinja2 import DictLoader, Environment, UndefinedError

from pairs_group.forms import Form


class Session:
    starts_at = "Tuesday"


def render(app, source, **context):
    with app.test_request_context():
        return render_template_string(source, **context)


@pytest.mark.parametrize("source", [
    "{{ sesion.starts_at }}",
    "{{ sesion }}",
    "{{ session_.starts_at }}",
    "{{ session.start_at }}",
    "{% for s in sesions %}{{ s }}{% endfor %}",
    "{{ sesions|length }}",
    "{% if session.start_at == 'Tuesday' %}yes{% endif %}",
    "{% if sesion.starts_at %}yes{% endif %}",
])
def test_a_misspelt_variable_fails_the_render(app, source):
    with pytest.raises(UndefinedError):
        render(app, source, session=Session())


def test_asking_whether_something_is_there_stays_lenient(app):
    source = ("{% if note %}{{ note }}{% endif %}{{ note|default('none') }}"
              "{{ 'yes' if note is not defined }}{{ (params.hint.text or 'no hint') if params }}")
    assert render(app, source, params={"text": "x"}) == "noneyesno hint"


def test_nhs_components_leave_out_what_they_are_not_given(app):
    source = ('{% from "nhsuk/components/button/macro.jinja" import button %}'
              '{% from "nhsuk/components/radios/macro.jinja" import radios %}'
              '{{ button({"text": "Save"}) }}'
              '{{ radios({"name": "a", "fieldset": none,'
              ' "items": [{"value": "1", "text": "One"}]}) }}')
    html = render(app, source)
    assert "Save" in html and 'value="1"' in html


def test_a_form_without_csrf_protection_writes_no_token(app):
    with app.test_request_context():
        form = Form()
        assert render_template_string("[{{ form.csrf_token }}]", form=form) == "[]"


def test_a_templates_words_are_translated_escaped_and_formatted_as_jinja_would(app):
    with app.test_request_context("/?lang=pt"):
        assert render_template_string("{{ _('Start now') }}") == "Começar agora"
        assert render_template_string("{{ _('Not ours, 95%% sure') }}") == "Not ours, 95% sure"
        shown = render_template_string("{{ _('Signed in as %(name)s', name=name) }}",
                                       name="<b>Ana</b>")
        assert "&lt;b&gt;Ana&lt;/b&gt;" in shown and "<b>" not in shown
        assert render_template_string("{% autoescape false %}{{ _('x &') }}{% endautoescape %}"
                                      ) == "x &"


# Every way templates nest here: extends over two levels, super(), scoped blocks in a loop,
# imports, includes with and without context (and kept in a set), a call block.
TEMPLATES = {
    "base.html": (
        "<html>{% block head %}<title>{% block title %}Base{% endblock %}</title>{% endblock %}"
        "<body>{% block main %}<main>{% block content %}{% block body %}{% endblock %}"
        "{% endblock %}</main>{% endblock %}{% include 'footer.html' %}</body></html>"),
    "footer.html": "<footer>{{ value }}</footer>",
    "plain.html": "<p>no context</p>",
    "macros.html": "{% macro shown(v) %}<b>{{ v }}</b>{% endmacro %}",
    "middle.html": (
        "{% extends 'base.html' %}{% set who = 'middle' %}"
        "{% block head %}{{ super() }}<meta name='{{ who }}'>{% endblock %}"
        "{% block back %}{% endblock %}"),
    "page.html": (
        "{% extends 'middle.html' %}{% from 'macros.html' import shown %}"
        "{% block title %}{{ value }} &amp; more{% endblock %}"
        "{% block body %}<ul>{% for item in items %}{% block row scoped %}"
        "<li>{{ shown(item) }}{{ loop.index }}</li>{% endblock %}{% endfor %}</ul>"
        "{% if value %}{% include 'plain.html' %}{% endif %}"
        "{% include 'plain.html' without context %}"
        "{% set kept %}{% include 'plain.html' %}{% endset %}[{{ kept }}]"
        "{% endblock %}"),
    "alone.html": (
        "{% block outer %}<div>{% block inner %}{{ value }}{% endblock %}</div>{% endblock %}"
        "{% macro boxed() %}{% block never %}{% endblock %}{{ caller() }}{% endmacro %}"
        "{% call boxed() %}<i>{{ value }}</i>{% endcall %}"),
}


@pytest.mark.parametrize("name", ["page.html", "alone.html", "middle.html"])
@pytest.mark.parametrize("value", ["<script>&'\"", "Beatriz", ""])
def test_nested_templates_render_as_jinja_renders_them(app, name, value):
    ours = app.jinja_env.overlay(loader=DictLoader(TEMPLATES))
    plain = Environment(autoescape=True, loader=DictLoader(TEMPLATES))
    values = {"value": value, "items": ["<a>", "b", 3]}
    source = ours.loader.get_source(ours, name)[0]
    compiled = ours.compile(source, name, raw=True)
    assert "yield from" not in compiled and "yield environment.concat(" in compiled
    with app.test_request_context():
        assert ours.get_template(name).render(values) == \
            plain.get_template(name).render(values)
