"""`flask translate`: extract, update and compile the catalogues in translations/."""

import subprocess  # noqa: S404 - runs pybabel, a fixed program with fixed arguments
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "translations"
TEMPLATE = CATALOGUES / "messages.pot"


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
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
            "-k", "plural:1,2", "--no-location",
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


@translate_commands.command("init")
@click.argument("language")
def init(language):
    """Start a catalogue for a new LANGUAGE (a code such as ur or yo): the app offers every
    language with a catalogue, named and directed (right to left or not) by Babel."""
    extract.callback()
    pybabel("init", "-i", str(TEMPLATE), "-d", str(CATALOGUES), "-l", language)
