from datetime import date, time, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from icalendar import Calendar

from pairs_group.account import service
from pairs_group.account.models import CalendarFeed
from pairs_group.account.service import Task, enrolment_withdrawn
from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.groups.service import cancel_session, move_session
from pairs_group.parents.models import Baby, Dyad, EnrolmentStatus
from pairs_group.questionnaires import answering, instruments
from pairs_group.questionnaires.models import Timepoint
from pairs_group.tokens import make_token
from tests import factories
from tests.account_factories import family_in_group, make_parent, sign_in_parent
from tests.pages import expect_redirect, get_page, post_form, post_page, url
from tests.questionnaires_factories import submitted_prfq


def signed_in_family(client, **group_details):
    parent, enrolment = family_in_group(**group_details)
    sign_in_parent(client, parent)
    return parent, enrolment


def home(client):
    return get_page(client, "account.home")


def feed_path(client):
    """The path of her calendar feed, read from the address the calendar page shows once she
    has pressed "Get my calendar address"."""
    expect_redirect(post_form(client, "account.renew_calendar", {}), "account.calendar_page")
    return urlsplit(get_page(client, "account.calendar_page").text_of("code")).path


def test_home_shows_the_next_session_with_a_map_and_what_to_bring(app, client):
    venue = factories.make_venue(name="Stockwell Centre", address="1 Stockwell Road",
                                 access_notes="Ring the blue bell")
    parent, enrolment = signed_in_family(client, venue=venue)
    page = home(client)
    assert page.text_of("#next-heading") == "Your next session"
    card = page.text_of(".nhsuk-card--feature")
    assert "Stockwell Centre" in card and "Ring the blue bell" in card
    assert page.select_one(
        '.nhsuk-card--feature a[href*="openstreetmap.org/search?query=Stockwell%20Centre"]')
    assert "What to bring" in page.texts(".nhsuk-card--feature h3")
    assert len([link for link in page.texts("a") if link.startswith("I can't come")]) >= 8


def test_the_schedule_marks_cancelled_and_moved_sessions(app, client):
    parent, enrolment = signed_in_family(client)
    first, second = enrolment.group.sessions[:2]
    cancel_session(first)
    move_session(second, date.today() + timedelta(days=30), time(11, 0))
    db.session.commit()
    tags = home(client).texts(".nhsuk-tag")
    assert "Cancelled" in tags and "New date or place" in tags


def test_questionnaires_to_do_appear_only_when_a_feature_provides_them(app, client,
                                                                      monkeypatch):
    parent, _ = signed_in_family(client)
    monkeypatch.setattr(service, "TASK_PROVIDERS", [])
    assert "Things to do" not in home(client).texts("h2")
    service.register_task_provider(
        lambda p: [Task("Before the group: 5 questions", "/questionnaires/1")]
        if p.id == parent.id else [])
    page = home(client)
    assert page.text_of("#tasks-heading") == "Things to do"
    assert page.texts("[aria-labelledby=tasks-heading] li a") == ["Before the group: 5 questions"]


def test_her_open_questionnaires_come_from_the_questionnaires_feature(app, client,
                                                                      monkeypatch):
    parent, _ = signed_in_family(client)
    monkeypatch.setattr(service, "home_tasks", lambda p: [("Baby and me", "/q/1", None)])
    assert home(client).text_of('a[href="/q/1"]') == "Baby and me"


def test_her_home_lists_the_questionnaires_her_list_does_for_each_baby_and_group(app, client):
    parent, enrolment = signed_in_family(client)
    twin, baby = (Dyad(parent_id=parent.id, baby=Baby(name=name)) for name in ("Twin", "Baby"))
    db.session.add_all([twin, baby])
    factories.enrol(twin, enrolment.group)
    factories.enrol(baby, factories.make_group(), status=EnrolmentStatus.WAITING)
    factories.enrol(baby, factories.make_group(), status=EnrolmentStatus.WITHDRAWN)
    db.session.commit()
    on_home = home(client).select("[aria-labelledby=tasks-heading] li a")
    on_list = get_page(client, "questionnaires.answer").select("main a.nhsuk-card__link")
    assert [a["href"] for a in on_home] == [a["href"] for a in on_list]
    assert {a["href"].split("/")[2] for a in on_home} == {str(enrolment.dyad_id), str(twin.id)}
    # One sent, one begun: the sent one leaves both, the begun one stays on both.
    submitted_prfq(enrolment, {str(i): 4 for i in range(1, 19)})
    begun = answering.start_response(twin, instruments.get("prfq"), Timepoint.PRE)
    answering.save_answers(begun, {"1": 3})
    db.session.commit()
    on_home = home(client).select("[aria-labelledby=tasks-heading] li a")
    on_list = get_page(client, "questionnaires.answer").select("main a.nhsuk-card__link")
    assert [a["href"] for a in on_home] == [a["href"] for a in on_list]
    assert {a["href"].split("/")[2] for a in on_home} == {str(twin.id)}


