"""Admins' pages for staff accounts: the list, adding a person (with the set-up link to pass
on), and one person's page: role and groups, disable or enable, a new set-up link, reset the
authenticator app."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pairs_group.auth import accounts
from pairs_group.auth.forms import ConfirmForm
from pairs_group.auth.models import StaffUser
from pairs_group.auth.service import AccountError
from pairs_group.db import db
from pairs_group.navigation import add_staff_link
from pairs_group.staff import service
from pairs_group.staff.forms import ROLE_NAMES, NewPersonForm, RoleAndGroupsForm

bp = Blueprint("staff", __name__, url_prefix="/staff/people")


def person(staff_id):
    return db.session.get(StaffUser, staff_id) or abort(404)


@bp.get("/")
def list_staff():
    return render_template("staff/list.html", people=accounts.list_staff(),
                           role_names=ROLE_NAMES)


@bp.route("/new", methods=["GET", "POST"])
def new_staff():
    form = NewPersonForm(groups=service.groups_to_offer())
    if form.validate_on_submit():
        try:
            user, link = service.add_person(form.email.data, form.name.data, form.role.data,
                                            form.group_ids.data)
        except AccountError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            return show_link(user, link, new=True)
    return render_template("staff/new.html", form=form)


def show_link(user, link, new=False):
    """The set-up link is shown once, on the answer to the press that made it: only its hash
    is kept, so no later page can show it again."""
    return render_template("staff/link.html", user=user, link=link, new=new)


@bp.route("/<int:staff_id>", methods=["GET", "POST"])
def show_staff(staff_id):
    user = person(staff_id)
    form = RoleAndGroupsForm(groups=service.groups_to_offer(user), data={
        "role": user.role.value, "group_ids": [g.id for g in service.groups_run_by(user)]})
    if form.validate_on_submit():
        if try_change(service.change_role_and_groups, user, form.role.data,
                      form.group_ids.data):
            flash(_("Role and groups saved."), "success")
        return redirect(url_for("staff.show_staff", staff_id=user.id))
    return render_template("staff/show.html", user=user, form=form, role_names=ROLE_NAMES)


def try_change(change, *args):
    """Make an account change and commit it; a refusal (the last admin) is flashed instead."""
    try:
        changed = change(*args)
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "info")
        return False
    db.session.commit()
    return changed


def act(staff_id, change, message):
    """A button on a person's page: a confirmed press makes the change, then back to the page."""
    user = person(staff_id)
    if ConfirmForm().validate_on_submit() and try_change(change, user) is not False:
        flash(message % {"name": user.name}, "success")
    return redirect(url_for("staff.show_staff", staff_id=user.id))


@bp.post("/<int:staff_id>/disable")
def disable_staff(staff_id):
    return act(staff_id, accounts.disable,
               _("%(name)s cannot sign in any more, and has been signed out everywhere."))


@bp.post("/<int:staff_id>/enable")
def enable_staff(staff_id):
    return act(staff_id, accounts.enable, _("%(name)s can sign in again."))


@bp.post("/<int:staff_id>/reset-two-factor")
def reset_two_factor(staff_id):
    return act(staff_id, accounts.reset_two_factor,
               _("%(name)s will set up a new authenticator app when they next sign in."))


@bp.post("/<int:staff_id>/set-up-link")
def new_set_up_link(staff_id):
    user = person(staff_id)
    if not user.active or not ConfirmForm().validate_on_submit():
        return redirect(url_for("staff.show_staff", staff_id=user.id))
    link = accounts.make_set_up_link(user)
    db.session.commit()
    return show_link(user, link)


def init_app(app):
    app.register_blueprint(bp)
    add_staff_link("staff.list_staff", _l("Staff"), order=80)
