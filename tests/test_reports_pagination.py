"""The report pages' hand-written pagination (templates/reports/_macros.html) is NHS.UK frontend's
own, whitespace apart: an nhsuk-frontend upgrade that changes the component fails here instead of
leaving the report pages behind."""

import re

import pytest
from flask import render_template_string

RAW = """{% from "reports/_macros.html" import pagination %}{{ pagination(params) }}"""
NHS = """{% from "nhsuk/components/pagination/macro.jinja" import pagination %}
{{- pagination(params) }}"""


def link(href, text, label):
    return {"href": href, "text": text, "labelText": label}


def squeezed(html):
    """The markup without the whitespace between and just inside its tags."""
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("previous, next_", [
    (None, "/r?p=2#t"), ("/r?p=1#t", None), ("/r?p=1&amp;x=<y>#t", "/r?p=3#t")])
def test_the_report_pagination_is_nhs_uk_s_own(app, previous, next_):
    params = {"previous": link(previous, "Previous", "Page 1 of 3") if previous else {"href": None},
              "next": link(next_, "Next", "Page 3 of 3") if next_ else {"href": None},
              "ariaLabel": "Pages of <groups>"}
    with app.test_request_context():
        raw, nhs = (render_template_string(source, params=params) for source in (RAW, NHS))
    assert squeezed(raw) == squeezed(nhs)
    assert raw.count("nhsuk-icon--arrow") == bool(previous) + bool(next_)
