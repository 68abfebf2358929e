"""Report pages keep their figures between views, and never show figures older than the data:
any write to what the reports read bumps one generation number, seen by every app process."""

import re

import pytest
import sqlalchemy as sa

from bench.pages import StatementCounter
from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.audit.service import record
from pairs_group.db import db
from pairs_group.reports import paging
from pairs_group.reports.cache import EXTENSION, current_generation
from tests import factories, reports_factories
from tests.conftest import staff_sign_in
from tests.pages import get_page, url

COUNT = re.compile(r"(\d+) of (\d+)")


@pytest.fixture
def group(app):
    return reports_factories.group_with_data(name="Brixton autumn")


def attended_on_page(client):
    """(attended, marks) from the attendance page's "All sessions" figures."""
    page = get_page(client, "reports.show_attendance")
    [figure] = [figure for figure in page.select(".reports-figure")
                if figure.select_one(".reports-figure__label").get_text(strip=True) == "Attended"]
    found = COUNT.fullmatch(figure.select_one(".nhsuk-body-s").get_text(strip=True))
    return int(found[1]), int(found[2])


def a_mark_not_attended():
    return db.session.scalars(sa.select(Attendance).where(
        Attendance.status == AttendanceStatus.DID_NOT_ATTEND).limit(1)).one()


def test_a_second_view_uses_the_figures_worked_out_for_the_first(app, client, sign_in, group):
    sign_in("evaluator")
    first = get_page(client, "reports.show_attendance")
    assert first.text_of(".reports-worked-out").startswith("Figures worked out at")
    cached = app.extensions[EXTENSION]
    assert len(cached) == 1
    get_page(client, "reports.show_attendance")
    assert len(cached) == 1
    get_page(client, "reports.show_attendance", language="pt")
    assert len(cached) == 2


def test_marking_attendance_shows_on_the_next_report_page_at_once(client, sign_in, group):
    sign_in("evaluator")
    attended, marks = attended_on_page(client)
    a_mark_not_attended().status = AttendanceStatus.ATTENDED
    db.session.commit()
    assert attended_on_page(client) == (attended + 1, marks)


def test_bulk_statements_through_the_session_bump_the_generation_once(app, group):
    mark = a_mark_not_attended()
    before = current_generation()
    db.session.execute(sa.delete(Attendance).where(Attendance.id == mark.id))
    db.session.execute(sa.insert(Attendance), [{
        "enrolment_id": mark.enrolment_id, "session_id": mark.session_id,
        "status": AttendanceStatus.ATTENDED, "reason": "", "version": 1}])
    db.session.commit()
    assert current_generation() == before + 1


def test_an_audit_event_or_a_rolled_back_change_leaves_the_figures_as_they_were(app, group):
    before = current_generation()
    record("export", None, file="report.json", kind="report")
    db.session.commit()
    assert current_generation() == before
    a_mark_not_attended().status = AttendanceStatus.ATTENDED
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert current_generation() == before


@pytest.fixture
def two_processes(make_app, group):
    """(reader, its client signed in as an evaluator, writer): two app instances on one
    database stand for two gunicorn workers, each with its own caches."""
    reader, writer = make_app(), make_app()
    client = reader.test_client()
    with reader.app_context():
        evaluator = factories.make_staff(role="evaluator")
        db.session.commit()
        staff_sign_in(client, evaluator)
    return reader, client, writer


def test_two_app_processes_sharing_one_database_see_each_others_changes(two_processes):
    """A mark saved through one worker shows on the other's next page."""
    _reader, client, writer = two_processes
    attended, marks = attended_on_page(client)
    assert attended_on_page(client) == (attended, marks)  # now from the reader's cache
    with writer.app_context():
        a_mark_not_attended().status = AttendanceStatus.ATTENDED
        db.session.commit()
    assert attended_on_page(client) == (attended + 1, marks)


def filter_groups(client):
    page = get_page(client, "reports.show_attendance")
    return [option.get_text(strip=True) for option in page.select("#group option")][1:]


def test_the_filters_groups_are_kept_until_the_data_changes_in_any_process(two_processes):
    """The filter's groups are read once per change of the data (the figures' generation), not
    on every page: a group added through another worker is in this one's next filter."""
    reader, client, writer = two_processes
    assert filter_groups(client) == ["Brixton autumn"]
    with reader.app_context():
        counter = StatementCounter(db.engine)
    count, _groups = counter.measure(lambda: filter_groups(client))
    with writer.app_context():
        factories.make_group(name="Stockwell spring")
        db.session.commit()
    assert sorted(filter_groups(client)) == ["Brixton autumn", "Stockwell spring"]
    count_after, _groups = counter.measure(lambda: filter_groups(client))
    assert count == count_after == 2  # her account and the generation: nothing else


def test_csv_downloads_are_worked_out_afresh_even_when_the_page_is_cached(client, sign_in,
                                                                         group):
    """A write around the session (a bare connection) is not seen by the page's cache, but the
    CSV, like the JSON report and the exports, never uses it."""
    sign_in("evaluator")
    attended, marks = attended_on_page(client)
    mark = a_mark_not_attended()
    with db.engine.begin() as connection:
        connection.execute(sa.update(Attendance).where(Attendance.id == mark.id)
                           .values(status="ATTENDED"))
    assert attended_on_page(client) == (attended, marks)
    rows = client.get(url(client, "reports.download_table", section="attendance",
                          table="overall")).get_data(as_text=True)
    assert rows.splitlines()[1].split(",")[:1] == [str(attended + 1)]


def page_counts(page):
    """(number, count) of each table's "Page X of Y" line."""
    return [tuple(re.fullmatch(r"Page (\d+) of (\d+)", text).groups())
            for text in page.texts(".reports-page-count")]


def test_long_tables_show_a_page_at_a_time_with_links_that_keep_the_filter(
        monkeypatch, client, sign_in, group):
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    reports_factories.group_with_data(name="Brixton winter", seed=2)
    reports_factories.group_with_data(name="Brixton spring", seed=3)
    sign_in("evaluator")
    page = get_page(client, "reports.show_attendance", start="2000-01-01")
    groups, sessions = page_counts(page)  # each long table: "Page X of Y"
    assert groups == ("1", "2") and sessions[0] == "1" and int(sessions[1]) > 2
    assert page.select_one('a[href*="groups-page=2"]')
    assert "start=2000-01-01" in page.select_one('a[href*="sessions-page=2"]')["href"]
    pages = {"groups-page": 2, "sessions-page": 2}
    second = get_page(client, "reports.show_attendance", start="2000-01-01", **pages)
    assert page_counts(second)[0] == ("2", "2") and second.shows(".nhsuk-pagination", "Previous")
    past_the_end = get_page(client, "reports.show_attendance", **{"groups-page": 99})
    assert page_counts(past_the_end)[0] == ("2", "2")
    rows = client.get(url(client, "reports.download_table", section="attendance",
                          table="groups")).get_data(as_text=True)
    assert len(rows.splitlines()) == 1 + 3  # the CSV has every group
