"""Report pages for the service lead, evaluators and facilitators, with CSV for every table."""

from functools import partial

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pairs_group.access import lets_in
from pairs_group.audit.service import record
from pairs_group.db import db, statement_by_statement
from pairs_group.groups import service as group_rules
from pairs_group.groups.models import Group, Venue
from pairs_group.navigation import add_staff_link
from pairs_group.reports import (
    attendance,
    cache,
    completeness,
    exports,
    instruments,
    outcomes,
    paging,
    reach,
    referrals,
    rules,
)
from pairs_group.reports.cli import export_command, report_command
from pairs_group.reports.csvfiles import csv_lines
from pairs_group.reports.formatting import number, p_value, percent, session_day
from pairs_group.reports.forms import FilterForm
from pairs_group.reports.tables import TABLES

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")

SECTIONS = {
    "attendance": _l("Attendance"), "outcomes": _l("Outcomes"), "reach": _l("Reach"),
    "referrals": _l("Referrals"), "completeness": _l("Data completeness"),
}


def visible_groups():
    """Admins and evaluators see every group; a facilitator sees the groups she runs.
    Just the columns the filter needs (every group of the borough, on every report page), run
    on the session's connection: rows of plain columns need none of the ORM's execute steps."""
    query = (group_rules.visible_groups(current_user)
             .with_only_columns(Group.id, Group.name, Group.venue_id)
             .order_by(Group.first_session_at.desc()))
    return db.session.connection().execute(query).all()


VENUES = sa.select(Venue.id, Venue.name).order_by(Venue.name)


def filter_choices():
    """(groups, venues) the filter offers this member of staff."""
    groups = visible_groups()
    venues = db.session.connection().execute(VENUES).all()
    if not group_rules.sees_every_group(current_user):
        used = {g.venue_id for g in groups}
        venues = [v for v in venues if v.id in used]
    return groups, venues


def read_filter(generation=None):
    """The filter form from the query string, and the filter it gives (None when invalid).
    With the data's `generation` (a report page), the filter's choices are kept with the
    figures until the data changes: some 200 groups, read on every page, are most of its
    statements' cost; the downloads read them afresh."""
    if generation is None:
        groups, venues = filter_choices()
    else:
        who = "every" if group_rules.sees_every_group(current_user) else current_user.id
        groups, venues = cache.kept_or_read(cache.CHOICES, (who,), generation, filter_choices)
    form = FilterForm(request.args, groups=groups, venues=venues)
    if not form.validate():
        return form, None
    report_filter = form.to_filter()
    if not group_rules.sees_every_group(current_user):
        report_filter = report_filter.for_groups(g.id for g in groups)
    return form, report_filter


def render_section(section, build, cached=True):
    """The section's page: its figures from `build(report_filter, pages)`, through this
    process's cache unless `cached` is False. Only a valid filter reaches the cache or SQL."""
    generation = cache.current_generation() if cached else None
    form, report_filter = read_filter(generation)
    data = worked_out_at = None
    pages = paging.asked_pages(request.args)
    if report_filter is not None:
        if cached:
            data, worked_out_at = cache.section_figures(section, report_filter, pages, build,
                                                        generation)
        else:
            data = build(report_filter, pages)
    query = form.query_args()
    return render_template(f"reports/{section}.html", form=form, data=data, section=section,
                           sections=SECTIONS, query=query, worked_out_at=worked_out_at,
                           page_links=partial(page_links, {**query, **paging.page_args(pages)}),
                           instruments=instruments, rules=rules,
                           status_labels=translated(attendance.STATUS_LABELS),
                           status_keys=attendance.STATUS_KEYS,
                           can_export=lets_in("reports.show_exports", current_user))


def translated(labels):
    """{key: label} with each lazy label translated once: the attendance page writes each
    status's name a dozen times (chart, key, table heads), each a catalogue look-up."""
    return {key: str(label) for key, label in labels.items()}


def page_links(kept, table, page, label):
    """The NHS.UK pagination component's options for one paged table: this page, and `kept`
    (the filter and the other tables' pages, never other query arguments) in the links."""
    def link(number):
        if number is None:
            return {"href": None}
        args = {**kept, paging.PAGE_ARGS[table]: number}
        return {"href": url_for(request.endpoint, **args, _anchor=table),
                "labelText": _("Page %(number)d of %(count)d", number=number, count=page.count)}

    return {"previous": {**link(page.previous), "text": _("Previous")},
            "next": {**link(page.next), "text": _("Next")}, "ariaLabel": label}


def nav_icon(name):
    """NHS.UK frontend's icon `name` (its arrows, for the pagination), drawn once per process:
    the frontend's icon macro costs more to call than the rest of a page's pagination."""
    icons = current_app.extensions.setdefault("reports.nav_icons", {})
    if name not in icons:
        macros = current_app.jinja_env.get_template("nhsuk/macros/icon.jinja").module
        icons[name] = macros.nhsukIcon(name)
    return icons[name]


@bp.get("/")
def show_attendance():
    return render_section("attendance", attendance.section_page)


@bp.get("/outcomes")
def show_outcomes():
    return render_section("outcomes", outcomes.section_page)


@bp.get("/reach")
def show_reach():
    return render_section("reach", lambda f, _pages: reach.summary(f))


@bp.get("/referrals")
def show_referrals():
    return render_section("referrals", lambda f, _pages: referrals.summary(f))


@bp.get("/completeness")
def show_completeness():
    return render_section("completeness", completeness.section_page)


@bp.get("/exports")
def show_exports():
    return render_section("exports", lambda f, _pages: {"files": list(exports.export_files(f))},
                          cached=False)


def csv_response(name, lines):
    return Response(stream_with_context(lines), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@bp.get("/<section>/<table>.csv")
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
def download_export(name):
    _form, report_filter = read_filter()
    if report_filter is None:
        abort(400)
    files = exports.export_files(report_filter)
    lines = files.get(name) or abort(404)
    record("export", None, file=name, kind="pseudonymised", filters=report_filter.describe())
    db.session.commit()
    return csv_response(name, lines())


def init_app(app):
    app.register_blueprint(bp)
    cache.init_app(app)
    statement_by_statement(app, *(f"reports.show_{name}" for name in SECTIONS))  # read only
    app.jinja_env.filters.update(report_percent=percent, report_number=number,
                                 report_p=p_value, report_day=session_day)
    app.jinja_env.globals["nav_icon"] = nav_icon
    add_staff_link("reports.show_attendance", _l("Reports"), order=80)
    app.cli.add_command(export_command)
    app.cli.add_command(report_command)
