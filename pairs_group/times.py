"""Time: stored in UTC, scheduled and shown in Europe/London."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_moment(day: date, at: time) -> datetime:
    """The UTC moment of a wall-clock time in London on a day (clock changes included)."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def in_london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def london_today(now: datetime) -> date:
    return in_london(now).date()


def london_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a London calendar day (23 or 25 hours on clock-change days)."""
    return london_moment(day, time(0)), london_moment(day + timedelta(days=1), time(0))