def test_she_says_she_cant_come_next_week_and_can_undo_it(app, client):
    parent, enrolment = signed_in_family(client)
    session = enrolment.group.sessions[0]
    which = {"enrolment_id": enrolment.id, "session_id": session.id}
    get_page(client, "account.cant_come", **which)
    response = post_form(client, "account.cant_come", {"reason": "Baby has a cold"}, **which)
    expect_redirect(response, "account.home")
    mark = db.session.scalar(sa.select(Attendance))
    assert mark.status == AttendanceStatus.CANCELLED_BY_PARENT and mark.reason == "Baby has a cold"
    assert "You can't come" in home(client).texts(".nhsuk-tag")
    expect_redirect(post_form(client, "account.undo_cant_come", {}, **which), "account.home")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_a_session_that_has_started_cannot_be_changed(app, client):
    parent, enrolment = signed_in_family(client)
    session = enrolment.group.sessions[0]
    session.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    response = post_form(client, "account.cant_come", {}, enrolment_id=enrolment.id,
                         session_id=session.id)
    expect_redirect(response, "account.home")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
    assert not service.say_cant_come(enrolment, session)


def test_an_overlong_reason_is_refused_with_a_message(app, client):
    parent, enrolment = signed_in_family(client)
    session = enrolment.group.sessions[1]
    page = post_page(client, "account.cant_come", {"reason": "x" * 501},
                     enrolment_id=enrolment.id, session_id=session.id)
    assert page.shows(".nhsuk-error-message", "500 characters at most")
    assert page.title.startswith("Error:")


def test_another_parents_enrolment_or_session_is_not_found(app, client):
    _, theirs = family_in_group()
    _, mine = signed_in_family(client)
    their_session, my_session = theirs.group.sessions[0], mine.group.sessions[0]
    for endpoint, args in [
            ("account.cant_come", {"enrolment_id": theirs.id, "session_id": their_session.id}),
            ("account.cant_come", {"enrolment_id": mine.id, "session_id": their_session.id}),
            ("account.cant_come", {"enrolment_id": theirs.id, "session_id": my_session.id}),
            ("account.leave_group", {"enrolment_id": theirs.id}),
            ("account.download_calendar", {"enrolment_id": theirs.id}),
            ("account.leave_group", {"enrolment_id": 99999999999999999999})]:
        get_page(client, endpoint, 404, **args)
        assert post_form(client, endpoint, {}, **args).status_code in (404, 405), endpoint
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
    assert theirs.status == EnrolmentStatus.ENROLLED


def test_she_leaves_the_group_and_others_are_told(app, client):
    parent, enrolment = signed_in_family(client)
    heard = []

    def listener(sender):
        heard.append(sender)

    enrolment_withdrawn.connect(listener)
    try:
        get_page(client, "account.leave_group", enrolment_id=enrolment.id)
        expect_redirect(post_form(client, "account.leave_group", {}, enrolment_id=enrolment.id),
                        "account.home")
    finally:
        enrolment_withdrawn.disconnect(listener)
    db.session.refresh(enrolment)
    assert enrolment.status == EnrolmentStatus.WITHDRAWN and enrolment.ended_at
    assert heard == [enrolment]


def test_the_calendar_download_has_one_event_per_session_in_london_time(app, client):
    parent, enrolment = signed_in_family(client, start_time=time(10, 0))
    get_page(client, "account.calendar_page")
    response = client.get(url(client, "account.download_calendar", enrolment_id=enrolment.id))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == len(enrolment.group.sessions)
    start = events[0].decoded("dtstart")
    assert start.hour == 10 and str(start.tzinfo) == "Europe/London"
    assert len({str(e["uid"]) for e in events}) == len(events)


