"""A session on a bank holiday (here one moved onto Easter Monday 2027) is pointed out to staff
on the group's page, the reminders page and today's registers, before the reminders go."""

from datetime import date, time

import pytest

from pairs_group.db import db
from pairs_group.groups.service import move_session
from tests import factories
from tests.pages import expect_redirect, get_page, post_form

EASTER_MONDAY = "2027-03-29"


@pytest.fixture
def group(app, time_machine):
    """Mondays from 15 March 2027 (creating it skipped Easter Monday); it is now 1 March."""
    time_machine.move_to("2027-03-01T12:00:00+00:00", tick=False)
    group = factories.make_group(first_day=date(2027, 3, 15), session_count=4)
    db.session.commit()
    return group


def move_to_easter_monday(client, group):
    session = group.sessions[1]
    expect_redirect(post_form(client, "groups.move_session",
                              {"day": EASTER_MONDAY, "at": "10:00", "venue_id": "0"},
                              group_id=group.id, session_id=session.id),
                    "groups.show_group", group_id=group.id)
    return session


def test_the_group_page_warns_of_a_session_moved_onto_easter_monday(group, client, sign_in):
    sign_in("admin")
    page = get_page(client, "groups.show_group", group_id=group.id)
    assert not page.select(".pairs-bank-holidays")
    move_to_easter_monday(client, group)
    page = get_page(client, "groups.show_group", group_id=group.id)
    warning = page.text_of(".pairs-bank-holidays")
    assert "This session is on a bank holiday" in warning
    assert "session 2: Monday, 29 March 2027" in warning
    rows = page.select(".nhsuk-table__body .nhsuk-table__row")
    assert ["Bank holiday" in row.get_text() for row in rows] == [False, True, False, False]


def test_the_warning_is_in_the_staffs_language(group, client, sign_in):
    staff = sign_in("admin")
    staff.language = "pl"
    db.session.commit()
    move_to_easter_monday(client, group)
    page = get_page(client, "groups.show_group", group_id=group.id)
    assert page.text_of(".pairs-bank-holidays .nhsuk-warning-callout__label").endswith("Święto")


def test_the_reminders_page_lists_bank_holiday_sessions_of_her_groups_only(group, client,
                                                                           sign_in):
    facilitator = sign_in("facilitator")
    other = factories.make_group(first_day=date(2027, 3, 15), session_count=4)
    group.facilitators.append(facilitator)
    db.session.commit()
    move_to_easter_monday(client, group)
    onto_easter_monday(other.sessions[1])
    warning = get_page(client, "reminders.list_reminder_times").text_of(".pairs-bank-holidays")
    assert f"{group.name}, session 2: Monday, 29 March 2027" in warning
    assert other.name not in warning


def onto_easter_monday(session):
    move_session(session, date(2027, 3, 29), time(10, 0))
    db.session.commit()
    return session


def test_a_past_session_on_a_bank_holiday_needs_no_warning(group, client, sign_in,
                                                           time_machine):
    onto_easter_monday(group.sessions[1])
    time_machine.move_to("2027-03-29T12:00:00+00:00", tick=False)
    sign_in("admin")
    assert not get_page(client, "groups.show_group", group_id=group.id).select(
        ".pairs-bank-holidays")


def test_a_cancelled_session_on_a_bank_holiday_needs_no_warning(group, client, sign_in):
    sign_in("admin")
    session = onto_easter_monday(group.sessions[1])
    expect_redirect(post_form(client, "groups.cancel_session", {"note": ""},
                              group_id=group.id, session_id=session.id),
                    "groups.show_group", group_id=group.id)
    assert not get_page(client, "groups.show_group", group_id=group.id).select(
        ".pairs-bank-holidays")


def test_todays_registers_tag_a_session_on_a_bank_holiday(group, client, sign_in,
                                                          time_machine):
    onto_easter_monday(group.sessions[1])
    time_machine.move_to("2027-03-29T08:00:00+00:00", tick=False)
    sign_in("admin")
    page = get_page(client, "attendance.show_today")
    assert page.texts(".pairs-today .nhsuk-tag") == ["Bank holiday"]
