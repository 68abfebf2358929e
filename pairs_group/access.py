"""THE access matrix: for every endpoint of the app, who may open it. Checked before every
request (the only role gate: views check only which object, e.g. Group.is_run_by), and a
test walks every URL rule against it,
so a new page without an entry fails the suite.

Roles:
  public      anyone, signed in or not
  link        a signed-in parent, or anyone holding a text's signed link (the page checks it)
  webhook     anyone: the page checks the provider's signature instead (no CSRF token)
  parent, facilitator, admin, evaluator
"""

import enum

from flask import abort, current_app, request
from flask_login import current_user


class Role(enum.StrEnum):
    """A member of staff's role (stored on StaffUser.role)."""

    FACILITATOR = "facilitator"
    ADMIN = "admin"
    EVALUATOR = "evaluator"


PUBLIC, LINK, WEBHOOK = "public", "link", "webhook"
PARENT = "parent"
FACILITATOR, ADMIN, EVALUATOR = Role.FACILITATOR, Role.ADMIN, Role.EVALUATOR
ROLES = (PARENT, FACILITATOR, ADMIN, EVALUATOR)

STAFF = frozenset({FACILITATOR, ADMIN})  # people who run groups
ALL_STAFF = frozenset({FACILITATOR, ADMIN, EVALUATOR})
ONLY_ADMIN = frozenset({ADMIN})
ONLY_PARENT = frozenset({PARENT})
PARENT_OR_LINK = frozenset({PARENT, LINK})
ANYONE = frozenset({PUBLIC})
SIGNED_WEBHOOK = frozenset({WEBHOOK})

