"""An evaluator reads the reports on a laptop and on a phone; a table downloads as CSV."""

import pytest
import sqlalchemy as sa

from pairs_group.auth.models import StaffUser
from pairs_group.db import db
from tests import factories, reports_factories

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PAGES = [("", "attendance"), ("outcomes", "outcomes"), ("reach", "reach"),
         ("completeness", "completeness"), ("referrals", "referrals"), ("exports", "exports")]


def seed(live_app):
    with live_app.app_context():
        factories.make_staff("evaluator", email="eve@example.nhs.uk", name="Eve Evaluator")
        reports_factories.deprivation_lookup()
        reports_factories.group_with_data(name="Together Time Stockwell", seed=7)
        db.session.commit()


def sign_in(page, base_url):
    page.goto(f"{base_url}/staff/sign-in?next=/staff/reports/")
    page.get_by_label("Email address").fill("eve@example.nhs.uk")
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/reports/")


def test_an_evaluator_reads_every_report_on_a_laptop(live_server, live_app, browser,
                                                      screenshot):
    seed(live_app)
    context = browser.new_context(viewport=LAPTOP, locale="en-GB")
    context.set_default_timeout(60_000)  # a busy CI machine renders the statistics slowly
    page = context.new_page()
    sign_in(page, live_server.url)
    for path, name in PAGES:
        page.goto(f"{live_server.url}/staff/reports/{path}")
        assert page.locator("h1").is_visible()
        screenshot(page, f"reports-laptop-{name}")
    page.goto(f"{live_server.url}/staff/reports/outcomes")
    page.locator(".reports-outcomes").screenshot(path="screenshots/reports-laptop-outcomes-table.png")
    page.goto(f"{live_server.url}/staff/reports/outcomes")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download outcomes (CSV)").click()
    assert download.value.suggested_filename == "outcomes-outcomes.csv"
    context.close()


def test_the_reports_fit_a_phone_and_the_filter_works(live_server, live_app, phone,
                                                      screenshot):
    seed(live_app)
    page = phone
    page.set_default_timeout(60_000)
    sign_in(page, live_server.url)
    for path, name in PAGES[:5]:
        page.goto(f"{live_server.url}/staff/reports/{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} is {width}px wide on a 390px phone"
        screenshot(page, f"reports-phone-{name}")
    page.goto(f"{live_server.url}/staff/reports/")
    page.get_by_text("Filter the report").click()
    page.get_by_label("Parent's language").select_option(label="Polski")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**language=pl**")
    assert page.get_by_label("Parent's language").input_value() == "pl"
    screenshot(page, "reports-phone-filtered")


def test_a_date_out_of_range_is_explained_in_her_language_on_a_phone(live_server, live_app,
                                                                     phone, screenshot):
    """start=end=9999-12-31 once gave a 500 (a London day's end past the calendar's)."""
    seed(live_app)
    with live_app.app_context():
        db.session.execute(sa.update(StaffUser).values(language="ar"))
        db.session.commit()
    page = phone
    page.set_default_timeout(60_000)
    sign_in(page, live_server.url)
    page.locator(".reports-filter summary").click()
    page.locator("#start").fill("9999-12-31")
    page.locator("#end").fill("9999-12-31")
    page.locator(".reports-filter button").click()
    page.wait_for_url("**start=9999-12-31**")
    summary = page.locator(".nhsuk-error-summary")
    assert "يُرجى إدخال تاريخ من 1 يناير 2000 إلى 31 ديسمبر 2100." in summary.inner_text()
    assert page.locator("#start-error").is_visible()
    assert page.locator("#start").input_value() == "9999-12-31"
    assert page.locator("select#group").input_value() == ""  # still a list: "all groups"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "reports-phone-date-out-of-range-ar")


def _inside_the_screen(locator, width=390):
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_on_a_phone_each_measure_is_a_card_with_its_ci_and_p_values_on_screen(
        live_server, live_app, phone, screenshot):
    """The outcomes table once showed three columns at 390 px and hid the rest off-screen."""
    seed(live_app)
    page = phone
    page.set_default_timeout(60_000)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/staff/reports/outcomes")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    scroller = page.locator(".reports-scroll--outcomes")
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table scrolls sideways"
    card = page.locator(".reports-outcomes tbody tr", has_text="Warmth")
    figures = {name: card.locator("td", has=page.locator(".nhsuk-table__heading",
                                                         has_text=name)).first
               for name in ("Change (95% CI)", "t-test p", "Wilcoxon p", "Before: mean (SD)")}
    for name, cell in figures.items():
        assert cell.is_visible() and _inside_the_screen(cell), f"{name} is off-screen"
        assert _inside_the_screen(cell.locator(".reports-outcomes__figure")), name
    assert " to " in figures["Change (95% CI)"].inner_text()
    screenshot(page, "reports-phone-outcomes-cards")
    card.screenshot(path="screenshots/reports-phone-outcome-card.png")
