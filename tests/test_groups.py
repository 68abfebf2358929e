from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.groups.models import Group, SessionStatus
from pairs_group.groups.service import (
    bank_holiday_dates,
    cancel_session,
    move_session,
    weekly_dates,
)
from pairs_group.times import in_london
from tests import factories
from tests.pages import expect_redirect, get_page, post_form, post_page


def test_bank_holidays_come_from_the_bundled_data():
    assert date(2026, 12, 25) in bank_holiday_dates()
    assert date(2027, 5, 31) in bank_holiday_dates()  # spring bank holiday


def test_weekly_sessions_skip_bank_holidays_and_keep_their_number():
    dates = weekly_dates(date(2027, 5, 17), 4)  # Mondays; 31 May 2027 is a bank holiday
    assert dates == [date(2027, 5, 17), date(2027, 5, 24), date(2027, 6, 7), date(2027, 6, 14)]


def test_sessions_keep_their_london_time_across_the_clock_change(app):
    group = factories.make_group(first_day=date(2027, 3, 16), start_time=time(10, 0),
                                 session_count=3)
    db.session.commit()
    starts = [s.starts_at for s in group.sessions]
    assert [in_london(s).time() for s in starts] == [time(10, 0)] * 3
    assert starts[0] == datetime(2027, 3, 16, 10, 0, tzinfo=UTC)  # GMT
    assert starts[2] == datetime(2027, 3, 30, 9, 0, tzinfo=UTC)  # BST, after 28 March


def test_autumn_clock_change_too(app):
    group = factories.make_group(first_day=date(2027, 10, 26), start_time=time(13, 30),
                                 session_count=2)
    db.session.commit()
    assert group.sessions[0].starts_at == datetime(2027, 10, 26, 12, 30, tzinfo=UTC)
    assert group.sessions[1].starts_at == datetime(2027, 11, 2, 13, 30, tzinfo=UTC)


def test_an_admin_creates_a_group_whose_sessions_skip_the_bank_holiday(client, sign_in):
    admin = sign_in("admin")
    facilitator = factories.make_staff("facilitator", name="Fiona Facilitator")
    venue = factories.make_venue(name="Stockwell Centre")
    db.session.commit()
    get_page(client, "groups.new_group")
    response = post_form(client, "groups.new_group", {
        "name": "Spring group", "venue_id": venue.id, "first_day": "2027-05-17",
        "start_time": "10:00", "session_count": "8", "duration_minutes": "90", "capacity": "10",
        "languages": ["en", "pt"], "facilitator_ids": [facilitator.id],
    })
    group = db.session.scalar(sa.select(Group).where(Group.name == "Spring group"))
    location = expect_redirect(response, "groups.show_group", group_id=group.id)
    days = [in_london(s.starts_at).date() for s in group.sessions]
    assert len(days) == 8 and date(2027, 5, 31) not in days
    assert group.language_codes == ["en", "pt"]
    assert group.facilitators == [facilitator]
    assert admin not in group.facilitators
    page = get_page(client, location)
    assert page.text_of("h1") == "Spring group"


def test_a_group_form_with_mistakes_keeps_what_was_typed(client, sign_in):
    sign_in("admin")
    venue = factories.make_venue()
    db.session.commit()
    page = post_page(client, "groups.new_group", {
        "name": "My group", "venue_id": venue.id, "first_day": "31/02/2027",
        "start_time": "10:00", "session_count": "abc", "capacity": "10", "languages": ["en"]})
    assert page.title.startswith("Error:")
    assert page.field_value("name") == "My group" and page.field_value("session_count") == "abc"
    assert page.text_of(".nhsuk-error-summary h2") == "There is a problem"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Group)) == 0


def test_a_group_name_with_a_day_in_it_is_refused(client, sign_in):
    """Parents read the day from the schedule in their language; an English day in the name
    would stand untranslated on their pages."""
    sign_in("admin")
    venue = factories.make_venue()
    db.session.commit()
    page = post_page(client, "groups.new_group", {
        "name": "Stockwell (Tuesday)", "venue_id": venue.id, "first_day": "2027-05-18",
        "start_time": "10:00", "session_count": "8", "duration_minutes": "90", "capacity": "10",
        "languages": ["en"]})
    assert page.shows(".nhsuk-error-message", "Take the day out of the name")
    assert page.field_value("name") == "Stockwell (Tuesday)"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Group)) == 0


def test_a_facilitator_sees_only_her_own_groups(client, sign_in):
    me = sign_in("facilitator")
    mine = factories.make_group(name="Mine", facilitators=[me])
    factories.make_group(name="Not mine")
    db.session.commit()
    page = get_page(client, "groups.list_groups")
    assert page.texts(".nhsuk-card__heading") == ["Mine"]
    get_page(client, "groups.show_group", 403, group_id=mine.id + 1)


