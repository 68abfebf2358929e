"""Admins change a venue or a group through the real forms: what the change will do is said on
a page of its own before anything is saved; a save over another admin's is refused."""

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from flask import g
from flask_babel import refresh

from pairs_group.attendance.models import AttendanceStatus
from pairs_group.attendance.service import mark_attendance
from pairs_group.audit.models import AuditEvent
from pairs_group.db import db
from pairs_group.groups import edits
from pairs_group.groups.edits import GroupChange
from pairs_group.groups.models import Group, GroupSession, SessionStatus, Venue
from pairs_group.parents.models import (
    Enrolment,
    EnrolmentStatus,
    OfferStatus,
    WaitingListOffer,
)
from pairs_group.sms.service import backend
from pairs_group.times import in_london
from tests import factories
from tests.concurrency import at_once, require_postgres
from tests.conftest import count_rows, staff_sign_in
from tests.pages import expect_redirect, get_page, post_form, post_page

FIRST_DAY = date(2027, 1, 12)  # a Tuesday, 10:00 GMT


@pytest.fixture
def before_it_starts(time_machine):
    time_machine.move_to("2027-01-05T11:00:00+00:00", tick=False)


def a_group(**details):
    details.setdefault("venue", factories.make_venue(name="Stockwell Centre"))
    group = factories.make_group(first_day=FIRST_DAY, start_time=time(10, 0), **details)
    db.session.commit()
    return group


def as_typed(group, **changes):
    """The edit form as the page fills it in for this group, with her changes."""
    page_fields = {
        "name": group.name, "venue_id": str(group.venue_id), "first_day": "2027-01-12",
        "start_time": "10:00", "session_count": str(group.session_count),
        "duration_minutes": str(group.duration_minutes), "capacity": str(group.capacity),
        "languages": group.language_codes,
        "facilitator_ids": [str(u.id) for u in group.facilitators],
        "postcode_areas": group.postcode_areas, "accepts_pregnant": "y",
        "version": str(group.version)}
    return {**page_fields, **changes}


def check_then_save(client, group, data):
    """Continue to the check page, then press Save there with what it carries."""
    page = post_page(client, "groups.edit_group", data, group_id=group.id)
    carried = {}
    for tag in page.select("form input[type=hidden]"):
        carried.setdefault(tag["name"], []).append(tag["value"])
    response = post_form(client, "groups.edit_group", {**carried, "action": "save"},
                         group_id=group.id)
    return page, response


def enrol_parents(group, count, **dyad):
    for _ in range(count):
        factories.enrol(factories.make_dyad(**dyad), group)
    db.session.commit()


def test_the_check_page_says_a_lower_capacity_removes_nobody_and_saves_only_when_pressed(
        client, sign_in, before_it_starts):
    sign_in("admin")
    group = a_group(capacity=12)
    enrol_parents(group, 12)
    page = post_page(client, "groups.edit_group", as_typed(group, capacity="10"),
                     group_id=group.id)
    assert page.shows("#group-effects li", "12 parents are enrolled; the new capacity is 10: "
                      "nobody is removed, the group shows as full and no waiting-list offers go.")
    assert page.shows("#group-changes", "Now: 12") and page.shows("#group-changes", "New: 10")
    db.session.expire_all()
    assert group.capacity == 12 and group.version == 1  # nothing saved yet
    _page, response = check_then_save(client, group, as_typed(group, capacity="10"))
    expect_redirect(response, "groups.show_group", group_id=group.id)
    db.session.expire_all()
    assert group.capacity == 10 and group.version == 2
    assert count_rows(Enrolment) == 12
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "group.edit"))
    assert event.details["changes"] == {"capacity": [12, 10]}


