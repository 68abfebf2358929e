"""`flask export DIR` and `flask report --format json`: the same data from the command line."""

import json
from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale

from pairs_group.audit.service import record
from pairs_group.db import db
from pairs_group.reports import exports, sharing
from pairs_group.reports.filters import ReportFilter
from pairs_group.reports.service import json_report

filter_options = [
    click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="From this day (YYYY-MM-DD)."),
    click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="To this day, included."),
    click.option("--group", "group_id", type=int, help="One group's id."),
    click.option("--venue", "venue_id", type=int, help="One venue's id."),
    click.option("--language", help="Parents using the app in this language (e.g. pt)."),
]


def with_filters(command):
    for option in reversed(filter_options):
        command = option(command)
    return command


def make_filter(start, end, group_id, venue_id, language):
    return ReportFilter(start=start.date() if start else None, end=end.date() if end else None,
                        group_id=group_id, venue_id=venue_id, language=language or None)


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_filters
@click.option("--for-sharing", is_flag=True,
              help="For sharing outside the team: coarsen or suppress postcode, deprivation, "
                   "ethnic group, language and group so every combination has k dyads.")
@click.option("--k", "k", type=click.IntRange(min=2), default=None,
              help="Smallest number of dyads per combination with --for-sharing "
                   "(default: the EXPORT_SHARING_K setting, 5).")
def export_command(directory, for_sharing=False, k=None, **filters):
    """Write the pseudonymised CSV files and their codebook into DIRECTORY."""
    report_filter = make_filter(**filters)
    files, kind = export_files_for(report_filter, for_sharing, k)
    directory.mkdir(parents=True, exist_ok=True)
    for name, lines in files.items():
        with open(directory / name, "w", encoding="utf-8", newline="") as out, \
                force_locale("en"):
            out.writelines(lines())
        record("export", None, file=name, kind=kind, via="cli",
               filters=report_filter.describe())
    db.session.commit()
    click.echo(f"Wrote {len(files)} files to {directory}.")


def export_files_for(report_filter, for_sharing, k):
    """The files and the kind of export the audit log records."""
    if k is not None and not for_sharing:
        raise click.UsageError("--k only applies with --for-sharing.")
    if not for_sharing:
        return exports.export_files(report_filter), "pseudonymised"
    k = k or current_app.config.get("EXPORT_SHARING_K", 5)
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
