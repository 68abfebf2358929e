"""`flask export DIR` and `flask report --format json`: the same data from the command line."""

import json
import os
import shutil
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale

from pairs_group.audit.service import record
from pairs_group.cli_params import DAY, check_day_order, os_problem
from pairs_group.db import db
from pairs_group.groups.models import Group, Venue
from pairs_group.i18n import LANGUAGES
from pairs_group.reports import exports, sharing
from pairs_group.reports.filters import ReportFilter
from pairs_group.reports.service import json_report

DATABASE_ID = click.IntRange(1, 2**31 - 1)

filter_options = [
    click.option("--start", type=DAY, help="From this day (YYYY-MM-DD)."),
    click.option("--end", type=DAY, help="To this day, included."),
    click.option("--group", "group_id", type=DATABASE_ID, help="One group's id."),
    click.option("--venue", "venue_id", type=DATABASE_ID, help="One venue's id."),
    click.option("--language", help="Parents using the app in this language (e.g. pt)."),
]


def with_filters(command):
    for option in reversed(filter_options):
        command = option(command)
    return command


def make_filter(start, end, group_id, venue_id, language):
    """The filter, once each part is known to make sense: a group, venue or language that does
    not exist would give an empty report that looks like a true one."""
    check_day_order(start, end)
    if group_id and db.session.get(Group, group_id) is None:
        raise click.BadParameter(f"there is no group {group_id}", param_hint="--group")
    if venue_id and db.session.get(Venue, venue_id) is None:
        raise click.BadParameter(f"there is no venue {venue_id}", param_hint="--venue")
    if language is not None and language not in LANGUAGES:
        raise click.BadParameter(f"{language!r} is not one of the app's languages "
                                 f"({', '.join(LANGUAGES)})", param_hint="--language")
    return ReportFilter(start=start, end=end, group_id=group_id, venue_id=venue_id,
                        language=language)


def files_to_replace(directory, names, force):
    """The export's files already in DIRECTORY; refuses a folder with anything in it unless
    --force, so no file is ever overwritten without a word."""
    try:
        present = sorted(entry.name for entry in directory.iterdir()) if directory.exists() else []
    except OSError as error:
        raise click.ClickException(f"Cannot read {directory}: {os_problem(error)}") from error
    if present and not force:
        raise click.ClickException(
            f"{directory} is not empty ({len(present)} item(s), e.g. {present[0]}): choose a new "
            "or empty folder, or add --force to replace files of the same names.")
    return [name for name in names if name in present]


def write_files(directory, files):
    """Write every file into a scratch folder inside DIRECTORY, then move them into place: a
    failure half-way leaves no half-written export (nor a folder this command made)."""
    made = not directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=directory, prefix=".export-") as scratch:
            for name, lines in files.items():
                with open(Path(scratch) / name, "w", encoding="utf-8", newline="") as out, \
                        force_locale("en"):
                    out.writelines(lines())
            for name in files:
                os.replace(Path(scratch) / name, directory / name)
    except OSError as error:
        if made and directory.is_dir():
            shutil.rmtree(directory, ignore_errors=True)
        raise click.ClickException(
            f"Cannot write the export to {directory}: {os_problem(error)}; nothing was "
            "written.") from error


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_filters
@click.option("--force", is_flag=True,
              help="Write into a folder that is not empty, replacing files of the same names.")
@click.option("--for-sharing", is_flag=True,
              help="For sharing outside the team: coarsen or suppress postcode, deprivation, "
                   "ethnic group, language and group so every combination has k dyads.")
@click.option("--k", "k", type=click.IntRange(min=2), default=None,
              help="Smallest number of dyads per combination with --for-sharing "
                   "(default: the EXPORT_SHARING_K setting, 5).")
def export_command(directory, force=False, for_sharing=False, k=None, **filters):
    """Write the pseudonymised CSV files and their codebook into DIRECTORY (a new or empty
    folder, unless --force)."""
    report_filter = make_filter(**filters)
    files, kind = export_files_for(report_filter, for_sharing, k)
    replaced = files_to_replace(directory, files, force)
    write_files(directory, files)
    for name in files:
        record("export", None, file=name, kind=kind, via="cli",
               filters=report_filter.describe())
    db.session.commit()
    click.echo(f"Wrote {len(files)} files to {directory}.")
    if replaced:
        click.echo(f"Replaced {len(replaced)} file(s) that were there: {', '.join(replaced)}.")


def export_files_for(report_filter, for_sharing, k):
    """The files and the kind of export the audit log records."""
    if k is not None and not for_sharing:
        raise click.UsageError("--k only applies with --for-sharing.")
    if not for_sharing:
        return exports.export_files(report_filter), "pseudonymised"
    k = k or current_app.config["EXPORT_SHARING_K"]
    try:
        return sharing.shared_export_files(report_filter, k), f"shared (k={k})"
    except sharing.TooFewToShare as error:
        raise click.ClickException(
            f"Only {error.args[0]} dyads match: fewer than k={k}, so nothing can be shared "
            "without singling someone out.") from error


@click.command("report")
@click.option("--format", "output_format", type=click.Choice(["json"]), default="json",
              help="Output format.")
@with_filters
def report_command(output_format, **filters):
    """Print the whole report (attendance, outcomes, reach, completeness) as JSON."""
    report_filter = make_filter(**filters)
    record("export", None, file="report.json", kind="report", via="cli",
           filters=report_filter.describe())
    db.session.commit()
    with force_locale("en"):
        report = json_report(report_filter)
    click.echo(json.dumps(report, indent=2, ensure_ascii=False))
