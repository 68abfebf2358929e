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


# The days anything may be asked about: no group ran before FIRST_DAY, and a day after LAST_DAY
# is a typing slip (9999-12-31 overflows the arithmetic on dates). The command line's dates and
# --now use these; so can a web form's date filters.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


class OutOfRange(ValueError):
    """A well-formed date or time outside FIRST_DAY-LAST_DAY."""


def day_in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def parse_moment(text: str) -> datetime:
    """An ISO date and time as a UTC moment. One rule for every command: a time without a zone
    is London time (what staff read on the wall clock); a zone, when given, is respected.
    Raises ValueError for text that is not such a time, OutOfRange for one outside
    FIRST_DAY-LAST_DAY."""
    moment = datetime.fromisoformat(text.strip())
    if not day_in_range(moment.date()):
        raise OutOfRange(f"{moment.date()} is outside the dates the service covers "
                         f"({FIRST_DAY} to {LAST_DAY})")
    return (moment if moment.tzinfo else moment.replace(tzinfo=LONDON)).astimezone(UTC)
