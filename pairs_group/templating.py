"""Jinja set-up: our templates first, then NHS.UK frontend's components; shared filters."""

import hashlib
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from babel import dates
from flask import current_app, url_for
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader, Undefined
from jinja2.compiler import CodeGenerator
from jinja2.utils import missing
from markupsafe import Markup

from pairs_group.i18n import (
    LANGUAGES,
    clock_pattern,
    datetime_pattern,
    describe,
    locale_and_zone,
)


@lru_cache(maxsize=256)
def _fingerprint(path, mtime):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_urls(app):
    """static_url(filename) for the app's templates: a static file's URL with a content hash,
    so browsers may cache it for a year. Outside debug mode the files do not change while the
    app runs: each URL is worked out once per process, and found again without going through
    current_app (a page links about ten files; each look-up on disk, then through the proxy,
    added up)."""
    known = {}

    def static_url(filename):
        if app.debug:
            return _static_url(filename)
        try:
            return known[filename]
        except KeyError:
            return known.setdefault(filename, _static_url(filename))

    return static_url


def _static_url(filename):
    path = Path(current_app.static_folder) / filename
    try:
        version = _fingerprint(str(path), path.stat().st_mtime)
    except OSError:
        version = "missing"
    return url_for("static", filename=filename, v=version)


def london_date(value, style="full"):
    """A date (or moment) as the reader's language writes it, in Europe/London. What
    flask_babel's format_date, format_time and format_datetime do, with the locale and the zone
    read once (locale_and_zone)."""
    if not value:
        return ""
    return _london_date(value, style, *locale_and_zone())


def london_time(value, style="short"):
    """A time on a 24-hour clock in every language, as in her texts."""
    if not value:
        return ""
    return _london_time(value, style, *locale_and_zone())


def london_datetime(value, style="full"):
    if not value:
        return ""
    return _london_datetime(value, style, *locale_and_zone())


# Each moment is written once per process for each style and language: Babel takes 15-20 µs
# for one, pages show the same few dozen sessions to everyone (the landing page a dozen dates
# and times on every visit), and the words depend on nothing else.
FORMATTED_KEPT = 4096


@lru_cache(maxsize=FORMATTED_KEPT)
def _london_date(value, style, locale, zone):
    if isinstance(value, datetime):
        value = zone.normalize((value if value.tzinfo else value.replace(tzinfo=UTC))
                               .astimezone(zone))
    return dates.format_date(value, style, locale=locale)


@lru_cache(maxsize=FORMATTED_KEPT)
def _london_time(value, style, locale, zone):
    return dates.format_time(value, clock_pattern(locale, style), tzinfo=zone, locale=locale)


@lru_cache(maxsize=FORMATTED_KEPT)
def _london_datetime(value, style, locale, zone):
    return dates.format_datetime(value, datetime_pattern(locale, style), tzinfo=zone,
                                 locale=locale)


def every_week(group):
    """When a group meets, in the reader's language ("Every Tuesday at 10:00"): the day comes
    from the schedule, so no group name needs a day word in English."""
    first = group.first_session_at
    return _("Every %(day)s at %(time)s", day=london_date(first, "EEEE"), time=london_time(first))


def ltr(value):
    """Phone numbers, codes, postcodes and numbers read left to right, even in Arabic text."""
    if value is None or value == "":
        return ""
    return Markup('<bdi class="pairs-ltr" dir="ltr">%s</bdi>') % value


def as_entered(value):
    """Words staff typed (a venue's name, address or access notes, a group's name) isolated
    from the page around them: on an Arabic page an English address keeps its own order
    ("2 Example Hill", its full stop at its end), its direction read from its first letter."""
    if value is None or value == "":
        return ""
    return Markup("<bdi>%s</bdi>") % value


@lru_cache(maxsize=64)
def lang_dir(code):
    """lang="..." dir="..." for words in a language that may not be the page's (an English
    question on a Portuguese or Arabic page), so each is read and laid out as its own."""
    language = LANGUAGES.get(code) or describe(code)
    return Markup('lang="%s" dir="%s"') % (language.code, language.direction)


def number(value, decimals=None):
    """A number as the reader's language writes it (1,234.5 in English; 1 234,5 in Polish)."""
    if value is None:
        return ""
    if decimals is None:
        return format_decimal(value)
    return format_decimal(value, format="#,##0" + ("." + "0" * decimals if decimals else ""))


def percent(value):
    """A fraction (0.73) as a percentage in the reader's language (73%, 73 %)."""
    return "" if value is None else format_percent(value)


def _text(value):
    """A label as text: a lazy string made plain, markup of ours (a lang="..." span) kept."""
    return value if isinstance(value, Markup) else str(value)


def choice_items(field):
    """A choice field's options as the items NHS.UK radios, checkboxes and selects take."""
    items = []
    for value, label, selected, render_kw in field.iter_choices():
        item = {"value": value, "text": _text(label), "checked": selected, "selected": selected}
        if render_kw and render_kw.get("hint"):
            item["hint"] = {"text": _text(render_kw["hint"])}
        if render_kw and render_kw.get("divider_before"):
            items.append({"divider": _text(render_kw["divider_before"])})
        items.append(item)
    return items


def select_options(field):
    """A select field's <option>s as markup, written once per process for each list of options
    and choice: a report's filter lists some 200 groups and 20 venues, and writing them out
    option by option cost ~0.4 ms of its ~4.5 on every report page. Options are (value, label,
    selected), read straight from (value, label) pairs where the choices are those (a Choice
    made for each of hundreds cost as much again); a label of ours that is markup stays
    markup, anything else is escaped."""
    data, coerce = field.data, field.coerce
    choices = field.choices or []
    if all(type(choice) is tuple and len(choice) == 2 for choice in choices):
        options = tuple((str(value), _text(label), coerce(value) == data)
                        for value, label in choices)
    else:
        options = tuple((str(value), _text(label), bool(selected))
                        for value, label, selected, _kw in field.iter_choices())
    return _options_markup(options)


