from datetime import date, time, timedelta

import sqlalchemy as sa
from icalendar import Calendar

from pairs_group.account import service
from pairs_group.account.service import Task, enrolment_withdrawn
from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.groups.service import cancel_session, move_session
from pairs_group.parents.models import EnrolmentStatus
from pairs_group.tokens import make_token
from tests import factories
from tests.account_factories import family_in_group, make_parent, sign_in_parent
from tests.pages import get_page, post_page


def signed_in_family(client, **group_details):
    parent, enrolment = family_in_group(**group_details)
    sign_in_parent(client, parent)
    return parent, enrolment


def test_home_shows_the_next_session_with_a_map_and_what_to_bring(app, client):
    venue = factories.make_venue(name="Stockwell Centre", address="1 Stockwell Road",
                                 access_notes="Ring the blue bell")
    parent, enrolment = signed_in_family(client, venue=venue)
    page = get_page(client, "/my-account")
    assert "Your next session" in page.text and "Stockwell Centre" in page.text
    assert "openstreetmap.org/search?query=Stockwell%20Centre" in page.html
    assert "Ring the blue bell" in page.text and "What to bring" in page.text
    assert page.text.count("I can't come") >= 8


def test_the_schedule_marks_cancelled_and_moved_sessions(app, client):
    parent, enrolment = signed_in_family(client)
    first, second = enrolment.group.sessions[:2]
    cancel_session(first)
    move_session(second, date.today() + timedelta(days=30), time(11, 0))
    db.session.commit()
    page = get_page(client, "/my-account")
    assert "Cancelled" in page.text and "New date or place" in page.text


def test_questionnaires_to_do_appear_only_when_a_feature_provides_them(app, client,
                                                                      monkeypatch):
    parent, _ = signed_in_family(client)
    monkeypatch.setattr(service, "TASK_PROVIDERS", [])
    assert "Things to do" not in get_page(client, "/my-account").text
    service.register_task_provider(
        lambda p: [Task("Before the group: 5 questions", "/questionnaires/1")]
        if p.id == parent.id else [])
    page = get_page(client, "/my-account")
    assert "Things to do" in page.text and "Before the group: 5 questions" in page.text


def test_her_open_questionnaires_come_from_the_questionnaires_feature(app, client,
                                                                      monkeypatch):
    parent, _ = signed_in_family(client)
    monkeypatch.setattr(service, "home_tasks", lambda p: [("Baby and me", "/q/1", None)])
    page = get_page(client, "/my-account")
    assert "Baby and me" in page.text and 'href="/q/1"' in page.html


def test_she_says_she_cant_come_next_week_and_can_undo_it(app, client):
    parent, enrolment = signed_in_family(client)
    session = enrolment.group.sessions[0]
    url = f"/my-account/groups/{enrolment.id}/sessions/{session.id}/cant-come"
    get_page(client, url)
    response = client.post(url, data={"reason": "Baby has a cold"})
    assert response.status_code == 302
    mark = db.session.scalar(sa.select(Attendance))
    assert mark.status == AttendanceStatus.CANCELLED_BY_PARENT and mark.reason == "Baby has a cold"
    assert "You can't come" in get_page(client, "/my-account").text
    client.post(f"/my-account/groups/{enrolment.id}/sessions/{session.id}/can-come")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_a_session_that_has_started_cannot_be_changed(app, client):
    parent, enrolment = signed_in_family(client)
    session = enrolment.group.sessions[0]
    session.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    client.post(f"/my-account/groups/{enrolment.id}/sessions/{session.id}/cant-come", data={})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
    assert not service.say_cant_come(enrolment, session)


def test_an_overlong_reason_is_refused_with_a_message(app, client):
    parent, enrolment = signed_in_family(client)
    session = enrolment.group.sessions[1]
    page = post_page(client, f"/my-account/groups/{enrolment.id}/sessions/{session.id}/cant-come",
                     {"reason": "x" * 501})
    assert "500 characters at most" in page.text and page.title.startswith("Error:")


def test_another_parents_enrolment_or_session_is_not_found(app, client):
    _, theirs = family_in_group()
    _, mine = signed_in_family(client)
    their_session, my_session = theirs.group.sessions[0], mine.group.sessions[0]
    for url in [f"/my-account/groups/{theirs.id}/sessions/{their_session.id}/cant-come",
                f"/my-account/groups/{mine.id}/sessions/{their_session.id}/cant-come",
                f"/my-account/groups/{theirs.id}/sessions/{my_session.id}/cant-come",
                f"/my-account/groups/{theirs.id}/leave",
                f"/my-account/groups/{theirs.id}/calendar.ics",
                "/my-account/groups/99999999999999999999/leave"]:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code in (404, 405), url
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
    assert theirs.status == EnrolmentStatus.ENROLLED


