"""Every table of the app, imported in one place so migrations see them all."""

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.audit.models import AuditEvent
from pairs_group.auth.models import Role, StaffUser
from pairs_group.groups.models import Group, GroupSession, GroupStatus, SessionStatus, Venue
from pairs_group.parents.models import Baby, Dyad, Enrolment, EnrolmentStatus, Parent, Relationship
from pairs_group.sms.models import MessageStatus, OutboxMessage

__all__ = [
    "Attendance", "AttendanceStatus", "AuditEvent", "MessageStatus", "OutboxMessage", "Baby", "Dyad", "Enrolment", "EnrolmentStatus", "Group",
    "GroupSession", "GroupStatus", "Parent", "Relationship", "Role", "SessionStatus", "StaffUser",
    "Venue",
]
