"""Figures and days as the reader's language writes them, for the report templates' filters."""

from functools import lru_cache

from babel import Locale
from babel.numbers import parse_pattern

from pairs_group.i18n import locale_and_zone
from pairs_group.templating import london_date
from pairs_group.times import in_london

# The last locale a page asked for, and its name: one page keeps one locale.
_last_locale = (None, None)


def _page_locale():
    """The page's locale by name, worked out once a page: the caches below would otherwise
    hash and compare Babel's Locale in Python (~1 us each time, some 200 times a page)."""
    global _last_locale  # a (locale, name) pair, replaced whole (safe across threads)
    locale, _zone = locale_and_zone()
    seen, name = _last_locale
    if seen is not locale:
        name = str(locale)
        _last_locale = (locale, name)
    return name


@lru_cache(maxsize=64)
def _locale_named(name):
    return Locale.parse(name)


@lru_cache(maxsize=16)
def _pattern(text):
    """A number pattern parsed once (Babel parses it again on every format_* call: ~50 us,
    thousands of times on a report page)."""
    return parse_pattern(text)


@lru_cache(maxsize=4096)
def _formatted(value, pattern, locale_name):
    """As flask_babel.format_percent/format_decimal would write it in this locale; remembered,
    because a cached report page shows the same figures to every reader."""
    return _pattern(pattern).apply(value, _locale_named(locale_name))


def percent(value, digits=1):
    """A proportion as a percentage in the reader's language; a dash when there is none."""
    if value is None:
        return "–"
    name = _page_locale()
    pattern = ("#,##0." + "0" * digits + "%" if digits
               else _locale_named(name).percent_formats[None].pattern)
    return _formatted(value, pattern, name)


def number(value, digits=2):
    if value is None:
        return "–"
    name = _page_locale()
    pattern = ("#,##0." + "0" * digits if digits
               else _locale_named(name).decimal_formats[None].pattern)
    return _formatted(value, pattern, name)


def p_value(value):
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else _formatted(value, "0.000", _page_locale())


@lru_cache(maxsize=1024)
def _day_written(day, style, _locale_name):
    """london_date(day, style) in the page's locale, named in the key (london_date reads it)."""
    return london_date(day, style)


def session_day(moment, style="medium"):
    """The London day of `moment` as london_date writes it, each day written once: a page of
    20 sessions falls on a few days, and Babel takes ~15 us to write one."""
    return _day_written(in_london(moment).date(), style, _page_locale())