OPTION = Markup('\n<option value="{}"{}>{}</option>')
SELECTED = Markup(" selected")
OPTIONS_KEPT = 256  # lists of options (each language, each choice): a few dozen in practice


@lru_cache(maxsize=OPTIONS_KEPT)
def _options_markup(options):
    return Markup("").join(OPTION.format(value, SELECTED if selected else "", label)
                           for value, label, selected in options)


class StrictUndefined(Undefined):
    """A missing value that fails the render when a page would print, loop over, measure or
    compare it, so a misspelt variable breaks a test instead of showing a blank. The exceptions,
    each on purpose:
    - truth (`{% if x %}`) stays lenient, as Jinja's own `is defined` and `default` do: asking
      whether something is there is how a template says it may be missing;
    - a missing *key* of a dict, an attribute of None, or a macro's parameter not given, chains:
      NHS.UK frontend's macros read optional parameters several levels down
      (`params.fieldset.legend.text`, `nhsukIcon("arrow-right")` then `params.size`) and only
      print what they found present;
    - comparing a missing dict key is lenient (`item.checked != false` in those macros);
    - two missing values compare equal, which is only ever done on purpose;
    - hashing stays lenient: nhsuk-frontend-jinja 0.10's select writes an unquoted dict key
      (`classes:errorMessage.classes`), an undefined name, whenever it shows an error.
    A misspelt name (`sesion.starts_at`) or a missing attribute of a real object does not chain.
    """

    __slots__ = ()
    __str__ = __html__ = Undefined._fail_with_undefined_error
    __iter__ = __len__ = __contains__ = Undefined._fail_with_undefined_error
    __hash__ = Undefined.__hash__

    def _chains(self):
        """Whether this is an optional parameter left out (see the class's docstring). Jinja gives
        a macro's parameter not given a hint ("parameter 'params' was not provided") and no
        object; a misspelt name has neither."""
        obj = self._undefined_obj
        given_nothing = obj is missing and bool(self._undefined_hint)
        return isinstance(obj, dict) or obj is None or given_nothing

    def __getattr__(self, name):
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        if self._chains():
            return self
        return self._fail_with_undefined_error()

    def __getitem__(self, _key):
        if self._chains():
            return self
        return self._fail_with_undefined_error()

    def __eq__(self, other):
        if isinstance(other, Undefined):
            return True
        if isinstance(self._undefined_obj, dict):
            return False
        return self._fail_with_undefined_error()

    def __ne__(self, other):
        return not self.__eq__(other)


def escape_output(value):
    """What `{{ value }}` prints: markupsafe.escape's text, the same five characters made the
    same entities, as a plain str. Jinja wraps each value it prints in markupsafe.escape, which
    makes a Markup object in Python for each; a page joins them into one str at once. A
    register prints some 1,300 values, and those objects were a tenth of its time."""
    if type(value) is not str:
        if hasattr(value, "__html__"):  # Markup, a macro's output, a lazy translation
            return value.__html__()
        value = str(value)
    return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


class EscapingCodeGenerator(CodeGenerator):
    """Jinja's code generator, with what a template prints escaped by escape_output and each
    block joined where it is called. Only the printing changes: a macro's or a block's output
    is still made Markup when it is kept (a `{% set %}`, a macro's return), and `|e`, `|safe`
    and `~` are Jinja's own."""

    def _output_child_pre(self, node, frame, finalize):
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            return super()._output_child_pre(node, frame, finalize)
        self.write("environment.escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)
        return None

    def writeline(self, x, node=None, extra=0):
        """A block, the parent template of an `extends` or an include is joined into one str
        where it is called, not passed on piece by piece (`yield from`). A register's body is
        some 2,400 pieces, three blocks and two parent templates deep: every piece was handed up
        through each of those generators in turn, a tenth of the page's time. The page is the
        same text; it only leaves each level in one piece (nothing here streams a template)."""
        if x.startswith("yield from "):
            x = f"yield environment.concat({x.removeprefix('yield from ')})"
        super().writeline(x, node, extra)


def init_app(app):
    app.jinja_env.code_generator_class = EscapingCodeGenerator
    app.jinja_env.escape_output = escape_output
    # NHS.UK frontend's components end in .jinja, which Flask does not autoescape by default:
    # a field's value would come back raw inside them. Every template escapes; markup passed
    # as a component's "html" goes through its own |safe.
    app.jinja_env.autoescape = True
    app.jinja_env.undefined = StrictUndefined
    # NHS.UK frontend's macros, ported from Nunjucks, write JavaScript's `undefined` as a value
    # meaning "not given" (`{"html": ... else undefined}`, `params.get("items", undefined)|length`)
    # and print or measure it: there it is the lenient kind, never in our templates' own names.
    app.jinja_env.globals["undefined"] = ChainableUndefined(name="undefined")
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PackageLoader("nhsuk_frontend_jinja")])
    app.jinja_env.globals.update(static_url=static_urls(app), choice_items=choice_items,
                                  select_options=select_options, lang_dir=lang_dir)
    app.jinja_env.filters.update(
        london_date=london_date, london_time=london_time, london_datetime=london_datetime,
        ltr=ltr, number=number, percent=percent, as_entered=as_entered, every_week=every_week,
    )
