"""Days and times for one page of hers, written as the london_date and london_time filters write
them, with the locale, its patterns and the clock looked up once and each moment moved to London
once (her home page shows a session's day, its time and its short day)."""

from datetime import datetime

from babel.dates import get_date_format, parse_pattern
from flask_babel import get_locale, to_user_timezone

from pairs_group.i18n import clock_pattern

STYLES = ("full", "long", "medium", "short")


class LondonDates:
    """Made per request: it holds nothing of hers beyond the page being made."""

    def __init__(self):
        self.locale = get_locale()
        self._patterns, self._in_london = {}, {}

    def date(self, moment, style="full"):
        """As `moment|london_date(style)`."""
        if not moment:
            return ""
        day = self._local(moment).date() if isinstance(moment, datetime) else moment
        return self._pattern("date", style).apply(day, self.locale)

    def time(self, moment, style="short"):
        """As `moment|london_time(style)`: a 24-hour clock in every language."""
        if not moment:
            return ""
        return self._pattern("time", style).apply(self._local(moment).timetz(), self.locale,
                                                  reference_date=moment.date())

    def _local(self, moment):
        if moment not in self._in_london:
            self._in_london[moment] = to_user_timezone(moment)
        return self._in_london[moment]

    def _pattern(self, kind, style):
        key = (kind, style)
        if key not in self._patterns:
            if kind == "time":
                self._patterns[key] = parse_pattern(clock_pattern(self.locale, style))
            elif style in STYLES:
                self._patterns[key] = parse_pattern(get_date_format(style, self.locale))
            else:
                self._patterns[key] = parse_pattern(style)
        return self._patterns[key]
