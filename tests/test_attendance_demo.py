"""`flask demo` gives the demo facilitator a register to take today."""

from pairs_group.attendance.models import AttendanceStatus
from pairs_group.attendance.service import register_for, todays_sessions
from pairs_group.auth.service import find_staff_by_email
from pairs_group.db import utcnow
from pairs_group.demo_register import GROUP_NAME


def test_the_demo_facilitator_has_a_session_today_with_families_to_mark(runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # twice changes nothing
    facilitator = find_staff_by_email("facilitator@demo.example.org")
    sessions = [s for s in todays_sessions(facilitator, utcnow()) if s.group.name == GROUP_NAME]
    assert len(sessions) == 1
    rows = register_for(sessions[0])
    assert len(rows) == 10
    assert sum(r.is_new for r in rows) == 1
    assert [r.status for r in rows].count(AttendanceStatus.CANCELLED_BY_PARENT) == 1
    assert any(r.family.interpreter_language for r in rows)