ACCESS = {
    "static": ANYONE,
    "health.healthz": ANYONE,
    # Public pages
    "pages.index": ANYONE,
    "pages.privacy": ANYONE,
    "pages.accessibility": ANYONE,
    "pages.change_language": ANYONE,
    # Staff sign-in and their own account
    "auth.sign_in": ANYONE,
    "auth.sign_in_code": ANYONE,  # only with a right password just given (checked in the view)
    "auth.sign_out": ANYONE,
    "auth.set_up_two_factor": ALL_STAFF,
    "auth.account": ALL_STAFF,
    "auth.sign_out_everywhere": ALL_STAFF,
    "auth.set_up_account": ANYONE,  # a one-time token in the address (checked in the view)
    "audit.list_events": ONLY_ADMIN,
    # Staff accounts: only admins add people, change roles and groups, disable and enable
    "staff.list_staff": ONLY_ADMIN,
    "staff.new_staff": ONLY_ADMIN,
    "staff.show_staff": ONLY_ADMIN,
    "staff.disable_staff": ONLY_ADMIN,
    "staff.enable_staff": ONLY_ADMIN,
    "staff.reset_two_factor": ONLY_ADMIN,
    "staff.new_set_up_link": ONLY_ADMIN,
    # Groups, venues and sessions (facilitators: only their own groups, checked in the view)
    "groups.list_groups": STAFF,
    "groups.show_group": STAFF,
    "groups.new_group": ONLY_ADMIN,
    "groups.new_venue": ONLY_ADMIN,
    "groups.edit_group": ONLY_ADMIN,
    "groups.edit_venue": ONLY_ADMIN,
    "groups.cancel_session": STAFF,
    "groups.move_session": STAFF,
    # The register
    "attendance.show_today": STAFF,
    "attendance.show_register": STAFF,
    "attendance.save_register": STAFF,
    "attendance.serve_register_worker": STAFF,
    "attendance.change_attendance": STAFF,
    # Texts
    "sms.list_messages": STAFF,
    "sms.parent_history": STAFF,
    "sms.inbox": STAFF,
    "sms.review_reply": STAFF,
    "sms.resend_message": STAFF,  # facilitators: only their groups' parents' texts (the view)
    "sms.mark_checked": STAFF,
    "sms.opt_outs": STAFF,
    "sms.message_templates": STAFF,
    "sms_webhooks.twilio_inbound": SIGNED_WEBHOOK,
    "sms_webhooks.twilio_status": SIGNED_WEBHOOK,
    "sms_webhooks.notify_status": SIGNED_WEBHOOK,
    "sms_webhooks.notify_inbound_text": SIGNED_WEBHOOK,
    # Reminder times (facilitators: only their own groups, checked in the view)
    "reminders.list_reminder_times": STAFF,
    "reminders.edit_reminder_times": STAFF,
    # Joining Together Time (no account yet); the offer page checks its signed link
    "parents.check_eligibility": ANYONE,
    "parents.not_eligible": ANYONE,
    "parents.your_details": ANYONE,
    "parents.consent": ANYONE,
    "parents.about_you": ANYONE,
    "parents.choose_group": ANYONE,
    "parents.signed_up_page": ANYONE,
    "parents.answer_offer": ANYONE,  # a signed, expiring token in the address
    # Waiting lists and walk-ins (facilitators: only their own groups, checked in the view)
    "waiting_list.list_waiting_lists": STAFF,
    "waiting_list.show_waiting_list": STAFF,
    "waiting_list.offer_place": STAFF,
    "waiting_list.enrol_now": STAFF,
    "waiting_list.move_parent": STAFF,
    "waiting_list.add_parent": STAFF,
    # Referrals: professionals refer without an account (rate-limited; nothing shown back
    # about any family); her invitation's link is signed; staff see and close referrals
    "referrals.refer": ANYONE,
    "referrals.referral_sent": ANYONE,
    "referrals.follow_invitation": ANYONE,  # a signed, expiring token in the address
    "referral_staff.list_referrals": STAFF,
    "referral_staff.show_referral": STAFF,
    # A parent's own account
    "account.sign_in": ANYONE,
    "account.enter_code": ANYONE,
    "account.sign_out": ANYONE,
    "account.follow_link": ANYONE,  # a signed, single-use token in the address
    "account.follow_short_link": ANYONE,  # leads on to a signed link, itself checked
    "account.calendar_feed": ANYONE,  # a long secret token in the address
    "account.home": PARENT_OR_LINK,
    "account.calendar_page": PARENT_OR_LINK,  # her welcome text's link: the downloads only
    "account.download_calendar": PARENT_OR_LINK,
    "account.renew_calendar": ONLY_PARENT,
    "account.edit_settings": ONLY_PARENT,
    "account.sign_out_everywhere": ONLY_PARENT,
    "account.change_mobile": ONLY_PARENT,
    "account.check_new_mobile": ONLY_PARENT,
    "account.my_data": ONLY_PARENT,
    "account.download_data": ONLY_PARENT,
    "account.withdraw_consent": ONLY_PARENT,
    "account.give_consent": ONLY_PARENT,
    "account.delete_account": ONLY_PARENT,
    "account.leave_group": ONLY_PARENT,
    "account.cant_come": ONLY_PARENT,
    "account.undo_cant_come": ONLY_PARENT,
    # Questionnaires: a parent (or her followed text link) answers only her own (checked in
    # the view); staff see only their groups' (checked in the view)
    "questionnaires.answer": PARENT_OR_LINK,
    "questionnaires.about": PARENT_OR_LINK,
    "questionnaires.section": PARENT_OR_LINK,
    "questionnaires.save_answer": PARENT_OR_LINK,
    "questionnaires.review": PARENT_OR_LINK,
    "questionnaires.submit": PARENT_OR_LINK,
    "questionnaires.ask_for_help": PARENT_OR_LINK,
    "questionnaires.staff_index": STAFF,
    "questionnaires.show_group": STAFF,
    "questionnaires.send_reminder": STAFF,
    "questionnaires.enter_scores": STAFF,
    "questionnaires.practitioner_entry": STAFF,
    "questionnaires.reopen_response": STAFF,
    "questionnaires.acknowledge_flag": STAFF,
    # Answered with help, from the register (only her group's staff: checked in the view)
    "questionnaires.start_with_help": STAFF,
    "questionnaires.section_with_help": STAFF,
    "questionnaires.review_with_help": STAFF,
    "questionnaires.submit_with_help": STAFF,
    "questionnaires.edit_plan": ONLY_ADMIN,
    # Reports (facilitators: only their own groups' figures, chosen in the view) and the
    # pseudonymised exports (admins and evaluators)
    "reports.show_attendance": ALL_STAFF,
    "reports.show_outcomes": ALL_STAFF,
    "reports.show_reach": ALL_STAFF,
    "reports.show_referrals": ALL_STAFF,
    "reports.show_completeness": ALL_STAFF,
    "reports.download_table": ALL_STAFF,
    "reports.show_exports": frozenset({ADMIN, EVALUATOR}),
    "reports.download_export": frozenset({ADMIN, EVALUATOR}),
}


def roles_of(user):
    """The matrix roles a signed-in person has (none for someone not signed in)."""
    if not user.is_authenticated:
        return set()
    if getattr(user, "kind", None) == "parent":
        return {PARENT}
    return {str(getattr(user, "role", ""))}


def lets_in(endpoint, user):
    """True, False, or None for an endpoint the matrix does not know."""
    allowed = ACCESS.get(endpoint)
    if allowed is None:
        return None
    if allowed & {PUBLIC, WEBHOOK}:
        return True
    if LINK in allowed and not user.is_authenticated:
        return True  # the page itself looks for the link's grant
    return bool(roles_of(user) & allowed)


def may_open(endpoint):
    """For templates: whether the signed-in person may open a page, so a link to it is shown
    by the same rule that lets her in (no role names in templates)."""
    return lets_in(endpoint, current_user) is True


def enforce():
    """Before every request: turn away anyone the matrix does not name for this page. Unknown
    endpoints are left to their views (the matrix test fails for them instead)."""
    if request.endpoint is None or lets_in(request.endpoint, current_user) in (True, None):
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    abort(403)


def init_app(app):
    app.before_request(enforce)
    app.jinja_env.globals["may_open"] = may_open
