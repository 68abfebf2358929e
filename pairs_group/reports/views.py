"""Report pages for the service lead, evaluators and facilitators, with CSV for every table."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import format_decimal, format_percent
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pairs_group.audit.service import record
from pairs_group.auth.login import staff_required
from pairs_group.auth.models import Role
from pairs_group.db import db
from pairs_group.groups.models import Group, Venue, group_facilitator
from pairs_group.navigation import add_staff_link
from pairs_group.reports import (
    attendance,
    charts,
    completeness,
    exports,
    instruments,
    outcomes,
    reach,
)
from pairs_group.reports.cli import export_command, report_command
from pairs_group.reports.csvfiles import csv_lines
from pairs_group.reports.forms import FilterForm
from pairs_group.reports.tables import TABLES

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")

READERS = (Role.ADMIN, Role.EVALUATOR, Role.FACILITATOR)
EXPORTERS = (Role.ADMIN, Role.EVALUATOR)
PAGE_ROWS = 200  # longer tables are shown in part on the page and whole in their CSV
SECTIONS = {
    "attendance": _l("Attendance"), "outcomes": _l("Outcomes"), "reach": _l("Reach"),
    "completeness": _l("Data completeness"),
}


def visible_groups():
    """Admins and evaluators see every group; a facilitator sees the groups she runs."""
    query = sa.select(Group).order_by(Group.first_session_at.desc())
    if current_user.role == Role.FACILITATOR:
        query = query.join(group_facilitator).where(
            group_facilitator.c.staff_user_id == current_user.id)
    return db.session.scalars(query).all()


def read_filter():
    """The filter form from the query string, and the filter it gives (None when invalid)."""
    groups = visible_groups()
    venues = db.session.scalars(sa.select(Venue).order_by(Venue.name)).all()
    if current_user.role == Role.FACILITATOR:
        venues = [v for v in venues if v.id in {g.venue_id for g in groups}]
    form = FilterForm(request.args, groups=groups, venues=venues)
    if not form.validate():
        return form, None
    report_filter = form.to_filter()
    if current_user.role == Role.FACILITATOR:
        report_filter = report_filter.for_groups(g.id for g in groups)
    return form, report_filter


def render_section(section, build):
    form, report_filter = read_filter()
    data = build(report_filter) if report_filter else None
    return render_template(f"reports/{section}.html", form=form, data=data, section=section,
                           sections=SECTIONS, query=request.args.to_dict(),
                           page_rows=PAGE_ROWS, instruments=instruments,
                           status_labels=attendance.STATUS_LABELS,
                           can_export=current_user.role in EXPORTERS)


@bp.get("/")
@staff_required(*READERS)
def show_attendance():
    def build(f):
        data = attendance.summary(f, PAGE_ROWS)
        data["chart"] = charts.year_bars(data["by_financial_year"])
        return data
    return render_section("attendance", build)


@bp.get("/outcomes")
@staff_required(*READERS)
def show_outcomes():
    def build(f):
        data = outcomes.summary(f, PAGE_ROWS)
        data["chart"] = charts.outcome_bars(data["rows"])
        return data
    return render_section("outcomes", build)


@bp.get("/reach")
@staff_required(*READERS)
def show_reach():
    return render_section("reach", reach.summary)


@bp.get("/completeness")
@staff_required(*READERS)
def show_completeness():
    return render_section("completeness", lambda f: completeness.summary(f, PAGE_ROWS))


@bp.get("/exports")
@staff_required(*EXPORTERS)
def show_exports():
    return render_section("exports", lambda f: {"files": list(exports.export_files(f))})


def csv_response(name, lines):
    return Response(stream_with_context(lines), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@bp.get("/<section>/<table>.csv")
@staff_required(*READERS)
def download_table(section, table):
    build = TABLES.get((section, table)) or abort(404)
    _form, report_filter = read_filter()
    if report_filter is None:
        abort(400)
    name = f"{section}-{table}.csv"
    record("export", None, file=name, kind="report_table", filters=report_filter.describe())
    db.session.commit()
    header, rows = build(report_filter)
    return csv_response(name, csv_lines(header, rows))


@bp.get("/exports/<name>")
@staff_required(*EXPORTERS)
def download_export(name):
    _form, report_filter = read_filter()
    if report_filter is None:
        abort(400)
    files = exports.export_files(report_filter)
    lines = files.get(name) or abort(404)
    record("export", None, file=name, kind="pseudonymised", filters=report_filter.describe())
    db.session.commit()
    return csv_response(name, lines())


def percent(value, digits=1):
    """A proportion as a percentage in the reader's language; a dash when there is none."""
    if value is None:
        return "–"
    return format_percent(value, format="#,##0." + "0" * digits + "%") if digits else \
        format_percent(value)


def number(value, digits=2):
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0." + "0" * digits) if digits else \
        format_decimal(value)


def p_value(value):
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else format_decimal(value, format="0.000")


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.filters.update(report_percent=percent, report_number=number,
                                 report_p=p_value)
    add_staff_link("reports.show_attendance", _l("Reports"), READERS, order=80)
    app.cli.add_command(export_command)
    app.cli.add_command(report_command)