def test_a_new_first_day_moves_the_sessions_and_texts_parents_as_a_move_does(
        client, sign_in, before_it_starts):
    sign_in("admin")
    group = a_group(session_count=3)
    enrol_parents(group, 1, language="pt")
    page, response = check_then_save(client, group, as_typed(group, first_day="2027-01-13",
                                                             start_time="11:30"))
    assert page.shows("#group-effects li", "3 sessions move to a new date, time or venue. Each "
                      "parent in the group gets a text about each of them")
    expect_redirect(response, "groups.show_group", group_id=group.id)
    db.session.expire_all()
    starts = [in_london(s.starts_at).replace(tzinfo=None) for s in group.sessions]
    assert starts == [datetime(2027, 1, 13, 11, 30), datetime(2027, 1, 20, 11, 30),
                      datetime(2027, 1, 27, 11, 30)]
    assert {s.status for s in group.sessions} == {SessionStatus.MOVED}
    assert in_london(group.first_session_at).date() == date(2027, 1, 13)
    assert [(m["kind"], m["language"]) for m in backend().sent] == [("session_moved", "pt")] * 3
    moves = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action == "session.move")).all()
    assert len(moves) == 3


def test_fewer_sessions_cancel_the_last_ones_and_more_add_them_weekly(
        client, sign_in, before_it_starts):
    sign_in("admin")
    group = a_group(session_count=4)
    enrol_parents(group, 1)
    page, _response = check_then_save(client, group, as_typed(group, session_count="3"))
    assert page.shows("#group-effects li", "1 session is cancelled. Parents are told")
    db.session.expire_all()
    assert [s.status for s in group.sessions][-1] == SessionStatus.CANCELLED
    assert [m["kind"] for m in backend().sent] == ["session_cancelled"]
    page, _response = check_then_save(client, group, as_typed(group, session_count="6"))
    assert page.shows("#group-effects li", "2 sessions are added at the end.")
    db.session.expire_all()
    assert [s.number for s in group.sessions] == [1, 2, 3, 4, 5, 6]
    assert in_london(group.sessions[-1].starts_at).date() == date(2027, 2, 16)


def test_taking_a_facilitator_off_says_she_no_longer_sees_the_registers(
        client, sign_in, before_it_starts):
    sign_in("admin")
    fiona = factories.make_staff("facilitator", name="Fiona Facilitator")
    group = a_group(facilitators=[fiona], session_count=5)
    page = post_page(client, "groups.edit_group", as_typed(group, facilitator_ids=[]),
                     group_id=group.id)
    assert page.shows("#group-effects li", "Fiona Facilitator is taken off this group and no "
                      "longer sees its registers: 5 sessions are still to come.")
    assert page.shows("#group-effects li", "Nobody is named to run this group")


def test_stricter_eligibility_keeps_the_parents_enrolled_and_says_so(
        client, sign_in, before_it_starts):
    sign_in("admin")
    group = a_group()
    enrol_parents(group, 2, postcode="SW9 7AB")
    enrol_parents(group, 1, postcode="SE5 8AA")
    page, response = check_then_save(client, group, as_typed(group, postcode_areas="SE5"))
    assert page.shows("#group-effects li", "2 parents enrolled would not be eligible under the "
                      "new rules: they stay in the group.")
    expect_redirect(response, "groups.show_group", group_id=group.id)
    db.session.expire_all()
    assert group.postcode_areas == "SE5"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(
        Enrolment.status == EnrolmentStatus.ENROLLED)) == 3


def test_more_places_are_offered_to_the_parents_waiting(client, sign_in, before_it_starts):
    sign_in("admin")
    group = a_group(capacity=1)
    enrol_parents(group, 1)
    waiting = factories.enrol(factories.make_dyad(language="so"), group,
                              status=EnrolmentStatus.WAITING)
    db.session.commit()
    page, _response = check_then_save(client, group, as_typed(group, capacity="2"))
    assert page.shows("#group-effects li", "1 place is free: it is offered by text")
    offer = db.session.scalar(sa.select(WaitingListOffer))
    assert offer.enrolment_id == waiting.id and offer.status == OfferStatus.OPEN


def test_a_second_admin_saving_over_the_first_is_told_and_nothing_of_hers_is_saved(
        app, client, sign_in, before_it_starts):
    sign_in("admin")
    group = a_group(capacity=10)
    seen = as_typed(group, capacity="8", name="Her name")
    other, second_admin = app.test_client(), factories.make_staff("admin")
    db.session.commit()
    g.pop("_login_user", None)  # requests in one app context share flask.g: forget the first
    staff_sign_in(other, second_admin)
    check_then_save(other, group, as_typed(group, capacity="14"))
    db.session.expire_all()
    assert group.capacity == 14 and group.version == 2
    g.pop("_login_user", None)
    page = post_page(client, "groups.edit_group", {**seen, "action": "save"}, group_id=group.id)
    assert page.title.startswith("Error:")
    assert "Someone else saved a change" in page.text_of(".nhsuk-error-summary")
    assert page.field_value("name") == "Her name" and page.field_value("capacity") == "8"
    assert page.field_value("version") == "2"
    db.session.expire_all()
    assert group.capacity == 14 and group.name != "Her name" and group.version == 2