def test_she_leaves_the_group_and_others_are_told(app, client):
    parent, enrolment = signed_in_family(client)
    heard = []

    def listener(sender):
        heard.append(sender)

    enrolment_withdrawn.connect(listener)
    try:
        get_page(client, f"/my-account/groups/{enrolment.id}/leave")
        client.post(f"/my-account/groups/{enrolment.id}/leave")
    finally:
        enrolment_withdrawn.disconnect(listener)
    db.session.refresh(enrolment)
    assert enrolment.status == EnrolmentStatus.WITHDRAWN and enrolment.ended_at
    assert heard == [enrolment]


def test_the_calendar_download_has_one_event_per_session_in_london_time(app, client):
    parent, enrolment = signed_in_family(client, start_time=time(10, 0))
    get_page(client, "/my-account/calendar")
    response = client.get(f"/my-account/groups/{enrolment.id}/calendar.ics")
    assert response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == len(enrolment.group.sessions)
    start = events[0].decoded("dtstart")
    assert start.hour == 10 and str(start.tzinfo) == "Europe/London"
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_the_feed_follows_moves_and_cancellations(app, client):
    parent, enrolment = signed_in_family(client)
    page = get_page(client, "/my-account/calendar")
    feed_path = "/calendar/" + page.html.split("/calendar/")[1].split(".ics")[0] + ".ics"
    client.post("/sign-out")
    before = {str(e["uid"]): e for e in Calendar.from_ical(client.get(feed_path).data)
              .walk("VEVENT")}
    first, second = enrolment.group.sessions[:2]
    cancel_session(first)
    move_session(second, date.today() + timedelta(days=40), time(14, 0))
    db.session.commit()
    after = {str(e["uid"]): e for e in Calendar.from_ical(client.get(feed_path).data)
             .walk("VEVENT")}
    assert set(before) == set(after)
    uid_first, uid_second = f"session-{first.id}@pairs-group", f"session-{second.id}@pairs-group"
    assert str(after[uid_first]["status"]) == "CANCELLED"
    assert after[uid_second].decoded("dtstart").hour == 14
    assert int(after[uid_second]["sequence"]) >= int(before[uid_second]["sequence"])


def test_a_new_feed_address_stops_the_old_one(app, client):
    parent, _ = signed_in_family(client)
    page = get_page(client, "/my-account/calendar")
    old = "/calendar/" + page.html.split("/calendar/")[1].split(".ics")[0] + ".ics"
    client.post("/my-account/calendar/new-address")
    assert client.get(old).status_code == 404
    for bad in ["/calendar/x.ics", "/calendar/" + "a" * 300 + ".ics", "/calendar/%00.ics"]:
        assert client.get(bad).status_code == 404


def test_a_welcome_link_shows_her_schedule_once_and_nothing_else(app, client):
    parent, enrolment = family_in_group()
    token = make_token(parent.id, "welcome", n="abc")
    response = client.get(f"/link/welcome/{token}")
    assert response.headers["Location"].endswith("/my-account")
    page = get_page(client, "/my-account")
    assert "Sign in to change anything" in page.text
    assert client.get("/my-account/settings").status_code == 302  # asks for a code
    assert client.get(f"/link/welcome/{token}").status_code == 302  # same phone: fine
    other = app.test_client()
    assert other.get(f"/link/welcome/{token}").status_code == 400  # replayed elsewhere


def test_bad_links_get_a_kind_page(app, client):
    parent = make_parent()
    db.session.commit()
    for url in [f"/link/welcome/{make_token(parent.id, 'questionnaire')}",
                f"/link/nonsense/{make_token(parent.id, 'nonsense')}",
                "/link/welcome/not-a-token", f"/link/welcome/{'x' * 3000}",
                f"/link/welcome/{make_token(987654, 'welcome')}"]:
        assert client.get(url).status_code == 400
    assert "This link does not work any more" in client.get("/link/welcome/x").get_data(
        as_text=True)


def next_session_of(parent):
    enrolments = service.enrolments_of(parent)
    return service.next_session(enrolments, {e.id: service.schedule(e) for e in enrolments})


def test_the_next_session_card_skips_a_session_she_cannot_come_to(app, client):
    parent, enrolment = signed_in_family(client)
    first, second = enrolment.group.sessions[:2]
    assert next_session_of(parent)[1] == first
    service.say_cant_come(enrolment, first)
    assert next_session_of(parent)[1] == second


def test_a_parent_waiting_for_a_place_sees_that_and_no_next_session(app, client):
    parent, enrolment = family_in_group()
    enrolment.status = EnrolmentStatus.WAITING
    db.session.commit()
    sign_in_parent(client, parent)
    page = get_page(client, "/my-account")
    assert "waiting list" in page.text and "Your next session" not in page.text


def test_a_parent_in_no_group_is_pointed_to_the_groups(app, client):
    parent = make_parent()
    db.session.commit()
    sign_in_parent(client, parent)
    assert "Find a group" in get_page(client, "/my-account").text
    assert "nothing to add" in get_page(client, "/my-account/calendar").text
