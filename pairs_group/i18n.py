"""Languages: which one a page is in, how it is chosen, and the switch that remembers it."""

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from babel import Locale as BabelLocale
from flask import g, has_request_context, request, url_for
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_locale, get_timezone
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LANGUAGE_COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    direction: str = "ltr"


CATALOGUES = Path(__file__).resolve().parent.parent / "translations"
# The language switch's order; a language added later (`flask translate init LANG`) follows.
ORDER = ("en", "pt", "es", "pl", "fr", "so", "ar")


def describe(code):
    """A language as its speakers write its name (a parent looks for hers written her way),
    and its direction, from Babel's CLDR data."""
    locale = BabelLocale.parse(code)
    name = locale.get_display_name(code)
    return Language(code, name[:1].upper() + name[1:], locale.text_direction)


def shipped_languages(catalogues=CATALOGUES):
    """English plus every language with a catalogue: adding one is `flask translate init LANG`
    and translating it (the catalogue tests fail until every string is translated)."""
    codes = {"en"} | {po.parent.parent.name for po in catalogues.glob("*/LC_MESSAGES/messages.po")}
    ordered = sorted(codes, key=lambda c: (ORDER.index(c) if c in ORDER else len(ORDER), c))
    return {code: describe(code) for code in ordered}


LANGUAGES = shipped_languages()


class RequestDomain(Domain):
    """flask-babel's domain, remembering this request's catalogue for its locale: a page asks
    for a few hundred strings, and flask-babel looks the catalogue up afresh for each one."""

    def get_translations(self):
        space = _babel_space()
        remembered = getattr(space, "pairs_translations", None)
        if remembered is not None and remembered[0] is getattr(space, "babel_locale", None):
            return remembered[1]
        translations = super().get_translations()
        space = _babel_space()  # flask-babel has now chosen the locale
        if space is not None and getattr(space, "babel_locale", None) is not None:
            space.pairs_translations = (space.babel_locale, translations)
        return translations


def _babel_space():
    """Where flask-babel keeps this context's locale (force_locale changes it, refresh() drops
    it), read straight from the application context rather than through several proxies."""
    context = _cv_app.get(None)
    return getattr(context.g, "_flask_babel", None) if context is not None else None


def locale_and_zone():
    """This page's locale and time zone (Europe/London), read where flask-babel keeps them once
    chosen: its get_locale() and get_timezone() pass through several proxies on every call,
    and a register or a report formats a few hundred dates and times."""
    space = _babel_space()
    locale = getattr(space, "babel_locale", None) or get_locale()
    return locale, getattr(space, "babel_tzinfo", None) or get_timezone()


class PairsBabel(Babel):
    """Flask-Babel with the RequestDomain, for templates and lazy strings alike."""

    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)

    def install_gettext(self, app):
        def translations():
            return self.domain_instance.get_translations()

        app.jinja_env.install_gettext_callables(
            gettext=lambda s: translations().ugettext(s),
            ngettext=lambda s, p, n: translations().ungettext(s, p, n),
            pgettext=lambda c, s: translations().upgettext(c, s),
            npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
            newstyle=True)
        app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = _page_gettext(
            translations)


def _page_gettext(translations):
    """Jinja's newstyle gettext in one call instead of four: a page says `_()` a few hundred
    times, and jinja2.ext's `_` looks `gettext` up, which calls a wrapper, which calls ours.
    Same result: the translation, escaped as markup when autoescaping, formatted with the
    (escaped) variables, as always even without any (a msgid's "%%" prints "%")."""

    @pass_eval_context
    def gettext(eval_context, string, /, **variables):
        text = translations().ugettext(string)
        if eval_context.autoescape:
            # Markup: our catalogue, trusted as jinja2.ext trusts it
            text = Markup(text)  # noqa: S704  # nosec B704
        return text % variables if variables or "%" in text else text

    return gettext


babel = PairsBabel()


def supported(code):
    """The language code if we ship it, else None."""
    code = (code or "").strip().lower()[:8]
    return code if code in LANGUAGES else None


def saved_language():
    """The signed-in person's own choice, if any."""
    if current_user and current_user.is_authenticated:
        return supported(getattr(current_user, "language", None))
    return None


# Babel locales for formatting: English dates and times as written in the UK, not the US, and
# Portuguese as written in Portugal and Madeira (most of Lambeth's Portuguese speakers), not
# Brazil. The catalogue is still translations/pt: gettext looks for pt_PT, then pt.
BABEL_LOCALES = {"en": "en_GB", "pt": "pt_PT"}


def babel_locale(code):
    return BABEL_LOCALES.get(code, code)


@lru_cache(maxsize=128)
def clock_pattern(locale, style="short"):
    """The language's time pattern on a 24-hour clock, as her texts write times: "18:30",
    never Somali's "6:30 GD" or Arabic's "6:30 م" beside a text that said 18:30."""
    pattern = locale.time_formats[style].pattern
    pattern = re.sub(r"[\s\u202f]*\ba+\b", "", pattern).lstrip(" \u202f")
    return re.sub(r"[hHkK]+", "HH", pattern)


@lru_cache(maxsize=128)
def datetime_pattern(locale, style="medium"):
    """The language's date-and-time pattern with its time on a 24-hour clock."""
    joined = str(locale.datetime_formats[style])
    return joined.replace("{0}", clock_pattern(locale, style)).replace(
        "{1}", locale.date_formats[style].pattern)


def select_locale():
    """?lang= (the switch), then the signed-in person's language, cookie, browser, English."""
    if not has_request_context():
        return babel_locale("en")  # command-line work: English unless force_locale says otherwise
    asked = supported(request.args.get("lang"))
    if asked:
        g.remember_language = asked
        return babel_locale(asked)
    saved = saved_language()
    if saved and saved != request.cookies.get(LANGUAGE_COOKIE):
        g.remember_language = saved  # so a page made without the database is in hers too
    return babel_locale(
        saved
        or supported(request.cookies.get(LANGUAGE_COOKIE))
        or browser_language(request.headers.get("Accept-Language", ""))
        or "en"
    )


@lru_cache(maxsize=256)
def browser_language(accept_language):
    """The browser's best match among ours (werkzeug's request.accept_languages.best_match),
    worked out once per Accept-Language header: browsers send a few dozen different ones, and
    matching one took longer than choosing everything else about the page's language."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(list(LANGUAGES))


def remember(code):
    """Keep this language as her cookie with this response (a page reached from her text, or
    the switch)."""
    code = supported(code)
    if code:
        g.remember_language = code


def remember_language(response):
    """Keep ?lang= as a cookie, so a link from a flyer or SMS stays in her language."""
    code = g.get("remember_language")
    if code:
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
            secure=request.is_secure,
        )
    return response


def current_language():
    """The Language of the page being made."""
    locale = get_locale()
    return LANGUAGES.get(locale.language if locale else "en", LANGUAGES["en"])


def language_links():
    """(language, this page's address in it) for the switch of someone not signed in. The
    address is built once and each language adds its ?lang= (what url_for(..., lang=code)
    gives: a page's own arguments are in its path)."""
    here = url_for(request.endpoint or "pages.index", **(request.view_args or {}))
    return [(language, f"{here}?lang={code}") for code, language in LANGUAGES.items()]


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["language_links"] = language_links
    babel.install_gettext(app)
    app.after_request(remember_language)
    app.context_processor(lambda: {"languages": LANGUAGES, "current_language": current_language()})


def translated(labels):
    """{key: lazy label} as plain text in the page's language, translated once for a page that
    shows the same few labels on every row."""
    return {key: str(label) for key, label in labels.items()}