def test_a_clash_found_only_at_the_save_changes_nothing(app, client, sign_in,
                                                        before_it_starts):
    """Both checked their change first; the later press is refused in the same UPDATE."""
    sign_in("admin")
    group = a_group(session_count=3)
    enrol_parents(group, 1)
    first = post_page(client, "groups.edit_group", as_typed(group, first_day="2027-01-19"),
                      group_id=group.id)
    carried = {t["name"]: t["value"] for t in first.select("form input[type=hidden]")
               if t["name"] not in ("languages", "facilitator_ids")}
    db.session.execute(sa.update(Group).values(version=Group.version + 1))
    db.session.commit()
    page = post_page(client, "groups.edit_group", {**carried, "languages": ["en"],
                                                   "action": "save"}, group_id=group.id)
    assert "Someone else saved a change" in page.text_of(".nhsuk-error-summary")
    db.session.expire_all()
    assert in_london(group.sessions[0].starts_at).date() == FIRST_DAY
    assert backend().sent == []
    assert not db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action.in_(["group.edit", "session.move"]))).all()


def test_a_started_group_keeps_the_dates_of_its_sessions(client, sign_in, time_machine):
    time_machine.move_to("2027-01-20T11:00:00+00:00", tick=False)  # two sessions have run
    sign_in("admin")
    group = a_group(session_count=4)
    page = post_page(client, "groups.edit_group", as_typed(group, start_time="14:00"),
                     group_id=group.id)
    assert "Session 1 has already started" in page.text_of(".nhsuk-error-summary")
    assert page.field_value("start_time") == "14:00"
    page = post_page(client, "groups.edit_group", as_typed(group, session_count="1"),
                     group_id=group.id)
    assert "Session 2 has already started" in page.text_of(".nhsuk-error-summary")
    db.session.expire_all()
    assert group.session_count == 4 and group.version == 1


def test_going_back_from_the_check_page_keeps_what_she_typed(client, sign_in,
                                                             before_it_starts):
    sign_in("admin")
    group = a_group()
    page = post_page(client, "groups.edit_group",
                     {**as_typed(group, name="Renamed"), "action": "change"}, group_id=group.id)
    assert page.text_of("h1").startswith("Change") and page.field_value("name") == "Renamed"


def test_a_group_form_with_mistakes_keeps_what_was_typed_and_saves_nothing(
        client, sign_in, before_it_starts):
    sign_in("admin")
    group = a_group()
    page = post_page(client, "groups.edit_group",
                     as_typed(group, capacity="lots", max_baby_age_weeks="2",
                              min_baby_age_weeks="10", action="save"), group_id=group.id)
    assert page.title.startswith("Error:")
    assert page.field_value("capacity") == "lots"
    assert page.texts(".nhsuk-error-summary li") == [
        "Enter a whole number, like 12.", "Enter a number of places from 1 to 200",
        "The oldest age must be the same as or more than the youngest"]
    db.session.expire_all()
    assert group.version == 1 and group.capacity == 10


def test_the_create_form_says_the_oldest_age_is_below_the_youngest_instead_of_failing(
        client, sign_in):
    """It raised ValueError, which WTForms does not catch: a 500."""
    sign_in("admin")
    venue = factories.make_venue()
    db.session.commit()
    page = post_page(client, "groups.new_group", {
        "name": "Babies", "venue_id": venue.id, "first_day": "2027-05-17", "start_time": "10:00",
        "session_count": "8", "duration_minutes": "90", "capacity": "10", "languages": ["en"],
        "min_baby_age_weeks": "20", "max_baby_age_weeks": "4"})
    assert page.texts(".nhsuk-error-summary li") == [
        "The oldest age must be the same as or more than the youngest"]
    assert count_rows(Group) == 0


