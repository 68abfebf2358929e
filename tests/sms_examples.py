"""Realistic long details for rendering every kind of text: each language's longest session
date in a year (its longest weekday and month names), on top of each kind's example (the demo's
longest venue name, a texted link on a long host)."""

import functools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale

from pairs_group.i18n import babel_locale
from pairs_group.sms.messages import when
from pairs_group.sms.segments import count_segments

LONDON = ZoneInfo("Europe/London")


def session_moments(year=2027):
    """A 13:30 session on every day of the year (summer and winter time both)."""
    first = date(year, 1, 1)
    return [datetime.combine(first + timedelta(days=n), time(13, 30), LONDON).isoformat()
            for n in range(365)]


@functools.cache
def longest_session_moment(language):
    """The session moment whose words are longest in this language (in encoding units)."""
    with force_locale(babel_locale(language)):
        return max(session_moments(), key=lambda moment: count_segments(when(moment)).characters)


def long_details(language):
    return {"starts_at": longest_session_moment(language)}
