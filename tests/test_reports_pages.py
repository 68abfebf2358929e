"""The report pages: who sees what, filters, CSV for every table, audited exports."""

import csv
import io
import json

import pytest
import sqlalchemy as sa

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.audit.models import AuditEvent
from pairs_group.db import db
from pairs_group.reports.tables import TABLES
from tests import factories, reports_factories
from tests.conftest import staff_sign_in
from tests.pages import expect_redirect, get_page, url


@pytest.fixture
def data(app):
    reports_factories.deprivation_lookup()
    return reports_factories.group_with_data(name="Stockwell spring")


def rows_of(response):
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def table_rows(client, section, table, **filters):
    """The rows of one report table's CSV download."""
    return rows_of(client.get(url(client, "reports.download_table", section=section,
                                  table=table, **filters)))


def exports_logged():
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export")).all()


def test_an_evaluator_sees_every_section_with_real_figures(client, sign_in, data):
    sign_in("evaluator")
    attendance = get_page(client, "reports.show_attendance")
    assert attendance.shows("p", "National CAMHS non-attendance is 15% to 20%")
    assert attendance.select_one("svg[role=img]") and "Financial year" in attendance.texts("th")
    assert attendance.shows("table tr", "Stockwell spring")
    outcomes = get_page(client, "reports.show_outcomes")
    for css, words in (("table tr", "Warmth"), ("table tr", "Invasiveness"),
                       ("table tr", "Pre-mentalizing"), ("th", "Wilcoxon p"),
                       ("h2", "LOAF levels"), ("h2", "ASQ:SE-2 zones"),
                       (".reports-figure__label", "Very good or good"),
                       ("h3", "What parents said")):
        assert outcomes.shows(css, words), words
    reach = get_page(client, "reports.show_reach")
    assert reach.shows("p", "IMD2019")
    assert reach.shows(".reports-figure__label", "most deprived 30%")
    assert reach.shows("table tr", "Black, Black British, Black Welsh, Caribbean or African")
    assert reach.shows("table tr", "Prefer not to say")
    assert reach.shows("table tr", "Not answered")
    completeness = get_page(client, "reports.show_completeness")
    assert completeness.select_one(".reports-over")
    assert "Registers not taken" in completeness.texts("h2")
    exports = url(client, "reports.show_exports")
    for page in (attendance, outcomes, reach, completeness):
        assert page.shows(".reports-csv a[download]", "Download")
        assert page.select(f'a[href^="{exports}"]')


def test_too_few_pairs_are_said_instead_of_a_p_value(client, sign_in, app):
    reports_factories.group_with_data(size=4, seed=3)
    sign_in("evaluator")
    page = get_page(client, "reports.show_outcomes")
    assert page.shows("td", "Too few pairs (fewer than 5) for a test")


def test_a_facilitator_sees_only_her_own_groups(client, sign_in, app):
    mine = reports_factories.group_with_data(name="My group", seed=4)
    other = reports_factories.group_with_data(name="Someone else's group", seed=5).id
    me = mine.facilitators[0]
    db.session.commit()
    staff_sign_in(client, me)
    page = get_page(client, "reports.show_attendance")
    assert page.shows("table tr", "My group") and "My group" in page.texts("select option")
    assert "Someone else's group" not in page.text_of("main")
    rows = table_rows(client, "attendance", "groups")
    assert [row[1] for row in rows[1:]] == ["My group"]
    page = get_page(client, "reports.show_attendance", group=other)
    assert page.shows(".nhsuk-error-message", "Choose a group from the list")
    get_page(client, "reports.show_exports", 403)
    get_page(client, "reports.download_export", 403, name="dyads.csv")


def test_filters_narrow_the_figures_and_bad_dates_are_explained(client, sign_in, data):
    sign_in("admin")
    everything = table_rows(client, "attendance", "overall")[1]
    assert int(everything[4]) > 0
    nothing = table_rows(client, "attendance", "overall", language="pl", start="2001-01-01",
                         end="2001-12-31")[1]
    assert int(nothing[4]) == 0
    page = get_page(client, "reports.show_attendance", start="2027-05-01", end="2027-04-01")
    assert page.title.startswith("Error:")
    assert page.shows(".nhsuk-error-message",
                 "The end date must be the same as or after the start date")
    page = get_page(client, "reports.show_attendance", start="not-a-date", venue=99999,
                    language="xx")
    assert page.title.startswith("Error:")
    assert page.field_value("start") == "not-a-date"
    get_page(client, "reports.download_table", 400, section="attendance", table="overall",
             venue="abc")


