"""The Today page, the register and corrections, as a facilitator uses them (JS off)."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import refresh

from pairs_group import kept
from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.attendance.service import mark_attendance
from pairs_group.audit.models import AuditEvent
from pairs_group.db import db, utcnow
from pairs_group.groups.models import GroupSession
from pairs_group.groups.service import cancel_session, restore_session
from pairs_group.templating import london_time
from pairs_group.times import london_today
from tests import factories
from tests.attendance_factories import make_group_meeting_today
from tests.pages import expect_redirect, get_page, post_form, post_page, url


def open_register(client, session, status=200):
    return get_page(client, "attendance.show_register", status, session_id=session.id)


def save_register(client, session, data):
    """Save the register; it sends her back to it."""
    response = post_form(client, "attendance.save_register", data, session_id=session.id)
    return expect_redirect(response, "attendance.show_register", session_id=session.id)


def row(page, enrolment, css=""):
    """The text of a register row (or of the part of it css names)."""
    return page.text_of(f"#row-{enrolment.id} {css}".strip())


def marks(session):
    rows = db.session.execute(sa.select(Attendance.enrolment_id, Attendance.status).where(
        Attendance.session_id == session.id)).all()
    return {enrolment_id: status.value for enrolment_id, status in rows}


def register_data(enrolments, chosen, versions=None, was=None):
    data = {}
    for e in enrolments:
        data[f"version-{e.id}"] = str((versions or {}).get(e.id, 0))
        data[f"was-{e.id}"] = (was or {}).get(e.id, "")
        if e.id in chosen:
            data[f"status-{e.id}"] = chosen[e.id]
    return data


def choose_language(client, me, code):
    """Her language chosen with the switch in the header, as a signed-in person does."""
    post_form(client, "pages.change_language", {"language": code, "next": "/staff/today"})
    db.session.refresh(me)  # the test's copy of her, as the switch saved it
    refresh()  # the test's requests share one app context, where Flask-Babel keeps the locale


def test_today_lists_her_sessions_with_a_link_to_each_register(client, sign_in):
    me = sign_in("facilitator")
    group, session, _enrolments = make_group_meeting_today(facilitators=[me], name="Mine today")
    make_group_meeting_today(name="Not mine")
    db.session.commit()
    page = get_page(client, "attendance.show_today")
    assert page.texts(".nhsuk-card__heading") == ["Mine today"]
    register = url(client, "attendance.show_register", session_id=session.id)
    assert page.select_one(f'.nhsuk-card__link[href="{register}"]')
    assert page.text_of(".nhsuk-card__content p.nhsuk-body-s") == "0 of 3 marked"
    today = url(client, "attendance.show_today")
    menu = get_page(client, "groups.list_groups").select("header a")
    assert today in [link["href"] for link in menu]  # in her menu
    first = url(client, "attendance.show_register", session_id=group.sessions[0].id)
    assert get_page(client, "groups.show_group", group_id=group.id).select_one(f'a[href="{first}"]')


def test_today_and_the_register_say_which_session_in_her_language(client, sign_in):
    """Whole sentences, so Arabic gets its own comma and each language its own word for
    where (the Today card once said "10:00 a las <venue>" in Spanish)."""
    me = sign_in("facilitator")
    _group, session, _enrolments = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    caption = open_register(client, session).text_of(".nhsuk-caption-l")
    assert caption.startswith(f"Session {session.number}, ") and caption.endswith(
        london_time(session.starts_at))
    choose_language(client, me, "ar")
    caption = open_register(client, session).text_of(".nhsuk-caption-l")
    assert caption.startswith(f"الجلسة {session.number}، ") and "," not in caption
    card = get_page(client, "attendance.show_today").text_of(".nhsuk-card__description")
    assert card.startswith(f"الجلسة {session.number}، الساعة ") and "," not in card
    assert card.endswith(f"في {session.venue.name}")
    choose_language(client, me, "es")
    card = get_page(client, "attendance.show_today").text_of(".nhsuk-card__description")
    assert card.endswith(f" en {session.venue.name}") and "a las" not in card


def test_evaluators_never_see_registers(client, sign_in):
    sign_in("evaluator")
    _group, session, _enrolments = make_group_meeting_today()
    db.session.commit()
    get_page(client, "attendance.show_today", 403)
    open_register(client, session, 403)


def test_a_family_whose_only_earlier_session_was_called_off_is_new_this_week(client, sign_in):
    """Who is new is read from the group's sessions still on: she enrolled after the first
    session, last week's was cancelled, so today she meets the group for the first time."""
    me = sign_in("facilitator")
    group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    last_week = group.sessions[1]
    b.enrolled_at = last_week.starts_at - timedelta(days=1)
    cancel_session(last_week)
    db.session.commit()
    page = open_register(client, session)
    assert page.texts(".nhsuk-tag").count("New this week") == 1
    assert "New this week" in page.texts(f"#about-{b.id} .nhsuk-tag")
    assert "New this week" not in page.texts(f"#about-{a.id} .nhsuk-tag")


