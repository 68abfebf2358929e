"""Filter forms sent by GET (reports, texts, audit log): a wrong value gets the form's message
in her language, what she typed stays in the field, and nothing reaches the cache or SQL."""

import pytest
from flask import current_app

from pairs_group.reports.cache import EXTENSION
from tests import factories, reports_factories
from tests.pages import get_page, url

OUT_OF_RANGE = "Enter a date from 1 January 2000 to 31 December 2100."
REPORT_PAGES = ["reports.show_attendance", "reports.show_outcomes", "reports.show_reach",
                "reports.show_referrals", "reports.show_completeness", "reports.show_exports"]
NO_FIGURES = "Correct the filter to see the figures."


def shows_error(page, message, field_id):
    """The NHS.UK error summary links to the field, and the field says it too."""
    assert page.title.startswith("Error:"), page.title
    assert page.shows(f'.nhsuk-error-summary a[href="#{field_id}"]', message)
    assert page.shows(f"#{field_id}-error", message), page.texts(".nhsuk-error-message")


def attribute_values(page):
    """Every attribute value on the page (links, form actions, field names and values)."""
    return [str(value) for tag in page.select("*") for value in tag.attrs.values()]


@pytest.mark.parametrize("endpoint", REPORT_PAGES)
@pytest.mark.parametrize("start, end", [("9999-12-31", "9999-12-31"), ("0001-01-01", ""),
                                        ("1999-12-31", "2101-01-01"), ("", "9999-12-31")])
def test_a_report_explains_a_date_out_of_range_and_works_nothing_out(client, sign_in, app,
                                                                     endpoint, start, end):
    sign_in("evaluator")
    page = get_page(client, endpoint, start=start, end=end)
    shows_error(page, OUT_OF_RANGE, "start" if start else "end")
    assert page.field_value("start" if start else "end") == start or end
    assert page.shows("main p", NO_FIGURES)
    assert len(current_app.extensions[EXTENSION]) == 0, "an invalid filter reached the cache"


def test_a_report_says_it_in_arabic(client, sign_in, app):
    sign_in("facilitator")
    page = get_page(client, "reports.show_attendance", start="9999-12-31", end="9999-12-31",
                    lang="ar")
    assert page.lang == "ar" and page.title.startswith("خطأ")
    assert page.shows("#start-error", "يُرجى إدخال تاريخ من 1 يناير 2000 إلى 31 ديسمبر 2100.")
    assert page.field_value("start") == "9999-12-31"


@pytest.mark.parametrize("endpoint, selects, days", [
    ("reports.show_attendance", ("group", "venue", "language"), ("start", "end")),
    ("sms.list_messages", ("status", "kind", "group_id"), ("sent_from", "sent_to")),
    ("audit.list_events", (), ("since", "until")),
])
def test_filter_fields_are_drawn_as_lists_and_date_boxes(client, sign_in, app, endpoint, selects,
                                                         days):
    sign_in("admin")
    page = get_page(client, endpoint)
    for name in selects:
        assert page.select_one(f'select#{name}[name="{name}"]')["class"] == ["nhsuk-select"]
    for name in days:
        page.select_one(f'input#{name}[name="{name}"][type="date"]')


@pytest.mark.parametrize("query, field_id, message", [
    ({"group": " "}, "group", "Choose a group from the list"),
    ({"venue": "99999999999999999999"}, "venue", "Choose a venue from the list"),
    ({"language": "عربي"}, "language", "Choose a language from the list"),
    ({"start": "2024-02-30"}, "start", "Enter a real date."),
    ({"start": "2027-05-01", "end": "2027-04-01"}, "end",
     "The end date must be the same as or after the start date"),
])
def test_a_report_explains_each_wrong_value(client, sign_in, app, query, field_id, message):
    sign_in("admin")
    shows_error(get_page(client, "reports.show_attendance", query=query), message, field_id)


def test_blank_and_whitespace_dates_mean_any_day(client, sign_in, app):
    sign_in("evaluator")
    page = get_page(client, "reports.show_attendance", start=" ", end="", group="", venue="",
                    language="")
    assert not page.select(".nhsuk-error-summary") and not page.shows("main p", NO_FIGURES)


def test_report_links_keep_the_filter_and_nothing_else_from_the_address(client, sign_in, app):
    """url_for's own keywords (_scheme, _anchor) or a route's (section) in the query string
    once broke the page's links."""
    reports_factories.group_with_data(name="Stockwell spring")
    sign_in("evaluator")
    # url_for would take _scheme and _anchor as its own: the query is added to the path by hand.
    page = get_page(client, url(client, "reports.show_attendance")
                    + "?start=2001-01-01&_scheme=x&_anchor=y&section=z&_method=q&name=n"
                    "&sessions-page=-3&groups-page=99999999999999999999")
    values = attribute_values(page)
    assert any("start=2001-01-01" in link["href"] for link in page.select("a[href]"))
    for leftover in ("_scheme", "_anchor", "section=z", "_method", "name=n"):
        assert not [v for v in values if leftover in v], leftover


@pytest.mark.parametrize("query, field_id, message", [
    ({"group_id": " "}, "group_id", "Choose a group from the list"),
    ({"group_id": "99999999999999999999"}, "group_id", "Choose a group from the list"),
    ({"sent_from": "9999-12-31", "sent_to": "9999-12-31"}, "sent_from", OUT_OF_RANGE),
    ({"sent_to": "0001-01-01"}, "sent_to", OUT_OF_RANGE),
    ({"status": " "}, "status", "Choose one of the answers."),
])
def test_the_texts_log_explains_each_wrong_value(client, sign_in, app, query, field_id,
                                                 message):
    factories.make_group()
    sign_in("facilitator")
    shows_error(get_page(client, "sms.list_messages", query=query), message, field_id)


@pytest.mark.parametrize("query, field_id, message", [
    ({"since": "9999-12-31", "until": "9999-12-31"}, "since", OUT_OF_RANGE),
    ({"until": "0001-01-01"}, "until", OUT_OF_RANGE),
    ({"who": "a\x07b"}, "who", "Check what you entered."),
    ({"action": "\x1b[31m"}, "action", "Check what you entered."),
])
def test_the_audit_log_explains_each_wrong_value_and_shows_no_events(client, sign_in, app,
                                                                     query, field_id, message):
    sign_in("admin")
    page = get_page(client, "audit.list_events", query={**query, "page": "-4"})
    shows_error(page, message, field_id)
    assert page.shows("main p", "0 events")


def test_a_nul_in_a_search_is_dropped_not_sent_to_the_database(client, sign_in, app):
    admin = sign_in("admin")
    page = get_page(client, "audit.list_events", who=f"{admin.email[:3]}\x00{admin.email[3:]}")
    assert not page.select(".nhsuk-error-summary")
    assert "staff.sign_in" in page.texts(".pairs-audit-details code")


def test_one_mistake_in_a_range_gives_one_message(client, sign_in, app):
    sign_in("admin")
    page = get_page(client, "audit.list_events", since="9999-12-31", until="2026-01-01")
    assert len(page.select(".nhsuk-error-message")) == 1
