"""The note staff write when moving or cancelling a session reaches parents, quoted as the team's
own words, and a note too long for the texts is refused on the form in the staff's language."""

from datetime import date, time

import pytest
import sqlalchemy as sa

from pairs_group.db import db, utcnow
from pairs_group.groups.models import SessionStatus
from pairs_group.reminders.notes import NOTE_SEGMENTS
from pairs_group.sms.models import OutboxMessage
from pairs_group.sms.outbox import KINDS
from pairs_group.sms.segments import count_segments
from pairs_group.sms.service import backend
from tests import factories
from tests.pages import expect_redirect, post_form, post_page

NOTE = "The hall is closed, we meet in Room 2 upstairs."


@pytest.fixture
def group(app, time_machine):
    time_machine.move_to("2027-01-02T11:00:00+00:00", tick=False)
    group = factories.make_group(first_day=date(2027, 1, 12), start_time=time(10, 0))
    for language in ("en", "pt"):
        factories.enrol(factories.make_dyad(language=language), group)
    db.session.commit()
    return group


def move_form(note, day="2027-01-13"):
    return {"day": day, "at": "10:00", "venue_id": "0", "note": note}


def test_the_note_with_a_move_reaches_every_parent_as_the_teams_words(group, client, sign_in):
    sign_in("admin")
    session = group.sessions[0]
    expect_redirect(post_form(client, "groups.move_session", move_form(NOTE),
                              group_id=group.id, session_id=session.id),
                    "groups.show_group", group_id=group.id)
    bodies = {m["language"]: m["body"] for m in backend().sent}
    assert set(bodies) == {"en", "pt"}
    assert bodies["en"].endswith(f'From the team: "{NOTE}"')
    assert bodies["pt"].endswith(f'Nota dos organizadores: "{NOTE}"')
    limit = KINDS["session_moved"].budget + NOTE_SEGMENTS  # the room the form allowed
    assert all(count_segments(body).segments <= limit for body in bodies.values()), bodies


def test_the_reason_for_a_cancelled_session_reaches_parents(group, client, sign_in):
    sign_in("admin")
    session = group.sessions[1]
    expect_redirect(post_form(client, "groups.cancel_session",
                              {"note": "Sorry,\n the room\tflooded."},
                              group_id=group.id, session_id=session.id),
                    "groups.show_group", group_id=group.id)
    assert [m["body"].endswith('"Sorry, the room flooded."') for m in backend().sent] == [
        True, True]


def test_a_change_without_a_note_says_nothing_from_the_team(group, client, sign_in):
    sign_in("admin")
    expect_redirect(post_form(client, "groups.move_session", move_form(""),
                              group_id=group.id, session_id=group.sessions[0].id),
                    "groups.show_group", group_id=group.id)
    assert not any('"' in m["body"] for m in backend().sent)


def test_a_note_too_long_for_the_texts_is_refused_in_the_staffs_language(group, client,
                                                                          sign_in):
    staff = sign_in("admin")
    staff.language = "pt"
    db.session.commit()
    session = group.sessions[0]
    long_note = "We’re upstairs. " * 12  # a curly apostrophe makes the whole text UCS-2
    page = post_page(client, "groups.move_session", move_form(long_note), status=200,
                     group_id=group.id, session_id=session.id)
    error = page.text_of(".nhsuk-error-message")
    assert "a mensagem para as mães e pais fica longa demais" in error
    room = int("".join(c for c in error if c.isdigit()))
    assert 0 < room < len(long_note.strip())
    assert db.session.get(type(session), session.id).status == SessionStatus.SCHEDULED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    expect_redirect(post_form(client, "groups.move_session", move_form(long_note[:room]),
                              group_id=group.id, session_id=session.id),
                    "groups.show_group", group_id=group.id)
    assert len(backend().sent) == 2


def test_an_arabic_parent_makes_the_room_for_a_note_smaller(group, client, sign_in):
    sign_in("admin")
    factories.enrol(factories.make_dyad(language="ar"), group).enrolled_at = utcnow()
    db.session.commit()
    page = post_page(client, "groups.cancel_session", {"note": "y" * 150}, status=200,
                     group_id=group.id, session_id=group.sessions[0].id)
    room = int("".join(c for c in page.text_of(".nhsuk-error-message") if c.isdigit()))
    assert 10 < room < 150