def test_the_groups_sessions_are_read_once_a_minute_and_at_once_after_a_change_here(
        client, sign_in, monkeypatch):
    """Who is new comes from the group's sessions still on as this process read them less than
    a minute ago; a session cancelled or restored here shows on the next register."""
    me = sign_in("facilitator")
    group, session, (_a, b, _c) = make_group_meeting_today(facilitators=[me])
    last_week = group.sessions[1]
    b.enrolled_at = last_week.starts_at - timedelta(days=1)
    db.session.commit()

    def new_this_week():
        return "New this week" in open_register(client, session).texts(f"#about-{b.id} .nhsuk-tag")

    assert not new_this_week()  # she was expected last week
    # Another process calls last week off: this one keeps what it read for the minute...
    with db.engine.begin() as elsewhere:
        elsewhere.execute(sa.update(GroupSession.__table__).where(
            GroupSession.__table__.c.id == last_week.id).values(status="cancelled"))
    assert not new_this_week()
    # ...and reads the sessions again once the minute is over.
    monkeypatch.setattr(kept, "KEEP_SECONDS", 0)
    assert new_this_week()
    monkeypatch.undo()
    db.session.refresh(last_week)
    restore_session(last_week)  # here: the next register knows at once
    db.session.commit()
    assert not new_this_week()
    cancel_session(last_week)
    db.session.commit()
    assert new_this_week()


def test_the_register_reads_its_session_as_it_stands(client, sign_in):
    """The register's one read: its group and place (a session moved elsewhere shows the new
    place), a group with no one in it yet, a session that does not exist, and its audit."""
    me = sign_in("facilitator")
    group, session, families = make_group_meeting_today(facilitators=[me], name="Stockwell 9")
    session.venue_override = factories.make_venue(name="Brixton Library")
    empty, empty_session, _none = make_group_meeting_today(facilitators=[me], dyads=0)
    db.session.commit()
    page = open_register(client, session)
    assert page.text_of("h1") == "Stockwell 9"
    assert page.text_of("main p.nhsuk-body-s").startswith("Brixton Library ·")
    assert len(page.select(".pairs-register__row")) == 3
    seen = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "attendance.view_register")).one()
    assert (seen.target_type, seen.target_id) == ("GroupSession", str(session.id))
    assert sorted(seen.details["enrolment_ids"]) == sorted(f.id for f in families)
    page = open_register(client, empty_session)
    assert page.text_of("h1") == empty.name
    assert page.text_of("main p.nhsuk-body-s").startswith(f"{empty.venue.name} ·")
    assert "No one is enrolled in this group yet." in page.text_of("main")
    get_page(client, "attendance.show_register", 404, session_id=2**31 - 1)  # no such session


