"""Commands: check the instrument files, score a set of answers, queue texts with links."""

import json
from pathlib import Path

import click

from pairs_group.cli_params import now_option
from pairs_group.db import db
from pairs_group.questionnaires import instruments, service

instruments_group = click.Group("instruments", help="Check and try out the instrument files.")
questionnaires_group = click.Group("questionnaires", help="Questionnaire texts.")


@instruments_group.command("check")
def check_command():
    """Validate every instrument file (ours and instance/instruments/)."""
    from flask import current_app

    folders = [instruments.SHIPPED_DIR, Path(instruments.instance_dir(current_app))]
    failed = 0
    for path in [p for folder in folders for p in instruments.instrument_files(folder)]:
        try:
            found = instruments.load_file(path)
            click.echo(f"ok      {found.id} {found.version}  {path}")
        except instruments.InstrumentError as error:
            failed += 1
            click.echo("INVALID " + " ".join(str(error).split()))
    if failed:
        raise click.ClickException(f"{failed} instrument file(s) are not valid")


@instruments_group.command("score")
@click.argument("instrument_id")
@click.argument("answers_file", type=click.Path(exists=True, dir_okay=False))
def score_command(instrument_id, answers_file):
    """Print the scores of ANSWERS_FILE (JSON: item number -> value) as JSON."""
    try:
        instrument = instruments.registry().get(instrument_id)
    except instruments.InstrumentError as error:
        raise click.ClickException(" ".join(str(error).split())) from error
    if instrument is None:
        raise click.ClickException(f"unknown instrument {instrument_id!r}")
    try:
        answers = json.loads(Path(answers_file).read_text(encoding="utf-8"))
    except ValueError as error:
        raise click.ClickException(f"{answers_file} is not JSON: {error}") from error
    if not isinstance(answers, dict):
        raise click.ClickException("the answers must be a JSON object: item number -> value")
    try:
        click.echo(json.dumps(instruments.scores_as_json(instrument, answers)))
    except instruments.AnswerError as error:
        raise click.ClickException(str(error)) from error


@questionnaires_group.command("send-links")
@now_option
def send_links_command(now):
    """Queue the texts with questionnaire links, and one reminder, that are due (idempotent)."""
    counts = service.send_due_links(now)
    db.session.commit()
    click.echo(f"Queued {counts['links']} link(s) and {counts['reminders']} reminder(s).")


def init_app(app):
    app.cli.add_command(instruments_group)
    app.cli.add_command(questionnaires_group)
