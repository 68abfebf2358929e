"""Templates fail loudly: a misspelt variable breaks the render (and so a test) instead of
showing a blank, while NHS.UK frontend's macros still leave out what they are not given."""

import pytest
from flask import render_template_string
from jinja2 import UndefinedError

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
