"""Attendance: who came to each session, who gave notice, who did not attend."""
