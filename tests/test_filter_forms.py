"""Filter forms sent by GET (reports, texts, audit log): a wrong value gets the form's message
in her language, what she typed stays in the field, and nothing reaches the cache or SQL."""

import pytest
from flask import current_app

from pairs_group.reports.cache import EXTENSION
from tests import factories, reports_factories
from tests.pages import get_page

OUT_OF_RANGE = "Enter a date from 1 January 2000 to 31 December 2100."
REPORT_PAGES = ["/staff/reports/", "/staff/reports/outcomes", "/staff/reports/reach",
                "/staff/reports/completeness", "/staff/reports/exports"]


def shows_error(page, message, field_id):
    """The NHS.UK error summary links to the field, and the field says it too."""
    assert page.title.startswith("Error:"), page.title
    assert "nhsuk-error-summary" in page.html and f'href="#{field_id}"' in page.html
    assert f'id="{field_id}-error"' in page.html
    assert message in page.text, page.text[:3000]


@pytest.mark.parametrize("url", REPORT_PAGES)
@pytest.mark.parametrize("start, end", [("9999-12-31", "9999-12-31"), ("0001-01-01", ""),
                                        ("1999-12-31", "2101-01-01"), ("", "9999-12-31")])
def test_a_report_explains_a_date_out_of_range_and_works_nothing_out(client, sign_in, app, url,
                                                                     start, end):
    sign_in("evaluator")
    page = get_page(client, f"{url}?start={start}&end={end}")
    shows_error(page, OUT_OF_RANGE, "start" if start else "end")
    assert f'value="{start or end}"' in page.html
    assert "Correct the filter to see the figures." in page.text
    assert len(current_app.extensions[EXTENSION]) == 0, "an invalid filter reached the cache"


def test_a_report_says_it_in_arabic(client, sign_in, app):
    sign_in("facilitator")
    page = get_page(client, "/staff/reports/?start=9999-12-31&end=9999-12-31&lang=ar")
    assert page.lang == "ar" and page.title.startswith("خطأ")
    assert "أدخل تاريخًا من 1 يناير 2000 إلى 31 ديسمبر 2100." in page.text
    assert 'value="9999-12-31"' in page.html


@pytest.mark.parametrize("url, selects, days", [
    ("/staff/reports/", ("group", "venue", "language"), ("start", "end")),
    ("/staff/texts/", ("status", "kind", "group_id"), ("sent_from", "sent_to")),
    ("/staff/audit/", (), ("since", "until")),
])
def test_filter_fields_are_drawn_as_lists_and_date_boxes(client, sign_in, app, url, selects,
                                                         days):
    sign_in("admin")
    page = get_page(client, url)
    for name in selects:
        assert f'<select class="nhsuk-select" id="{name}" name="{name}"' in page.html
    for name in days:
        assert f'id="{name}" name="{name}" type="date"' in page.html


@pytest.mark.parametrize("query, field_id, message", [
    ("group=%20", "group", "Choose a group from the list"),
    ("venue=99999999999999999999", "venue", "Choose a venue from the list"),
    ("language=%D8%B9%D8%B1%D8%A8%D9%8A", "language", "Choose a language from the list"),
    ("start=2024-02-30", "start", "Enter a real date."),
    ("start=2027-05-01&end=2027-04-01", "end",
     "The end date must be the same as or after the start date"),
])
def test_a_report_explains_each_wrong_value(client, sign_in, app, query, field_id, message):
    sign_in("admin")
    shows_error(get_page(client, "/staff/reports/?" + query), message, field_id)


def test_blank_and_whitespace_dates_mean_any_day(client, sign_in, app):
    sign_in("evaluator")
    page = get_page(client, "/staff/reports/?start=%20&end=&group=&venue=&language=")
    assert "nhsuk-error-summary" not in page.html and "Correct the filter" not in page.text


def test_report_links_keep_the_filter_and_nothing_else_from_the_address(client, sign_in, app):
    """url_for's own keywords (_scheme, _anchor) or a route's (section) in the query string
    once broke the page's links."""
    reports_factories.group_with_data(name="Stockwell spring")
    sign_in("evaluator")
    page = get_page(client, "/staff/reports/?start=2001-01-01&_scheme=x&_anchor=y&section=z"
                            "&_method=q&name=n&sessions-page=-3&groups-page=99999999999999999999")
    assert "start=2001-01-01" in page.html
    for leftover in ("_scheme", "_anchor", "section=z", "_method", "name=n"):
        assert leftover not in page.html


@pytest.mark.parametrize("query, field_id, message", [
    ("group_id=%20", "group_id", "Choose a group from the list"),
    ("group_id=99999999999999999999", "group_id", "Choose a group from the list"),
    ("sent_from=9999-12-31&sent_to=9999-12-31", "sent_from", OUT_OF_RANGE),
    ("sent_to=0001-01-01", "sent_to", OUT_OF_RANGE),
    ("status=%20", "status", "Choose one of the answers."),
])
def test_the_texts_log_explains_each_wrong_value(client, sign_in, app, query, field_id,
                                                 message):
    factories.make_group()
    sign_in("facilitator")
    shows_error(get_page(client, "/staff/texts/?" + query), message, field_id)


@pytest.mark.parametrize("query, field_id, message", [
    ("since=9999-12-31&until=9999-12-31", "since", OUT_OF_RANGE),
    ("until=0001-01-01", "until", OUT_OF_RANGE),
    ("who=a%07b", "who", "Check what you entered."),
    ("action=%1B%5B31m", "action", "Check what you entered."),
])
def test_the_audit_log_explains_each_wrong_value_and_shows_no_events(client, sign_in, app,
                                                                     query, field_id, message):
    sign_in("admin")
    page = get_page(client, "/staff/audit/?" + query + "&page=-4")
    shows_error(page, message, field_id)
    assert "0 events" in page.text


def test_a_nul_in_a_search_is_dropped_not_sent_to_the_database(client, sign_in, app):
    admin = sign_in("admin")
    page = get_page(client, f"/staff/audit/?who={admin.email[:3]}%00{admin.email[3:]}")
    assert "nhsuk-error-summary" not in page.html and "staff.sign_in" in page.text


def test_one_mistake_in_a_range_gives_one_message(client, sign_in, app):
    sign_in("admin")
    page = get_page(client, "/staff/audit/?since=9999-12-31&until=2026-01-01")
    assert page.html.count("nhsuk-error-message") == 1
