"""The list of features the app is made of, lowest first (a feature imports only those above it)."""

from pairs_group import access, backup, demo, health, run_due
from pairs_group.account import views as account_views
from pairs_group.attendance import views as attendance_views
from pairs_group.audit import views as audit_views
from pairs_group.auth import views as auth_views
from pairs_group.geo import cli as geo_cli
from pairs_group.groups import audit_names as group_names
from pairs_group.groups import views as group_views
from pairs_group.i18n_cli import translate_commands
from pairs_group.pages import views as page_views
from pairs_group.parents import audit_names as parent_names
from pairs_group.parents import views as parent_views
from pairs_group.privacy import views as privacy_views
from pairs_group.questionnaires import audit_names as questionnaire_names
from pairs_group.questionnaires import views as questionnaire_views
from pairs_group.referrals import audit_names as referral_names
from pairs_group.referrals import texts as referral_texts  # noqa: F401 - registers its texts
from pairs_group.referrals import views as referral_views
from pairs_group.reminders import views as reminder_views
from pairs_group.reports import views as report_views
from pairs_group.sms import audit_names as sms_names
from pairs_group.sms import parent_texts
from pairs_group.sms import views as sms_views
from pairs_group.staff import audit_names as staff_names
from pairs_group.staff import views as staff_views


class _Commands:
    """A command group registered like a feature."""

    def __init__(self, group):
        self.group = group

    def init_app(self, app):
        app.cli.add_command(self.group)


ALL = [
    health,
    page_views,
    audit_views,
    auth_views,
    group_views,
    staff_views,
    parent_views,
    sms_views,
    parent_texts,
    attendance_views,
    questionnaire_views,
    reminder_views,
    referral_views,
    account_views,
    geo_cli,
    report_views,
    _Commands(translate_commands),
    privacy_views,
    demo,
    backup,
    run_due,
    access,
    # How the audit log's sentences name each feature's things (audit/sentences.py).
    group_names,
    staff_names,
    parent_names,
    sms_names,
    questionnaire_names,
    referral_names,
]
