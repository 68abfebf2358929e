"""The Today page, the register and corrections, as a facilitator uses them (JS off)."""

import sqlalchemy as sa

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.attendance.service import mark_attendance
from pairs_group.audit.models import AuditEvent
from pairs_group.db import db
from pairs_group.groups.service import cancel_session
from tests import factories
from tests.attendance_factories import make_group_meeting_today
from tests.pages import get_page, post_page


def register_url(session):
    return f"/staff/sessions/{session.id}/register"


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


def test_today_lists_her_sessions_with_a_link_to_each_register(client, sign_in):
    me = sign_in("facilitator")
    group, session, _enrolments = make_group_meeting_today(facilitators=[me], name="Mine today")
    make_group_meeting_today(name="Not mine")
    db.session.commit()
    page = get_page(client, "/staff/today")
    assert "Mine today" in page.text and "Not mine" not in page.text
    assert register_url(session) in page.html
    assert "0 of 3 marked" in page.text
    assert 'href="/staff/today"' in get_page(client, "/staff/groups/").html  # in her menu
    assert register_url(group.sessions[0]) in get_page(client, f"/staff/groups/{group.id}").html


def test_evaluators_never_see_registers(client, sign_in):
    sign_in("evaluator")
    _group, session, _enrolments = make_group_meeting_today()
    db.session.commit()
    assert client.get("/staff/today").status_code == 403
    assert client.get(register_url(session)).status_code == 403


