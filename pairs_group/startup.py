"""When the app cannot start as configured (a broken instrument file in instance/instruments/,
say): the problem is recorded instead of raised, so the command that checks the files still
runs and names it; every other command, and the web server, refuse with one line saying what
is wrong, rather than a traceback or a half-working app."""

import sys

import click
from flask.cli import AppGroup

PROBLEMS = "startup_problems"
# Commands that still run: `instruments` checks the files, `db` migrates the database.
STILL_RUN = frozenset({"instruments", "db"})
APP_LOAD_ERROR = 4  # gunicorn's exit code for "App failed to load.": it stops, not retries


def cannot_start(app, problem):
    """Record a reason the app cannot serve (one line, naming the file or setting)."""
    app.extensions.setdefault(PROBLEMS, []).append(" ".join(str(problem).split()))


def problems(app):
    return app.extensions.get(PROBLEMS, [])


def refusal_text(found):
    return "PAIRS Group cannot start: " + "; ".join(found)


class CheckedCommands(AppGroup):
    """The app's `flask` commands; while a start-up problem is recorded each one refuses with
    it, except those in STILL_RUN."""

    def __init__(self, app):
        super().__init__(app.name)
        self.app = app

    def get_command(self, ctx, cmd_name):
        command = super().get_command(ctx, cmd_name)
        found = problems(self.app)
        if command is None or not found or cmd_name in STILL_RUN:
            return command
        return refusing_command(cmd_name, refusal_text(found))


def refusing_command(name, text):
    def refuse(args):
        raise click.ClickException(text)

    return click.Command(name, callback=refuse, add_help_option=False,
                         params=[click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)],
                         context_settings={"ignore_unknown_options": True})


def refuse_to_serve(app):
    """Called by wsgi.py. A web server (gunicorn, or `flask run`) must not serve an app that
    cannot start: one line and a non-zero exit. Other `flask` commands load the same module
    and get CheckedCommands' answer instead."""
    found = problems(app)
    context = click.get_current_context(silent=True)
    if not found or (context is not None and context.command.name != "run"):
        return
    if context is not None:
        raise click.ClickException(refusal_text(found))
    print(refusal_text(found), file=sys.stderr, flush=True)  # noqa: T201 - before any logging
    raise SystemExit(APP_LOAD_ERROR)
