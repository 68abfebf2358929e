"""The answers offered in the "about you" questions, with the codes stored and reported.

Ethnic group is the Census 2021 (England and Wales) question: 19 categories in 5 groups.
"""

from flask_babel import lazy_gettext as _l

from pairs_group.parents.models import PREFER_NOT_TO_SAY

PREFER_NOT = (PREFER_NOT_TO_SAY, _l("Prefer not to say"))

ETHNIC_GROUPS = [
    ("asian", _l("Asian, Asian British or Asian Welsh"), [
        ("asian_bangladeshi", _l("Bangladeshi")),
        ("asian_chinese", _l("Chinese")),
        ("asian_indian", _l("Indian")),
        ("asian_pakistani", _l("Pakistani")),
        ("asian_other", _l("Any other Asian background")),
    ]),
    ("black", _l("Black, Black British, Black Welsh, Caribbean or African"), [
        ("black_african", _l("African")),
        ("black_caribbean", _l("Caribbean")),
        ("black_other", _l("Any other Black, Black British or Caribbean background")),
    ]),
    ("mixed", _l("Mixed or Multiple ethnic groups"), [
        ("mixed_white_asian", _l("White and Asian")),
        ("mixed_white_black_african", _l("White and Black African")),
        ("mixed_white_black_caribbean", _l("White and Black Caribbean")),
        ("mixed_other", _l("Any other Mixed or Multiple ethnic background")),
    ]),
    ("white", _l("White"), [
        ("white_british", _l("English, Welsh, Scottish, Northern Irish or British")),
        ("white_irish", _l("Irish")),
        ("white_gypsy_traveller", _l("Gypsy or Irish Traveller")),
        ("white_roma", _l("Roma")),
        ("white_other", _l("Any other White background")),
    ]),
    ("other", _l("Other ethnic group"), [
        ("other_arab", _l("Arab")),
        ("other_any", _l("Any other ethnic group")),
    ]),
]

ETHNIC_CATEGORIES = [item for _code, _label, items in ETHNIC_GROUPS for item in items]
ETHNIC_GROUP_OF = {code: group for group, _label, items in ETHNIC_GROUPS for code, _ in items}

GENDERS = [
    ("woman", _l("Woman")),
    ("man", _l("Man")),
    ("non_binary", _l("Non-binary")),
    ("other", _l("I describe myself another way")),
]

AGE_BANDS = [
    ("under_18", _l("Under 18")),
    ("18_24", _l("18 to 24")),
    ("25_34", _l("25 to 34")),
    ("35_44", _l("35 to 44")),
    ("45_plus", _l("45 or older")),
]

RELATIONSHIP_STATUSES = [
    ("married_or_civil_partner", _l("Married or in a civil partnership")),
    ("living_together", _l("Living with a partner")),
    ("partner_not_living_together", _l("In a relationship, not living together")),
    ("single", _l("Single")),
    ("separated_divorced_widowed", _l("Separated, divorced or widowed")),
]

FIRST_TIME = [
    ("yes", _l("Yes, this is my first baby")),
    ("no", _l("No, I have other children")),
]

# Who refers families (issue 19): the referral form's roles, and the referral sources reported.
REFERRER_ROLES = [
    ("midwife", _l("Midwife")),
    ("health_visitor", _l("Health visitor")),
    ("childrens_centre", _l("Children's Centre or Better Start worker")),
    ("gp", _l("GP")),
    ("mental_health", _l("Perinatal or adult mental health")),
    ("social_care", _l("Social care")),
    ("other", _l("Another professional")),
]

# "Who suggested Together Time to you?": the referrers' roles, then the two ways a parent comes
# without one; "other" last, worded for a parent. Stored in AboutYou.heard_from.
SELF_SOURCES = [
    ("myself", _l("I found it myself")),
    ("friend_or_family", _l("A friend or family member")),
]
HEARD_FROM = [*(role for role in REFERRER_ROLES if role[0] != "other"), *SELF_SOURCES,
              ("other", _l("Another professional or somewhere else"))]

# Question (AboutYou column) -> the answers offered, "prefer not to say" last.
QUESTIONS = {
    "ethnic_group": ETHNIC_CATEGORIES + [PREFER_NOT],
    "gender": GENDERS + [PREFER_NOT],
    "age_band": AGE_BANDS + [PREFER_NOT],
    "relationship_status": RELATIONSHIP_STATUSES + [PREFER_NOT],
    "first_time_parent": FIRST_TIME + [PREFER_NOT],
    "heard_from": HEARD_FROM + [PREFER_NOT],
}
