"""`flask export DIR` and `flask report --format json`: the same data from the command line."""

import json
from pathlib import Path

import click
from flask_babel import force_locale

from pairs_group.audit.service import record
from pairs_group.db import db
from pairs_group.reports import exports
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
def export_command(directory, **filters):
    """Write the pseudonymised CSV files and their codebook into DIRECTORY."""
    report_filter = make_filter(**filters)
    directory.mkdir(parents=True, exist_ok=True)
    for name, lines in exports.export_files(report_filter).items():
        with open(directory / name, "w", encoding="utf-8", newline="") as out, \
                force_locale("en"):
            out.writelines(lines())
        record("export", None, file=name, kind="pseudonymised", via="cli",
               filters=report_filter.describe())
    db.session.commit()
    click.echo(f"Wrote {len(exports.export_files(report_filter))} files to {directory}.")


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
