"""`flask users list|disable|enable|set-role`: operators look after staff accounts from the
command line, with the same rules and audit trail as the admins' pages."""

import sqlalchemy as sa

from pairs_group.audit.models import AuditEvent
from pairs_group.auth.models import StaffUser
from pairs_group.db import db
from tests import factories
from tests.conftest import count_rows, staff_sign_in
from tests.pages import expect_redirect, get_page, post_page, url


def users(runner, *args):
    result = runner.invoke(args=["users", *args])
    db.session.expire_all()
    return result


def events(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_users_list_shows_email_role_active_and_last_sign_in(app, client, runner):
    admin = factories.make_staff("admin", email="ada@example.nhs.uk")
    factories.make_staff("facilitator", email="fay@example.nhs.uk")
    gone = factories.make_staff("evaluator", email="eve@example.nhs.uk")
    gone.active = False
    db.session.commit()
    staff_sign_in(client, admin)
    lines = users(runner, "list").output.splitlines()
    assert lines[0].split() == ["EMAIL", "ROLE", "ACTIVE", "LAST", "SIGN-IN"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert rows["fay@example.nhs.uk"] == ["facilitator", "yes", "never"]
    assert rows["eve@example.nhs.uk"] == ["evaluator", "no", "never"]
    role, active, day, _time = rows["ada@example.nhs.uk"]
    assert (role, active) == ("admin", "yes")
    assert day[:4].isdigit() and day.count("-") == 2


def test_users_disable_ends_the_persons_sessions_at_once(client, runner):
    fay = factories.make_staff("facilitator", email="fay@example.nhs.uk")
    factories.make_staff("admin")
    db.session.commit()
    staff_sign_in(client, fay)
    get_page(client, "groups.list_groups")
    result = users(runner, "disable", "fay@example.nhs.uk")
    assert result.exit_code == 0, result.output
    assert "cannot sign in" in result.output
    expect_redirect(client.get(url(client, "groups.list_groups")), "auth.sign_in")
    page = post_page(client, "auth.sign_in", {"email": fay.email,
                                               "password": factories.STAFF_PASSWORD})
    assert page.shows(".nhsuk-error-message", "not right")
    assert [e.actor for e in events("staff.disable")] == ["system"]


def test_users_enable_lets_a_disabled_person_sign_in_again(client, runner):
    fay = factories.make_staff("facilitator", email="fay@example.nhs.uk")
    fay.active = False
    db.session.commit()
    result = users(runner, "enable", "FAY@example.nhs.uk")
    assert result.exit_code == 0, result.output
    assert db.session.get(StaffUser, fay.id).active
    staff_sign_in(client, fay)
    get_page(client, "groups.list_groups")
    assert len(events("staff.enable")) == 1


def test_users_set_role_changes_what_the_person_may_open(client, runner):
    fay = factories.make_staff("facilitator", email="fay@example.nhs.uk")
    db.session.commit()
    staff_sign_in(client, fay)
    get_page(client, "groups.list_groups")
    result = users(runner, "set-role", "fay@example.nhs.uk", "evaluator")
    assert result.exit_code == 0, result.output
    get_page(client, "groups.list_groups", 403)
    get_page(client, "reports.show_outcomes")
    [event] = events("staff.role_change")
    assert event.details == {"before": "facilitator", "after": "evaluator"}


def test_the_last_admin_is_never_disabled_or_demoted_from_the_command_line(runner):
    factories.make_staff("admin", email="ada@example.nhs.uk")
    other = factories.make_staff("admin", email="bob@example.nhs.uk")
    other.active = False
    db.session.commit()
    before = count_rows(AuditEvent)
    for args in (["disable", "ada@example.nhs.uk"], ["set-role", "ada@example.nhs.uk",
                                                     "facilitator"]):
        result = users(runner, *args)
        assert result.exit_code == 1
        assert "only admin" in result.output
    ada = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == "ada@example.nhs.uk"))
    assert ada.active and ada.role == "admin"
    assert count_rows(AuditEvent) == before


def test_with_a_second_admin_the_first_may_be_disabled(runner):
    factories.make_staff("admin", email="ada@example.nhs.uk")
    factories.make_staff("admin", email="bob@example.nhs.uk")
    db.session.commit()
    assert users(runner, "disable", "ada@example.nhs.uk").exit_code == 0
    result = users(runner, "disable", "bob@example.nhs.uk")
    assert result.exit_code == 1 and "only admin" in result.output


def test_commands_name_an_unknown_email_and_change_nothing(runner):
    for args in (["disable", "x@example.nhs.uk"], ["enable", "x@example.nhs.uk"],
                 ["set-role", "x@example.nhs.uk", "admin"]):
        result = users(runner, *args)
        assert result.exit_code == 1
        assert "no staff account for x@example.nhs.uk" in result.output
    assert users(runner, "set-role", "x@example.nhs.uk", "boss").exit_code == 2


def test_saying_what_is_already_true_changes_nothing(runner):
    factories.make_staff("facilitator", email="fay@example.nhs.uk")
    db.session.commit()
    assert "already enabled" in users(runner, "enable", "fay@example.nhs.uk").output
    assert "already facilitator" in users(runner, "set-role", "fay@example.nhs.uk",
                                          "facilitator").output
    assert count_rows(AuditEvent) == 0
