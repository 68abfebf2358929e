"""Days and times for one page of hers, written as the london_date and london_time filters write
them, with the locale and the zone looked up once per page and each (moment, style, language)
written once per process: her group's sessions are on the home page of every parent in it,
each time she opens it, and Babel works a day or a time out afresh on every call."""

from datetime import UTC, datetime
from functools import lru_cache

from babel.dates import get_date_format, parse_pattern

from pairs_group.i18n import clock_pattern, locale_and_zone

STYLES = ("full", "long", "medium", "short")


class LondonDates:
    """Made per request: it holds nothing of hers, only the page's language and zone."""

    def __init__(self):
        self.locale, self.zone = locale_and_zone()

    def date(self, moment, style="full"):
        """As `moment|london_date(style)`."""
        if not moment:
            return ""
        return written_date(moment, style, self.zone, self.locale)

    def time(self, moment, style="short"):
        """As `moment|london_time(style)`: a 24-hour clock in every language."""
        if not moment:
            return ""
        return written_time(_aware(moment), style, self.zone, self.locale)


@lru_cache(maxsize=4096)
def written_date(moment, style, zone, locale):
    """A day (or a moment's day in `zone`) in a Babel style or pattern of this language. Only
    the arguments decide the words, so they are kept (a few weeks of sessions' days, in each
    language)."""
    day = _in_zone(moment, zone).date() if isinstance(moment, datetime) else moment
    pattern = get_date_format(style, locale).pattern if style in STYLES else style
    return parse_pattern(pattern).apply(day, locale)


@lru_cache(maxsize=4096)
def written_time(moment, style, zone, locale):
    """A moment's time of day in `zone` on a 24-hour clock in this language, kept as
    written_date keeps a day."""
    return parse_pattern(clock_pattern(locale, style)).apply(
        _in_zone(moment, zone).timetz(), locale, reference_date=moment.date())


def _in_zone(moment, zone):
    return zone.normalize(_aware(moment).astimezone(zone))


def _aware(moment):
    """A stored moment is UTC; a naive one is read as UTC too, as flask-babel reads it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
