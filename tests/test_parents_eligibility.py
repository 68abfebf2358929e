"""Eligibility rules, postcodes, mobile numbers and the day/month/year date field."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from pairs_group.forms import DatePartsField, Form
from pairs_group.groups.models import Group
from pairs_group.parents.eligibility import (
    Baby,
    check_group,
    in_areas,
    normalise_postcode,
    parse_areas,
)
from pairs_group.parents.phones import mobile_e164


@pytest.mark.parametrize("raw, expected", [
    ("sw9 9aa", "SW9 9AA"), (" SW99AA ", "SW9 9AA"), ("ec1a1bb", "EC1A 1BB"),
    ("SE11 5QY", "SE11 5QY"), ("W1A 0AX", "W1A 0AX"),
    ("SW9", None), ("12345", None), ("", None), (None, None), ("SW9 9AA9", None),
    ("x" * 5000, None), ("ＳＷ9 9AA", None),
])
def test_postcodes_are_normalised_and_checked(raw, expected):
    assert normalise_postcode(raw) == expected


def test_areas_are_districts_sectors_or_postcodes_in_any_mix():
    areas = parse_areas("SW9, SE5 8; sw2\nSE11 5QY")
    assert areas == {"SW9", "SE5 8", "SW2", "SE11 5QY"}
    assert in_areas("SW9 7AA", areas) and in_areas("SE5 8RS", areas)
    assert not in_areas("SE5 9AA", areas) and not in_areas("SW1A 1AA", areas)
    assert in_areas("SE11 5QY", areas) and not in_areas("SE11 5QZ", areas)
    assert in_areas("N1 9GU", set())  # no areas: anywhere


def group(**rules):
    return Group(name="g", postcode_areas=rules.pop("areas", "SW9"), **{
        "min_baby_age_weeks": None, "max_baby_age_weeks": None, "accepts_pregnant": True,
        **rules})


def test_the_baby_age_is_taken_at_the_first_session(app):
    first = date(2027, 1, 12)
    young = Baby(date_of_birth=date(2026, 12, 1))  # 6 weeks on the first day
    assert check_group(group(min_baby_age_weeks=4, max_baby_age_weeks=8), "SW9 1AA", young,
                       first).eligible
    verdict = check_group(group(min_baby_age_weeks=8), "SW9 1AA", young, first)
    assert verdict.reasons == ["age"]


def test_pregnant_parents_only_where_the_group_takes_them(app):
    first = date(2027, 1, 12)
    due = Baby(due_date=date(2027, 3, 1))
    assert check_group(group(), "SW9 1AA", due, first).eligible
    assert check_group(group(accepts_pregnant=False), "SW9 1AA", due, first).reasons == [
        "pregnant"]
    assert check_group(group(), "N1 1AA", due, first).reasons == ["area"]


def test_a_group_without_areas_uses_the_service_areas(app):
    app.config["ELIGIBLE_POSTCODE_AREAS"] = "SE5"
    baby = Baby(date_of_birth=date(2026, 12, 1))
    assert check_group(group(areas=""), "SE5 1AA", baby, date(2027, 1, 1)).eligible
    assert not check_group(group(areas=""), "SW9 1AA", baby, date(2027, 1, 1)).eligible


@pytest.mark.parametrize("raw, expected", [
    ("07911 123456", "+447911123456"), ("+44 7911 123456", "+447911123456"),
    ("0044 7911 123456", "+447911123456"), ("020 7946 0000", None),
    ("+351 912 345 678", None), ("hello", None), ("", None), ("0" * 40, None),
])
def test_only_uk_mobiles_are_accepted_and_stored_in_e164(app, raw, expected):
    assert mobile_e164(raw) == expected


def test_other_countries_can_be_allowed_by_configuration(app):
    app.config["SIGN_UP_COUNTRY_CODES"] = (44, 351)
    assert mobile_e164("+351 912 345 678") == "+351912345678"


class DateForm(Form):
    day = DatePartsField("Date of birth")


@pytest.mark.parametrize("parts, data, error", [
    (("3", "2", "2026"), date(2026, 2, 3), None),
    (("31", "2", "2026"), None, "must be a real date"),
    (("3", "", "2026"), None, "must include a month"),
    (("", "", ""), None, None),
    (("3", "2", "26"), None, "must be a real date"),
    (("a", "b", "c"), None, "must be a real date"),
    (("9" * 50, "1", "2026"), None, "must be a real date"),
])
def test_the_date_field_reads_day_month_and_year(app, parts, data, error):
    with app.test_request_context(method="POST"):
        form = DateForm(formdata=MultiDict(dict(zip(
            ("day[day]", "day[month]", "day[year]"), parts, strict=True))), meta={"csrf": False})
        form.validate()
        assert form.day.data == data
        assert (error in str(form.day.errors[0])) if error else not form.day.errors
