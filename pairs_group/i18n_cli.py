"""`flask translate`: extract, update and compile the catalogues in translations/."""

import subprocess  # noqa: S404 - runs pybabel, a fixed program with fixed arguments
import sys
from pathlib import Path

import click
from babel import Locale, UnknownLocaleError

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "translations"
TEMPLATE = CATALOGUES / "messages.pot"
# The calls whose words are collected, beside pybabel's own (_, gettext, ngettext...):
# {name: which arguments are the words (None: the first)}. sentence() is the register's
# sentences, translated once a page (attendance/display.py).
KEYWORDS = {"_l": None, "lazy_gettext": None, "plural": (1, 2), "sentence": None}


def pybabel(*args):
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    result = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603
    if result.returncode:
        raise click.ClickException("pybabel " + " ".join(args[:1]) + " failed")


@click.group("translate")
def translate_commands():
    """Translation catalogues."""


@translate_commands.command("extract")
def extract():
    """Collect every translatable string into translations/messages.pot."""
    keywords = [f"{name}:{','.join(map(str, spec))}" if spec else name
                for name, spec in KEYWORDS.items()]
    pybabel("extract", "-F", "babel.cfg", *(arg for k in keywords for arg in ("-k", k)),
            "--no-location",
            "--sort-output", "-o", str(TEMPLATE), ".")


@translate_commands.command("update")
def update():
    """Extract, then merge new strings into every language's catalogue."""
    extract.callback()
    pybabel("update", "-i", str(TEMPLATE), "-d", str(CATALOGUES), "--no-fuzzy-matching",
            "--ignore-obsolete")


@translate_commands.command("compile")
def compile_catalogues():
    """Build the .mo files the app reads."""
    pybabel("compile", "-d", str(CATALOGUES), "--statistics")


def new_language(code):
    """The code of a language Babel knows and that has no catalogue yet; anything else is a
    one-line error (`pybabel init` would empty an existing catalogue without a word)."""
    try:
        locale = Locale.parse(code.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as error:
        raise click.BadParameter(f"{code!r} is not a language code Babel knows (e.g. ur, yo, "
                                 "pt_BR)", param_hint="LANGUAGE") from error
    code = str(locale)
    if code == "en":
        raise click.BadParameter("English is the language the strings are written in: it has no "
                                 "catalogue", param_hint="LANGUAGE")
    catalogue = CATALOGUES / code / "LC_MESSAGES" / "messages.po"
    if catalogue.exists():
        raise click.ClickException(
            f"{code} already has a catalogue ({catalogue.relative_to(ROOT)}); nothing was "
            "changed. New strings reach it with `flask --app wsgi translate update`.")
    return code


@translate_commands.command("init")
@click.argument("language")
def init(language):
    """Start a catalogue for a new LANGUAGE (a code such as ur or yo): the app offers every
    language with a catalogue, named and directed (right to left or not) by Babel. A language
    that already has a catalogue is refused."""
    code = new_language(language)
    extract.callback()
    pybabel("init", "-i", str(TEMPLATE), "-d", str(CATALOGUES), "-l", code)