def test_saving_nothing_new_says_so(client, sign_in, before_it_starts):
    sign_in("admin")
    group = a_group()
    page = get_page(client, "groups.edit_group", group_id=group.id)
    assert page.field_value("name") == group.name and page.field_value("version") == "1"
    response = post_form(client, "groups.edit_group", as_typed(group), group_id=group.id)
    expect_redirect(response, "groups.show_group", group_id=group.id)
    assert not db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "group.edit")).all()


def test_a_facilitator_cannot_change_her_group(client, sign_in, before_it_starts):
    me = sign_in("facilitator")
    group = a_group(facilitators=[me])
    get_page(client, "groups.edit_group", 403, group_id=group.id)
    get_page(client, "groups.edit_venue", 403, venue_id=group.venue_id)
    page = get_page(client, "groups.show_group", group_id=group.id)
    assert not page.select("a[href$='/edit']")


# --- venues ------------------------------------------------------------------------------------

def test_an_admin_changes_a_venue_and_it_is_audited(client, sign_in, before_it_starts):
    sign_in("admin")
    group = a_group()
    venue = group.venue
    page = get_page(client, "groups.show_group", group_id=group.id)
    assert page.select_one(f"a[href$='/venues/{venue.id}/edit']")
    page = get_page(client, "groups.edit_venue", venue_id=venue.id)
    assert page.texts("#venue-groups li") == [group.name]
    response = post_form(client, "groups.edit_venue", {
        "name": "Stockwell Park Centre", "address": "1 Park Road", "postcode": "sw9 9aa",
        "access_notes": "Step-free entrance", "version": "1"}, venue_id=venue.id)
    expect_redirect(response, "groups.edit_venue", venue_id=venue.id)
    db.session.expire_all()
    assert (venue.name, venue.postcode, venue.access_notes, venue.version) == (
        "Stockwell Park Centre", "SW9 9AA", "Step-free entrance", 2)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "venue.edit"))
    assert event.details["changes"]["name"] == ["Stockwell Centre", "Stockwell Park Centre"]


def test_a_venue_with_a_wrong_postcode_keeps_what_was_typed(client, sign_in):
    sign_in("admin")
    venue = factories.make_venue(name="Hall")
    db.session.commit()
    page = post_page(client, "groups.edit_venue", {"name": "", "postcode": "not a postcode",
                                                   "version": "1"}, venue_id=venue.id)
    assert page.texts(".nhsuk-error-summary li") == [
        "Enter the venue's name", "Enter a real UK postcode, like SW9 9AA"]
    assert page.field_value("postcode") == "not a postcode"
    db.session.expire_all()
    assert venue.name == "Hall" and venue.version == 1


def test_a_venue_saved_by_someone_else_meanwhile_is_not_overwritten(client, sign_in):
    sign_in("admin")
    venue = factories.make_venue(name="Hall")
    db.session.commit()
    db.session.execute(sa.update(Venue).values(name="Church hall", version=2))
    db.session.commit()
    page = post_page(client, "groups.edit_venue", {"name": "Old hall", "version": "1"},
                     venue_id=venue.id)
    assert "Someone else saved a change" in page.text_of(".nhsuk-error-summary")
    assert page.field_value("name") == "Old hall" and page.field_value("version") == "2"
    db.session.expire_all()
    assert venue.name == "Church hall"


def test_a_new_venue_checks_its_postcode_the_same_way(client, sign_in):
    sign_in("admin")
    page = post_page(client, "groups.new_venue", {"name": "Hall", "postcode": "12345"})
    assert page.texts(".nhsuk-error-summary li") == ["Enter a real UK postcode, like SW9 9AA"]
    assert count_rows(Venue) == 0 and count_rows(GroupSession) == 0


