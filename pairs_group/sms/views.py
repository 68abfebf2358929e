"""Staff pages for texts: the message log, one parent's texts, replies, opt-outs, templates."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pairs_group.audit.service import record, record_shown
from pairs_group.db import db
from pairs_group.groups.models import Group, GroupSession
from pairs_group.groups.service import sees_every_group, visible_group_ids
from pairs_group.i18n import LANGUAGES
from pairs_group.navigation import add_staff_link
from pairs_group.parents.models import Dyad, Enrolment, Parent
from pairs_group.sms import cli, follow_up, inbound, webhooks
from pairs_group.sms.explain import explain
from pairs_group.sms.forms import ACTION_LABELS, STATUS_LABELS, MessageFilterForm, kind_label
from pairs_group.sms.messages import KINDS
from pairs_group.sms.models import (
    NEEDS_ATTENTION,
    InboundAction,
    InboundMessage,
    OptOutEvent,
    OutboxMessage,
)
from pairs_group.sms.segments import count_segments
from pairs_group.sms.service import init_app as init_service
from pairs_group.sms.service import render_example, send_soon
from pairs_group.times import london_day_bounds

bp = Blueprint("sms", __name__, url_prefix="/staff/texts")
PAGE_SIZE = 100


def for_this_staff(query, parent_column):
    """Admins see every parent's texts; a facilitator only those of the parents enrolled in
    the groups she may see."""
    if sees_every_group(current_user):
        return query
    parents = (sa.select(Dyad.parent_id).join(Enrolment, Enrolment.dyad_id == Dyad.id)
               .where(Enrolment.group_id.in_(visible_group_ids(current_user))))
    return query.where(parent_column.in_(parents))


def filtered_messages(form):
    query = sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc(),
                                              OutboxMessage.id.desc())
    if form.status.data:
        query = query.where(OutboxMessage.status == form.status.data)
    if form.kind.data:
        query = query.where(OutboxMessage.kind == form.kind.data)
    if form.group_id.data:
        query = query.join(GroupSession, GroupSession.id == OutboxMessage.session_id).where(
            GroupSession.group_id == int(form.group_id.data))
    if form.sent_from.data:
        query = query.where(OutboxMessage.created_at >= london_day_bounds(form.sent_from.data)[0])
    if form.sent_to.data:
        query = query.where(OutboxMessage.created_at < london_day_bounds(form.sent_to.data)[1])
    return for_this_staff(query, OutboxMessage.parent_id)


@bp.get("/")
def list_messages():
    groups = db.session.scalars(sa.select(Group).order_by(Group.name)).all()
    form = MessageFilterForm(request.args, KINDS, groups)
    messages = []
    if not request.args or form.validate():
        messages = db.session.scalars(filtered_messages(form).limit(PAGE_SIZE)).all()
    attention = db.session.scalar(for_this_staff(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(
            follow_up.needs_attention()), OutboxMessage.parent_id))
    parents = parents_of(messages)
    page = render_template("sms/list.html", form=form, messages=messages, attention=attention,
                           parents=parents, labels=STATUS_LABELS, back="list",
                           resends=follow_up.resends_of(messages),
                           needs_attention=NEEDS_ATTENTION, page_size=PAGE_SIZE)
    return audited(page, "sms.view_log", parents)


def audited(page, action, parents):
    """A page of texts that named parents is recorded with whom it showed."""
    if parents:
        record_shown(action, parent_ids=sorted(parents))
    return page


def parents_of(rows):
    ids = {row.parent_id for row in rows if row.parent_id}
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(sa.select(Parent).where(Parent.id.in_(ids)))}


@bp.get("/parents/<int:parent_id>")
def parent_history(parent_id):
    parent = db.session.get(Parent, parent_id) or abort(404)
    if not db.session.scalar(for_this_staff(sa.select(Parent.id).where(Parent.id == parent.id),
                                            Parent.id)):
        abort(403)
    messages = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.parent_id == parent.id).order_by(OutboxMessage.created_at.desc())
        .limit(500)).all()
    replies = db.session.scalars(sa.select(InboundMessage).where(
        InboundMessage.parent_id == parent.id).order_by(InboundMessage.received_at.desc())
        .limit(500)).all()
    record("sms.view_history", parent)
    db.session.commit()
    return render_template("sms/parent.html", parent=parent, messages=messages, replies=replies,
                           labels=STATUS_LABELS, needs_attention=NEEDS_ATTENTION, back="parent",
                           resends=follow_up.resends_of(messages))


def row_for_this_staff(model, row_id):
    """A text or a reply, if this member of staff may see its parent (404 or 403 otherwise)."""
    row = db.session.get(model, row_id) or abort(404)
    if not db.session.scalar(for_this_staff(sa.select(model.id).where(model.id == row.id),
                                            model.parent_id)):
        abort(403)
    return row


def back_to(message):
    """Where staff acted from: the log, or her texts (a fixed choice, never a URL given)."""
    if request.form.get("back") == "parent" and message.parent_id:
        return url_for("sms.parent_history", parent_id=message.parent_id)
    return url_for("sms.list_messages")


@bp.post("/<int:message_id>/send-again")
def resend_message(message_id):
    message = row_for_this_staff(OutboxMessage, message_id)
    try:
        again = follow_up.resend(message)
    except follow_up.CannotDoThat as error:
        db.session.rollback()
        flash(str(error), "info")
    else:
        db.session.commit()
        send_soon(again)
        flash(_("A new text is on its way. It goes only if she still wants texts, and not at "
                "night."), "success")
    return redirect(back_to(message))


@bp.post("/<int:message_id>/checked")
def mark_checked(message_id):
    message = row_for_this_staff(OutboxMessage, message_id)
    try:
        follow_up.mark_checked(message, current_user)
    except follow_up.CannotDoThat as error:
        flash(str(error), "info")
    else:
        db.session.commit()
        flash(_("Text marked as checked."), "success")
    return redirect(back_to(message))


@bp.get("/replies")
def inbox():
    show_all = request.args.get("show") == "all"
    query = for_this_staff(sa.select(InboundMessage), InboundMessage.parent_id).order_by(
        InboundMessage.received_at.desc()).limit(200)
    if not show_all:
        query = query.where(InboundMessage.action == InboundAction.INBOX,
                            InboundMessage.reviewed_at.is_(None))
    replies = db.session.scalars(query).all()
    parents = parents_of(replies)
    page = render_template("sms/inbox.html", replies=replies, parents=parents,
                           show_all=show_all, action_labels=ACTION_LABELS)
    return audited(page, "sms.view_replies", parents)


@bp.post("/replies/<int:reply_id>/done")
def review_reply(reply_id):
    reply = row_for_this_staff(InboundMessage, reply_id)
    inbound.mark_reviewed(reply, current_user)
    db.session.commit()
    flash(_("Reply marked as dealt with."), "success")
    return redirect(url_for("sms.inbox"))


@bp.get("/opt-outs")
def opt_outs():
    since = sa.func.coalesce(Parent.sms_carrier_blocked_at, Parent.sms_opted_out_at)
    parents = db.session.scalars(for_this_staff(
        sa.select(Parent).where(since.is_not(None)), Parent.id).order_by(since.desc())).all()
    events = db.session.scalars(for_this_staff(sa.select(OptOutEvent), OptOutEvent.parent_id)
                                .order_by(OptOutEvent.at.desc()).limit(200)).all()
    names = {p.id: p.name for p in parents} | {
        p.id: p.name for p in parents_of(events).values()}
    page = render_template("sms/opt_outs.html", parents=parents, events=events, names=names)
    return audited(page, "sms.view_opt_outs", names)


def template_rows():
    """Each kind in each language: its example text, segments and estimated cost."""
    price = current_app.config["SMS_COST_PER_SEGMENT"]
    rows = []
    for name in sorted(KINDS):
        for code in LANGUAGES:
            for discreet in (False, True):
                text = render_example(name, code, discreet=discreet)
                counted = count_segments(text)
                rows.append({"kind": KINDS[name], "language": LANGUAGES[code],
                             "discreet": discreet, "text": text, "count": counted,
                             "cost": counted.segments * price,
                             "over": counted.segments > KINDS[name].budget})
    return [row for i, row in enumerate(rows)
            if not row["discreet"] or row["text"] != rows[i - 1]["text"]]


@bp.get("/templates")
def message_templates():
    return render_template("sms/templates.html", rows=template_rows(),
                           price=current_app.config["SMS_COST_PER_SEGMENT"])


def init_app(app):
    init_service(app)
    webhooks.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(cli.sms_commands)
    add_staff_link("sms.list_messages", _l("Texts"), order=60)
    app.jinja_env.globals["sms_kind_label"] = kind_label
    app.jinja_env.globals["sms_explain"] = explain
    app.jinja_env.globals["sms_may_resend"] = follow_up.may_resend