def test_the_register_shows_who_is_coming_and_what_they_need(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    a.dyad.parent.interpreter_language = "Portuguese"
    b.dyad.parent.access_needs = "Uses a wheelchair"
    b.enrolled_at = session.starts_at
    mark_attendance(session, a, AttendanceStatus.CANCELLED_BY_PARENT, None, 0)
    db.session.commit()
    page = open_register(client, session)
    assert row(page, a, "legend") == "Parent A"
    assert a.dyad.baby.name in row(page, a, f"#about-{a.id}")
    assert "Interpreter: Portuguese" in row(page, a, f"#about-{a.id}")
    assert "Access needs: Uses a wheelchair" in row(page, b, f"#about-{b.id}")
    assert page.texts(".nhsuk-tag").count("New this week") == 1
    assert "New this week" in page.texts(f"#about-{b.id} .nhsuk-tag")
    assert page.field_value(f"status-{a.id}") == "cancelled_by_parent"  # her apology is there
    assert "The parent sent apologies" in row(page, a, ".pairs-register__meta")
    loaf = url(client, "questionnaires.practitioner_entry", group_id=session.group_id,
               dyad_id=a.dyad_id)
    assert page.select_one(f'#row-{a.id} a[href="{loaf}"]')  # the practitioner's LOAF rating


def test_marking_the_whole_register_in_one_save(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, c) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    location = save_register(client, session, register_data(
        [a, b, c], {a.id: "attended", b.id: "did_not_attend", c.id: "cancelled_by_parent"}))
    assert marks(session) == {a.id: "attended", b.id: "did_not_attend",
                              c.id: "cancelled_by_parent"}
    page = get_page(client, location)
    assert ("Register saved. Attended: 1. Apologies: 1. Did not attend: 1. Not marked yet: 0."
            == page.text_of("[role=status] p"))
    assert f"marked by {me.name}" in row(page, a, ".pairs-register__meta")


def test_a_stale_save_keeps_her_other_marks_and_names_what_changed(client, sign_in):
    me = sign_in("facilitator")
    colleague = factories.make_staff("facilitator", name="Dani Colleague")
    _group, session, (a, b, c) = make_group_meeting_today(facilitators=[me, colleague])
    db.session.commit()
    open_register(client, session)  # she opens the register: nobody marked yet
    mark_attendance(session, b, AttendanceStatus.ATTENDED, colleague, 0)  # Dani marks B
    db.session.commit()
    page = post_page(client, "attendance.save_register", register_data(
        [a, b, c], {a.id: "attended", b.id: "did_not_attend"}), status=409, session_id=session.id)
    assert marks(session) == {a.id: "attended", b.id: "attended"}
    assert "Someone else changed 1 mark" in page.text_of(".nhsuk-error-summary h2")
    assert "Dani Colleague marked this as Attended" in row(page, b, ".nhsuk-error-message")
    assert "You chose Did not attend" in row(page, b, ".nhsuk-error-message")
    assert page.field_value(f"version-{b.id}") == "1"  # saving again is on the new version
    assert page.field_value(f"status-{b.id}") == "did_not_attend"
    save_register(client, session, register_data(
        [a, b, c], {a.id: "attended", b.id: "did_not_attend"},
        versions={a.id: 1, b.id: 1}, was={a.id: "attended", b.id: "attended"}))
    assert marks(session)[b.id] == "did_not_attend"


def test_an_untouched_row_never_overwrites_a_colleagues_mark(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    mark_attendance(session, b, AttendanceStatus.CANCELLED_BY_PARENT, None, 0)
    db.session.commit()
    mark_attendance(session, b, AttendanceStatus.ATTENDED, None, 1)  # changed after she loaded
    db.session.commit()
    save_register(client, session, register_data(
        [a, b], {a.id: "attended", b.id: "cancelled_by_parent"},
        versions={b.id: 1}, was={b.id: "cancelled_by_parent"}))
    assert marks(session)[b.id] == "attended"


def test_unknown_statuses_are_refused_and_her_choices_kept(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    page = post_page(client, "attendance.save_register", register_data(
        [a, b], {a.id: "attended", b.id: "partied"}), status=400, session_id=session.id)
    assert page.title.startswith("Error:")
    assert ("Choose attended, apologies or did not attend for Parent B"
            in row(page, b, ".nhsuk-error-message"))
    assert page.select_one(f"#status-{a.id}-attended[checked]")["value"] == "attended"
    assert marks(session) == {}


def test_odd_versions_and_field_names_never_cause_a_server_error(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    data = register_data([a, b], {a.id: "attended", b.id: "attended"})
    data.update({f"version-{a.id}": "-5", f"version-{b.id}": "9" * 40, "status-abc": "x",
                 "status-": "attended", f"was-{a.id}": "x" * 5000})
    post_page(client, "attendance.save_register", data, status=409, session_id=session.id)
    assert marks(session) == {}


def test_facilitators_cannot_touch_another_groups_register(client, sign_in):
    me = sign_in("facilitator")
    _mine, my_session, (mine, *_rest) = make_group_meeting_today(facilitators=[me])
    _other, their_session, (theirs, *_more) = make_group_meeting_today()
    db.session.commit()
    open_register(client, their_session, 403)
    post_page(client, "attendance.save_register", register_data(
        [theirs], {theirs.id: "attended"}), status=403, session_id=their_session.id)
    tampered = register_data([mine, theirs], {mine.id: "attended", theirs.id: "attended"})
    post_page(client, "attendance.save_register", tampered, status=403, session_id=my_session.id)
    change = "attendance.change_attendance"
    get_page(client, change, 403, session_id=my_session.id, enrolment_id=theirs.id)
    post_page(client, change, {"status": "attended", "version": "0"}, status=403,
              session_id=my_session.id, enrolment_id=theirs.id)
    get_page(client, change, 403, session_id=their_session.id, enrolment_id=theirs.id)
    get_page(client, "attendance.show_register", 404, session_id=999999)
    get_page(client, change, 404, session_id=my_session.id, enrolment_id=999999)
    assert marks(my_session) == {} and marks(their_session) == {}


def test_admins_may_take_any_register(client, sign_in):
    sign_in("admin")
    _group, session, (a, *_rest) = make_group_meeting_today()
    db.session.commit()
    open_register(client, session)
    save_register(client, session, register_data([a], {a.id: "attended"}))


def test_a_correction_is_audited_and_shows_who_and_when(client, sign_in):
    me = sign_in("facilitator", name="Fran Facilitator")
    _group, session, (a, *_rest) = make_group_meeting_today(facilitators=[me])
    mark_attendance(session, a, AttendanceStatus.DID_NOT_ATTEND, me, 0)
    db.session.commit()
    mark = {"session_id": session.id, "enrolment_id": a.id}
    get_page(client, "attendance.change_attendance", **mark)
    response = post_form(client, "attendance.change_attendance", {
        "status": "attended", "version": "1", "reason": "She came late"}, **mark)
    expect_redirect(response, "attendance.show_register", session_id=session.id)
    assert marks(session)[a.id] == "attended"
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "attendance.change").order_by(AuditEvent.id.desc())).first()
    assert event.actor == me.get_id()
    assert event.details["before"]["status"] == "did_not_attend"
    assert event.details["after"] == {"status": "attended", "reason": "She came late",
                                      "version": 2}
    page = get_page(client, "attendance.change_attendance", **mark)
    history = [[cell.get_text(" ", strip=True) for cell in line.select("td")]
               for line in page.select("table tbody tr")]
    change = [cells for cells in history if "She came late" in cells[2]]
    assert change and change[0][1] == "Fran Facilitator"
    assert "Did not attend → Attended" in change[0][2]


def test_a_correction_with_mistakes_keeps_what_she_typed(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, *_rest) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    mark = {"session_id": session.id, "enrolment_id": a.id}
    page = post_page(client, "attendance.change_attendance",
                     {"status": "attended", "version": "0", "reason": "y" * 501}, status=400,
                     **mark)
    assert "Write 500 characters or fewer" in page.text_of(".nhsuk-error-message")
    assert page.field_value("reason") == "y" * 501
    page = post_page(client, "attendance.change_attendance",
                     {"status": "vanished", "version": "0"}, status=400, **mark)
    assert page.title.startswith("Error:")
    assert marks(session) == {}


def test_a_stale_correction_says_what_it_is_now(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, *_rest) = make_group_meeting_today(facilitators=[me])
    mark_attendance(session, a, AttendanceStatus.ATTENDED, me, 0)
    db.session.commit()
    page = post_page(client, "attendance.change_attendance",
                     {"status": "did_not_attend", "version": "0"}, status=409,
                     session_id=session.id, enrolment_id=a.id)
    assert page.text_of(".nhsuk-error-summary h2") == "Someone else changed this mark"
    assert "It is now: Attended" in page.text_of(".nhsuk-error-summary")
    assert page.select_one("input[type=hidden][name=version]")["value"] == "1"
    assert marks(session)[a.id] == "attended"


def test_a_cancelled_session_shows_everyone_cancelled_by_us(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, c) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    expect_redirect(post_form(client, "groups.cancel_session", {"note": "Flooded"},
                              group_id=session.group_id, session_id=session.id),
                    "groups.show_group")
    assert set(marks(session).values()) == {"cancelled_by_service"}
    page = open_register(client, session)
    assert "Session cancelled" in page.text_of(".nhsuk-warning-callout h2")
    assert [line.count("Cancelled by us") for line in page.texts(".pairs-register__row")] == [1] * 3
    # each row names the mother, as a row of the form does
    assert [line.split()[:2] for line in page.texts(".pairs-register__row")] == \
        [["Parent", "A"], ["Parent", "B"], ["Parent", "C"]]
    save_register(client, session, register_data([a], {a.id: "attended"}))
    assert marks(session)[a.id] == "cancelled_by_service"


def test_a_session_cancelled_without_the_listener_shows_everyone_cancelled_storing_nothing(
        client, sign_in):
    from pairs_group.attendance.service import on_session_changed
    from pairs_group.groups.service import session_changed

    me = sign_in("facilitator")
    _group, session, _enrolments = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    session_changed.disconnect(on_session_changed)
    try:
        cancel_session(session)
        db.session.commit()
    finally:
        session_changed.connect(on_session_changed)
    assert marks(session) == {}
    page = open_register(client, session)
    assert [line.count("Cancelled by us") for line in page.texts(".pairs-register__row")] == [1] * 3
    assert marks(session) == {}  # opening a page stores nothing: the cancel's listener stores


def test_a_family_who_left_while_she_was_marking_is_skipped_not_refused(client, sign_in):
    from pairs_group.parents.models import EnrolmentStatus

    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    b.status, b.ended_at = EnrolmentStatus.WITHDRAWN, session.starts_at - timedelta(days=1)
    db.session.commit()
    save_register(client, session, register_data([a, b], {a.id: "attended", b.id: "attended"}))
    assert marks(session) == {a.id: "attended"}


def test_only_todays_register_may_be_kept_on_her_phone_for_the_day(client, sign_in):
    me = sign_in("facilitator")
    group, session, _enrolments = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    today = open_register(client, session)
    assert today.response.headers["Pairs-Offline-Day"] == london_today(utcnow()).isoformat()
    worker = url(client, "attendance.serve_register_worker")
    assert today.select_one(".pairs-register-form")["data-worker"] == worker
    last_week = open_register(client, group.sessions[1])
    assert "Pairs-Offline-Day" not in last_week.response.headers
    assert not last_week.select_one(".pairs-register-form").has_attr("data-worker")
    assert last_week.response.headers["Cache-Control"] == "no-store"


def test_the_register_worker_looks_after_registers_only_and_keeps_the_content_policy(
        client, sign_in):
    sign_in("facilitator")
    worker = url(client, "attendance.serve_register_worker")
    assert worker == "/staff/sessions/register-worker.js"  # its scope: /staff/sessions/ only
    response = client.get(worker)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'addEventListener("fetch"' in response.get_data(as_text=True)


def test_the_register_worker_is_for_staff_who_take_registers(client, sign_in):
    sign_in("evaluator")
    assert client.get(url(client, "attendance.serve_register_worker")).status_code == 403


def test_signing_out_clears_what_the_phone_kept_of_the_register(client, sign_in):
    sign_in("facilitator")
    response = post_form(client, "auth.sign_out", {})
    expect_redirect(response, "auth.sign_in")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_a_register_ahead_takes_apologies_but_not_attended_until_the_session_starts(
        client, sign_in):
    me = sign_in("facilitator")
    group, _today, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    next_week = group.sessions[3]
    db.session.commit()
    page = open_register(client, next_week)
    assert "has not started yet. You can record apologies now" in page.text_of(
        ".pairs-register__ahead")
    page = post_page(client, "attendance.save_register", register_data(
        [a, b], {a.id: "attended", b.id: "cancelled_by_parent"}), status=400,
        session_id=next_week.id)
    assert "The session has not started yet: Parent A can be marked attended" in row(
        page, a, ".nhsuk-error-message")
    assert page.field_value(f"status-{a.id}") is None  # the refused mark is not kept
    assert page.field_value(f"status-{b.id}") == "cancelled_by_parent"
    assert marks(next_week) == {}
    save_register(client, next_week, register_data([a, b], {b.id: "cancelled_by_parent"}))
    assert marks(next_week) == {b.id: "cancelled_by_parent"}


def test_a_correction_ahead_of_the_session_refuses_attended(client, sign_in):
    me = sign_in("facilitator")
    group, _today, (a, *_rest) = make_group_meeting_today(facilitators=[me])
    next_week = group.sessions[3]
    db.session.commit()
    where = {"session_id": next_week.id, "enrolment_id": a.id}
    page = post_page(client, "attendance.change_attendance",
                     {"status": "did_not_attend", "version": "0"}, status=400, **where)
    assert "has not started yet" in page.text_of(".nhsuk-error-summary")
    assert marks(next_week) == {}
    response = post_form(client, "attendance.change_attendance",
                         {"status": "cancelled_by_parent", "version": "0"}, **where)
    expect_redirect(response, "attendance.show_register", session_id=next_week.id)
    assert marks(next_week) == {a.id: "cancelled_by_parent"}