def test_taking_a_facilitator_off_says_which_registers_are_left_to_finish(
        client, sign_in, time_machine):
    time_machine.move_to("2027-01-20T11:00:00+00:00", tick=False)  # sessions 1 and 2 have run
    sign_in("admin")
    fiona = factories.make_staff("facilitator", name="Fiona Facilitator")
    group = a_group(facilitators=[fiona, factories.make_staff("facilitator")], session_count=4)
    enrolment = factories.enrol(factories.make_dyad(), group)
    enrolment.enrolled_at = datetime(2027, 1, 1, tzinfo=UTC)
    db.session.flush()
    mark_attendance(group.sessions[0], enrolment, AttendanceStatus.ATTENDED)
    db.session.commit()
    others = [str(u.id) for u in group.facilitators if u != fiona]
    page = post_page(client, "groups.edit_group", as_typed(group, facilitator_ids=others),
                     group_id=group.id)
    assert page.texts("#group-effects li") == [
        "Fiona Facilitator is taken off this group and no longer sees its registers: 2 sessions "
        "are still to come.",
        "1 register of a session that has started is not finished: after the change only admins "
        "and the facilitators still named can finish it."]


def test_a_new_venue_moves_the_sessions_to_come_and_keeps_where_the_past_ones_were(
        client, sign_in, time_machine):
    time_machine.move_to("2027-01-13T11:00:00+00:00", tick=False)  # session 1 has run
    sign_in("admin")
    group = a_group(session_count=3)
    enrol_parents(group, 1, language="ar")
    old, new = group.venue, factories.make_venue(name="Brixton Hall")
    db.session.commit()
    page, response = check_then_save(client, group, as_typed(group, venue_id=str(new.id)))
    assert page.shows("#group-effects li", "2 sessions move to a new date, time or venue.")
    expect_redirect(response, "groups.show_group", group_id=group.id)
    db.session.expire_all()
    assert [s.venue.name for s in group.sessions] == [old.name, "Brixton Hall", "Brixton Hall"]
    assert [(m["kind"], m["language"]) for m in backend().sent] == [("session_moved", "ar")] * 2


def test_the_check_page_speaks_the_admins_language(client, sign_in, before_it_starts):
    """A page only a POST shows is not reached by the crawlers that check every language."""
    admin = sign_in("admin")
    admin.language = "pl"
    group = a_group(capacity=12)
    enrol_parents(group, 5)
    refresh()  # requests share the test's app context, where flask-babel keeps its choice
    page = post_page(client, "groups.edit_group", as_typed(group, capacity="3"),
                     group_id=group.id)
    assert page.lang == "pl"
    assert page.text_of("h1") == f"Sprawdź zmiany: {group.name}"
    assert page.texts("#group-effects li") == [
        "Zapisanych rodziców: 5; nowa liczba miejsc: 3. Nikt nie zostaje usunięty, grupa jest "
        "pokazywana jako pełna i nie są wysyłane propozycje miejsc z listy oczekujących."]
    assert page.shows("#group-changes", "Teraz: 12")


@pytest.mark.parametrize("endpoint", ["groups.new_group", "groups.edit_group"])
def test_a_first_day_at_the_end_of_the_calendar_is_refused_not_a_500(client, sign_in, endpoint,
                                                                      before_it_starts):
    """Weekly dates from 31 December 9999 ran past the last date Python has."""
    sign_in("admin")
    group = a_group()
    page = post_page(client, endpoint, as_typed(group, first_day="9999-12-31", name="Far"),
                     group_id=group.id)
    assert page.texts(".nhsuk-error-summary li") == [
        "Enter a date from 1 January 2000 to 31 December 2100."]
    assert count_rows(Group) == 1 and group.version == 1


def test_two_admins_pressing_save_at_the_same_moment_save_one_change(app, before_it_starts):
    """Both saw version 1 and passed the early check; the UPDATE that raises the version lets
    exactly one through, and the other changes nothing."""
    require_postgres(app, "two saves at once")
    group = a_group(capacity=10)
    group_id = group.id

    def save(capacity, start):
        mine = db.session.get(Group, group_id)
        change = GroupChange.of(mine)
        change.capacity = capacity
        edits.check_version(mine, 1)
        start()
        try:
            edits.edit_group(mine, change, 1)
        except edits.EditClash:
            db.session.rollback()
            return "refused"
        db.session.commit()
        return capacity

    outcomes = at_once(app, save, [7, 14])
    assert len(outcomes) == 2 and outcomes.count("refused") == 1
    db.session.expire_all()
    saved = db.session.get(Group, group_id)
    assert saved.version == 2 and saved.capacity in outcomes
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "group.edit")) == 1