def ics(client, feed):
    """The feed's calendar file, as her calendar app fetches it (not a page: read raw)."""
    response = client.get(feed)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return response.data


def test_the_feed_follows_moves_and_cancellations(app, client):
    parent, enrolment = signed_in_family(client)
    feed = feed_path(client)
    expect_redirect(post_form(client, "account.sign_out", {}), "account.sign_in")
    before = {str(e["uid"]): e for e in Calendar.from_ical(ics(client, feed)).walk("VEVENT")}
    first, second = enrolment.group.sessions[:2]
    cancel_session(first)
    move_session(second, date.today() + timedelta(days=40), time(14, 0))
    db.session.commit()
    after = {str(e["uid"]): e for e in Calendar.from_ical(ics(client, feed)).walk("VEVENT")}
    assert set(before) == set(after)
    uid_first, uid_second = f"session-{first.id}@pairs-group", f"session-{second.id}@pairs-group"
    assert str(after[uid_first]["status"]) == "CANCELLED"
    assert after[uid_second].decoded("dtstart").hour == 14
    assert int(after[uid_second]["sequence"]) >= int(before[uid_second]["sequence"])


def test_the_calendar_page_offers_her_address_and_makes_it_on_her_press(app, client):
    parent, _ = signed_in_family(client)
    button = f'form[action="{url(client, "account.renew_calendar")}"] button'
    page = get_page(client, "account.calendar_page")
    assert page.text_of(button) == "Get my calendar address" and not page.select("code")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0
    feed = feed_path(client)
    page = get_page(client, "account.calendar_page")
    assert not page.select('[role="status"]')  # no "new address" news: her first one
    assert page.text_of(button) == "Make a new address (the old one stops working)"
    assert urlsplit(page.text_of("code")).path == feed
    assert db.session.scalar(sa.select(CalendarFeed.parent_id)) == parent.id


def test_a_new_feed_address_stops_the_old_one(app, client):
    parent, _ = signed_in_family(client)
    old = feed_path(client)
    expect_redirect(post_form(client, "account.renew_calendar", {}), "account.calendar_page")
    get_page(client, old, 404)
    for bad in ["x", "a" * 300, "\x00"]:
        get_page(client, "account.calendar_feed", 404, token=bad)


def test_a_welcome_link_shows_her_schedule_once_and_nothing_else(app, client):
    parent, enrolment = family_in_group()
    token = make_token(parent.id, "welcome", n="abc")
    link = url(client, "account.follow_link", purpose="welcome", token=token)
    expect_redirect(client.get(link), "account.home")
    page = home(client)
    assert page.text_of(f'a[href="{url(client, "account.sign_in")}"]') == (
        "Sign in to change anything")
    settings = client.get(url(client, "account.edit_settings"))
    expect_redirect(settings, "account.sign_in")  # asks for a code
    expect_redirect(client.get(link), "account.home")  # same phone: fine
    get_page(app.test_client(), link, 400)  # replayed elsewhere


def test_bad_links_get_a_kind_page(app, client):
    parent = make_parent()
    db.session.commit()
    for purpose, token in [("welcome", make_token(parent.id, "questionnaire")),
                           ("nonsense", make_token(parent.id, "nonsense")),
                           ("welcome", "not-a-token"), ("welcome", "x" * 3000),
                           ("welcome", make_token(987654, "welcome"))]:
        get_page(client, "account.follow_link", 400, purpose=purpose, token=token)
    page = get_page(client, "account.follow_link", 400, purpose="welcome", token="x")
    assert page.text_of("h1") == "This link does not work any more"


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
    page = home(client)
    assert page.shows(f"[aria-labelledby=group-{enrolment.id}] p", "waiting list")
    assert "Your next session" not in page.texts("h2")


def test_a_parent_in_no_group_is_pointed_to_the_groups(app, client):
    parent = make_parent()
    db.session.commit()
    sign_in_parent(client, parent)
    assert home(client).text_of(f'a[href="{url(client, "pages.index")}"]') == "Find a group"
    assert get_page(client, "account.calendar_page").shows("p", "nothing to add")