def test_every_table_downloads_as_csv_and_is_audited(client, sign_in, data):
    sign_in("evaluator")
    for section, table in sorted(TABLES):
        response = client.get(url(client, "reports.download_table", section=section,
                                  table=table))
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert len(rows_of(response)) >= (1 if table == "registers-not-taken" else 2), table
    assert [e.details["file"] for e in exports_logged()] == [
        f"{section}-{table}.csv" for section, table in sorted(TABLES)]


def test_an_unknown_table_is_not_found(client, sign_in, data):
    sign_in("evaluator")
    get_page(client, "reports.download_table", 404, section="attendance", table="nope")
    get_page(client, "reports.download_export", 404, name="secrets.csv")


def test_an_evaluator_downloads_each_pseudonymised_export_and_each_is_audited(
        client, sign_in, data):
    evaluator = sign_in("evaluator")
    page = get_page(client, "reports.show_exports")
    names = ["dyads.csv", "enrolments.csv", "attendance.csv", "responses.csv", "answers.csv",
             "scores.csv", "referrals.csv", "codebook.csv"]
    for name in names:
        link = url(client, "reports.download_export", name=name)
        assert page.select_one(f'a[href="{link}"]')
        response = client.get(link)
        assert response.status_code == 200 and response.is_streamed
        body = response.get_data(as_text=True)
        assert " Demo" not in body and "+44" not in body
    logged = exports_logged()
    assert [e.details["file"] for e in logged] == names
    assert {e.actor for e in logged} == {evaluator.get_id()}


def test_signed_out_people_and_parents_cannot_open_reports(client, app):
    expect_redirect(client.get(url(client, "reports.show_attendance")), "auth.sign_in")
    expect_redirect(client.get(url(client, "reports.download_export", name="dyads.csv")),
                    "auth.sign_in")


def test_the_json_report_names_what_scripts_rely_on(runner, data):
    import json

    result = runner.invoke(args=["report", "--format", "json", "--group", str(data.id)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["attendance"]["counts"]) == {
        "attended", "cancelled_by_parent", "cancelled_by_service", "did_not_attend"}
    assert set(report["attendance"]["proportions"]) == set(report["attendance"]["counts"])
    row = report["outcomes"][0]
    assert {"instrument", "subscale", "n_pairs", "mean_pre", "mean_post", "mean_change", "ci95",
            "p_t", "p_wilcoxon", "d_z"} <= set(row)
    assert report["filters"]["group_id"] == data.id
    assert [e.details["file"] for e in exports_logged()] == ["report.json"]


def test_a_facilitator_with_no_groups_sees_empty_reports_and_no_exports_link(client, sign_in,
                                                                            data):
    sign_in("facilitator")
    page = get_page(client, "reports.show_attendance")
    assert page.select(f'a[href="{url(client, "reports.show_attendance")}"]')
    assert not page.select(f'[href^="{url(client, "reports.show_exports")}"]')
    assert page.shows("p", "No attendance has been recorded")


@pytest.mark.parametrize("code", ["en", "pt", "pl", "fr", "ar"])
def test_report_numbers_are_written_exactly_as_babel_writes_them(app, code):
    """The report's own formatters parse each pattern once; the text must not change."""
    from flask_babel import force_locale, format_decimal, format_percent

    from pairs_group.reports.views import number, p_value, percent

    with app.test_request_context(), force_locale(code):
        for value in (0, 0.0004, 0.05, 0.1234, 0.5, 0.987654, 1, 12.3456, 1234.5, -0.25):
            assert percent(value) == format_percent(value, format="#,##0.0%")
            assert percent(value, 0) == format_percent(value)
            assert number(value) == format_decimal(value, format="#,##0.00")
            assert number(value, 0) == format_decimal(value)
            assert p_value(abs(value)) == ("< 0.001" if abs(value) < 0.001 else
                                           format_decimal(abs(value), format="0.000"))


def test_marks_for_sessions_still_to_come_are_counted_nowhere(client, sign_in, runner, data):
    def figures():
        report = json.loads(runner.invoke(args=["report", "--format", "json"]).output)
        return (report["attendance"]["counts"], table_rows(client, "attendance", "overall"),
                table_rows(client, "attendance", "sessions"),
                rows_of(client.get(url(client, "reports.download_export",
                                       name="attendance.csv"))))

    sign_in("evaluator")
    before = figures()
    coming = factories.make_group(name="Starts next week")
    enrolment = factories.enrol(factories.make_dyad(), coming)
    db.session.flush()
    # As a phone could record before the register refused it, and an apology given ahead.
    db.session.add_all([
        Attendance(enrolment=enrolment, session=coming.sessions[0],
                   status=AttendanceStatus.ATTENDED),
        Attendance(enrolment=enrolment, session=coming.sessions[1],
                   status=AttendanceStatus.CANCELLED_BY_PARENT)])
    db.session.commit()
    assert figures() == before
    assert not get_page(client, "reports.show_attendance").shows("table tr", "Starts next week")
