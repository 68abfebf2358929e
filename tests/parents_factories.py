"""Test helpers for signing up: a group that takes parents, and the answers of each step."""

import itertools
from datetime import date, timedelta

from pairs_group.db import db
from tests import factories
from tests.pages import post_form

_numbers = itertools.count(2000)


def new_mobile():
    """A UK mobile number that validates (07700 900xxx, Ofcom's drama range, does not)."""
    return f"07911 2{next(_numbers):05d}"


def open_group(**details):
    """An open group starting next week that takes families in SW9 (babies up to a year)."""
    details.setdefault("postcode_areas", "SW9, SE5 8")
    details.setdefault("max_baby_age_weeks", 52)
    details.setdefault("languages", ("en", "pt"))
    details.setdefault("first_day", date.today() + timedelta(days=8))
    details.setdefault("venue", factories.make_venue(name=f"Stockwell Centre {next(_numbers)}"))
    group = factories.make_group(**details)
    db.session.commit()
    return group


def baby_born_weeks_ago(weeks):
    born = date.today() - timedelta(weeks=weeks)
    return {"baby_status": "born", "date_of_birth[day]": str(born.day),
            "date_of_birth[month]": str(born.month), "date_of_birth[year]": str(born.year)}


def eligibility_answers(postcode="sw9 9aa", weeks=10, **extra):
    return {"postcode": postcode, **baby_born_weeks_ago(weeks), **extra}


def details_answers(mobile=None, **extra):
    return {"name": "Ana Souza", "mobile": mobile or new_mobile(), "email": "",
            "relationship": "mother", "baby_name": "Lucas", "language": "pt",
            "needs_interpreter": "no", "interpreter_language": "", "access_needs": "", **extra}


CONSENT_YES = {"sms": "yes", "evaluation": "yes"}


def sign_up_until_group_choice(client, mobile=None, about=None, lang="", details=None):
    """Walk through the first four steps; returns the mobile used."""
    mobile = mobile or new_mobile()
    args = {"lang": lang} if lang else {}
    for endpoint, data in (("parents.check_eligibility", eligibility_answers()),
                           ("parents.your_details", details_answers(mobile, **(details or {}))),
                           ("parents.consent", CONSENT_YES),
                           ("parents.about_you", about or {})):
        response = post_form(client, endpoint, data, **args)
        assert response.status_code == 302, (endpoint, response.get_data(as_text=True)[:3000])
    return mobile


def choose(client, group, waiting="no"):
    return post_form(client, "parents.choose_group", {"group_id": group.id, "waiting": waiting})