def test_cancelling_and_moving_a_session(client, sign_in):
    me = sign_in("facilitator")
    group = factories.make_group(facilitators=[me], first_day=date(2027, 1, 12))
    db.session.commit()
    first, second = group.sessions[0], group.sessions[1]
    get_page(client, "groups.cancel_session", group_id=group.id, session_id=first.id)
    cancel_and_move(client, group, first, second)
    db.session.expire_all()
    assert first.status == SessionStatus.CANCELLED and first.note == "Closed"
    assert second.status == SessionStatus.MOVED
    assert in_london(second.starts_at).replace(tzinfo=None) == datetime(2027, 1, 20, 11, 15)


def test_session_changes_are_announced(app):
    heard = []
    from pairs_group.groups.service import session_changed

    def listener(session, change):
        heard.append((session.number, change))

    session_changed.connect(listener)
    try:
        group = factories.make_group(first_day=date(2027, 1, 12))
        db.session.flush()
        cancel_session(group.sessions[0])
        move_session(group.sessions[1], date(2027, 1, 21), time(10))
    finally:
        session_changed.disconnect(listener)
    assert heard == [(1, "cancelled"), (2, "moved")]


def test_a_session_of_another_group_is_not_found(client, sign_in):
    sign_in("admin")
    one, other = factories.make_group(), factories.make_group()
    db.session.commit()
    get_page(client, "groups.cancel_session", 404, group_id=one.id,
             session_id=other.sessions[0].id)


def test_cancelling_and_moving_a_session_are_audited(client, sign_in):
    import sqlalchemy as sa

    from pairs_group.audit.models import AuditEvent

    me = sign_in("facilitator")
    group = factories.make_group(facilitators=[me], first_day=date(2027, 1, 12))
    db.session.commit()
    first, second = group.sessions[0], group.sessions[1]
    cancel_and_move(client, group, first, second)
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.like("session.%")).order_by(AuditEvent.id)).all()
    assert actions == ["session.cancel", "session.move"]


def cancel_and_move(client, group, first, second):
    """Cancel the first session and move the second, each form sending her back to the group."""
    expect_redirect(post_form(client, "groups.cancel_session", {"note": "Closed"},
                              group_id=group.id, session_id=first.id),
                    "groups.show_group", group_id=group.id)
    expect_redirect(post_form(client, "groups.move_session",
                              {"day": "2027-01-20", "at": "11:15", "venue_id": "0"},
                              group_id=group.id, session_id=second.id),
                    "groups.show_group", group_id=group.id)


def test_moving_a_session_to_a_time_already_started_is_refused(client, sign_in):
    me = sign_in("facilitator")
    group = factories.make_group(facilitators=[me])
    db.session.commit()
    session = group.sessions[1]
    before = session.starts_at
    page = post_page(client, "groups.move_session",
                     {"day": date.today().isoformat(), "at": "00:00", "venue_id": "0"},
                     status=200, group_id=group.id, session_id=session.id)
    assert "This time has already started" in page.text_of(".nhsuk-error-summary")
    db.session.expire_all()
    assert session.starts_at == before and session.status != SessionStatus.MOVED


ADMIN_LINKS = {  # the links on group pages only the access matrix's admins may follow
    "groups.list_groups": {"groups.new_group": {}},
    "groups.show_group": {"groups.edit_group": {"group_id"}, "groups.edit_venue": {"venue_id"}},
    "questionnaires.show_group": {"questionnaires.edit_plan": {"group_id"}},
}


def test_group_pages_link_to_what_the_access_matrix_lets_each_person_open(client, sign_in):
    """The links to admin pages are shown by the rule that opens them (access.may_open), not
    by role names in templates: an admin sees them, the facilitator running the group does not."""
    from flask import url_for

    from pairs_group.access import ACCESS

    for role in ("admin", "facilitator"):
        user = sign_in(role)  # a fresh session each time: signing in starts one
        group = factories.make_group(facilitators=[user] if role == "facilitator" else [])
        db.session.commit()
        ids = {"group_id": group.id, "venue_id": group.venue.id}
        for page, links in ADMIN_LINKS.items():
            found = get_page(client, page, **({"group_id": group.id} if "show" in page else {}))
            for endpoint, needs in links.items():
                with client.application.test_request_context():
                    href = url_for(endpoint, **{key: ids[key] for key in needs})
                shown = bool(found.select(f'a[href="{href}"]'))
                assert shown == (role in ACCESS[endpoint]), (role, page, endpoint)