def test_the_register_shows_who_is_coming_and_what_they_need(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    a.dyad.parent.interpreter_language = "Portuguese"
    b.dyad.parent.access_needs = "Uses a wheelchair"
    b.enrolled_at = session.starts_at
    mark_attendance(session, a, AttendanceStatus.CANCELLED_BY_PARENT, None, 0)
    db.session.commit()
    page = get_page(client, register_url(session))
    assert "Parent A" in page.text and a.dyad.baby.name in page.text
    assert "Interpreter: Portuguese" in page.text and "Access needs: Uses a wheelchair" in page.text
    assert page.text.count("New this week") == 1
    apology = f'name="status-{a.id}" value="cancelled_by_parent" checked'
    assert apology in page.html  # her apology is already there
    assert "The parent sent apologies" in page.text
    loaf = f"/staff/questionnaires/groups/{session.group_id}/dyads/{a.dyad_id}/loaf"
    assert loaf in page.html  # the practitioner's LOAF rating for each dyad


def test_marking_the_whole_register_in_one_save(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, c) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    response = client.post(register_url(session), data=register_data(
        [a, b, c], {a.id: "attended", b.id: "did_not_attend", c.id: "cancelled_by_parent"}))
    assert response.status_code == 302
    assert marks(session) == {a.id: "attended", b.id: "did_not_attend",
                              c.id: "cancelled_by_parent"}
    page = get_page(client, response.headers["Location"])
    assert ("Register saved. Attended: 1. Apologies: 1. Did not attend: 1. Not marked yet: 0."
            in page.text)
    assert f"marked by {me.name}" in page.text


def test_a_stale_save_keeps_her_other_marks_and_names_what_changed(client, sign_in):
    me = sign_in("facilitator")
    colleague = factories.make_staff("facilitator", name="Dani Colleague")
    _group, session, (a, b, c) = make_group_meeting_today(facilitators=[me, colleague])
    db.session.commit()
    get_page(client, register_url(session))  # she opens the register: nobody marked yet
    mark_attendance(session, b, AttendanceStatus.ATTENDED, colleague, 0)  # Dani marks B
    db.session.commit()
    page = post_page(client, register_url(session), register_data(
        [a, b, c], {a.id: "attended", b.id: "did_not_attend"}), status=409)
    assert marks(session) == {a.id: "attended", b.id: "attended"}
    assert "Someone else changed 1 mark" in page.text
    assert "Dani Colleague marked this as Attended" in page.text
    assert "You chose Did not attend" in page.text
    assert f'name="version-{b.id}" value="1"' in page.html  # saving again is on the new version
    assert 'value="did_not_attend" checked' in page.html
    again = client.post(register_url(session), data=register_data(
        [a, b, c], {a.id: "attended", b.id: "did_not_attend"},
        versions={a.id: 1, b.id: 1}, was={a.id: "attended", b.id: "attended"}))
    assert again.status_code == 302
    assert marks(session)[b.id] == "did_not_attend"


def test_an_untouched_row_never_overwrites_a_colleagues_mark(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    mark_attendance(session, b, AttendanceStatus.CANCELLED_BY_PARENT, None, 0)
    db.session.commit()
    mark_attendance(session, b, AttendanceStatus.ATTENDED, None, 1)  # changed after she loaded
    db.session.commit()
    response = client.post(register_url(session), data=register_data(
        [a, b], {a.id: "attended", b.id: "cancelled_by_parent"},
        versions={b.id: 1}, was={b.id: "cancelled_by_parent"}))
    assert response.status_code == 302
    assert marks(session)[b.id] == "attended"


def test_unknown_statuses_are_refused_and_her_choices_kept(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    page = post_page(client, register_url(session), register_data(
        [a, b], {a.id: "attended", b.id: "partied"}), status=400)
    assert page.title.startswith("Error:")
    assert "Choose attended, apologies or did not attend for Parent B" in page.text
    assert f'id="status-{a.id}-attended" name="status-{a.id}" value="attended" checked' in page.html
    assert marks(session) == {}


def test_odd_versions_and_field_names_never_cause_a_server_error(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    data = register_data([a, b], {a.id: "attended", b.id: "attended"})
    data.update({f"version-{a.id}": "-5", f"version-{b.id}": "9" * 40, "status-abc": "x",
                 "status-": "attended", f"was-{a.id}": "x" * 5000})
    response = client.post(register_url(session), data=data)
    assert response.status_code == 409
    assert marks(session) == {}


def test_facilitators_cannot_touch_another_groups_register(client, sign_in):
    me = sign_in("facilitator")
    _mine, my_session, (mine, *_rest) = make_group_meeting_today(facilitators=[me])
    _other, their_session, (theirs, *_more) = make_group_meeting_today()
    db.session.commit()
    assert client.get(register_url(their_session)).status_code == 403
    assert client.post(register_url(their_session), data=register_data(
        [theirs], {theirs.id: "attended"})).status_code == 403
    tampered = register_data([mine, theirs], {mine.id: "attended", theirs.id: "attended"})
    assert client.post(register_url(my_session), data=tampered).status_code == 403
    assert client.get(f"{register_url(my_session)}/{theirs.id}").status_code == 403
    assert client.post(f"{register_url(my_session)}/{theirs.id}", data={
        "status": "attended", "version": "0"}).status_code == 403
    assert client.get(f"{register_url(their_session)}/{theirs.id}").status_code == 403
    assert client.get("/staff/sessions/999999/register").status_code == 404
    assert client.get(f"{register_url(my_session)}/999999").status_code == 404
    assert marks(my_session) == {} and marks(their_session) == {}


def test_admins_may_take_any_register(client, sign_in):
    sign_in("admin")
    _group, session, (a, *_rest) = make_group_meeting_today()
    db.session.commit()
    get_page(client, register_url(session))
    assert client.post(register_url(session), data=register_data(
        [a], {a.id: "attended"})).status_code == 302


def test_a_correction_is_audited_and_shows_who_and_when(client, sign_in):
    me = sign_in("facilitator", name="Fran Facilitator")
    _group, session, (a, *_rest) = make_group_meeting_today(facilitators=[me])
    mark_attendance(session, a, AttendanceStatus.DID_NOT_ATTEND, me, 0)
    db.session.commit()
    url = f"{register_url(session)}/{a.id}"
    get_page(client, url)
    response = client.post(url, data={"status": "attended", "version": "1",
                                      "reason": "She came late"})
    assert response.status_code == 302
    assert marks(session)[a.id] == "attended"
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "attendance.change").order_by(AuditEvent.id.desc())).first()
    assert event.actor == me.get_id()
    assert event.details["before"]["status"] == "did_not_attend"
    assert event.details["after"] == {"status": "attended", "reason": "She came late",
                                      "version": 2}
    page = get_page(client, url)
    assert "Fran Facilitator" in page.text and "She came late" in page.text
    assert "Did not attend → Attended" in page.text


def test_a_correction_with_mistakes_keeps_what_she_typed(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, *_rest) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    url = f"{register_url(session)}/{a.id}"
    page = post_page(client, url, {"status": "attended", "version": "0", "reason": "y" * 501},
                     status=400)
    assert "Write 500 characters or fewer" in page.text and "y" * 501 in page.html
    page = post_page(client, url, {"status": "vanished", "version": "0"}, status=400)
    assert page.title.startswith("Error:")
    assert marks(session) == {}


def test_a_stale_correction_says_what_it_is_now(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, *_rest) = make_group_meeting_today(facilitators=[me])
    mark_attendance(session, a, AttendanceStatus.ATTENDED, me, 0)
    db.session.commit()
    page = post_page(client, f"{register_url(session)}/{a.id}",
                     {"status": "did_not_attend", "version": "0"}, status=409)
    assert "Someone else changed this mark" in page.text and "It is now: Attended" in page.text
    assert 'name="version" type="hidden" value="1"' in page.html
    assert marks(session)[a.id] == "attended"


def test_a_cancelled_session_shows_everyone_cancelled_by_us(client, sign_in):
    me = sign_in("facilitator")
    _group, session, (a, b, c) = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    client.post(f"/staff/groups/{session.group_id}/sessions/{session.id}/cancel",
                data={"note": "Flooded"})
    assert set(marks(session).values()) == {"cancelled_by_service"}
    page = get_page(client, register_url(session))
    assert "Session cancelled" in page.text and page.text.count("Cancelled by us") == 3
    response = client.post(register_url(session), data=register_data([a], {a.id: "attended"}))
    assert response.status_code == 302 and marks(session)[a.id] == "cancelled_by_service"


def test_a_session_cancelled_without_the_listener_is_stored_when_viewed(client, sign_in):
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
    get_page(client, register_url(session))
    assert set(marks(session).values()) == {"cancelled_by_service"}


def test_a_family_who_left_while_she_was_marking_is_skipped_not_refused(client, sign_in):
    from datetime import timedelta

    from pairs_group.parents.models import EnrolmentStatus

    me = sign_in("facilitator")
    _group, session, (a, b, _c) = make_group_meeting_today(facilitators=[me])
    b.status, b.ended_at = EnrolmentStatus.WITHDRAWN, session.starts_at - timedelta(days=1)
    db.session.commit()
    response = client.post(register_url(session), data=register_data(
        [a, b], {a.id: "attended", b.id: "attended"}))
    assert response.status_code == 302
    assert marks(session) == {a.id: "attended"}
