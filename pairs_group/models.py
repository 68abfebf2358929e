"""Every table of the app, imported in one place so migrations and create_all see them all.

A feature with tables adds one line here.
"""

from pairs_group.account import models as account_models  # noqa: F401
from pairs_group.attendance import models as attendance_models  # noqa: F401
from pairs_group.audit import models as audit_models  # noqa: F401
from pairs_group.auth import models as auth_models  # noqa: F401
from pairs_group.geo import models as geo_models  # noqa: F401
from pairs_group.groups import models as group_models  # noqa: F401
from pairs_group.parents import models as parent_models  # noqa: F401
from pairs_group.questionnaires import models as questionnaire_models  # noqa: F401
from pairs_group.referrals import models as referral_models  # noqa: F401
from pairs_group.reminders import models as reminder_models  # noqa: F401
from pairs_group.reports import models as report_models  # noqa: F401
from pairs_group.sms import models as sms_models  # noqa: F401
