"""Who may join which group: postcode areas and the baby's age, all from configuration.

Service-wide postcode areas come from ELIGIBLE_POSTCODE_AREAS; each group may list its own
areas, the baby's age range at its first session, and whether parents who are pregnant can join.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from flask import current_app

# A UK postcode: outward code (area, district) then inward code (sector digit, unit letters).
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
AREA_SEPARATORS = re.compile(r"[,;\n]+")


def normalise_postcode(raw):
    """'sw9 9aa' -> 'SW9 9AA'; None if it is not a UK postcode."""
    squashed = re.sub(r"\s+", "", str(raw or "")).upper()
    found = POSTCODE.match(squashed) if len(squashed) <= 8 else None
    return f"{found.group(1)} {found.group(2)}" if found else None


def parse_areas(text):
    """Districts ('SW9'), sectors ('SE5 8') or whole postcodes ('SW9 9AA'), in any mix."""
    areas = set()
    for chunk in AREA_SEPARATORS.split((text or "").upper()):
        previous = None
        for token in chunk.split():
            if previous and re.fullmatch(r"[0-9]([A-Z]{2})?", token):
                # "SE5 8" is a sector and "SW9 9AA" a postcode, not two districts.
                areas.discard(previous)
                areas.add(f"{previous} {token}")
                previous = None
            else:
                areas.add(token)
                previous = token
    return areas


def in_areas(postcode, areas):
    """True if the postcode lies in one of the areas (no areas: anywhere)."""
    if not areas:
        return True
    outward, inward = postcode.split(" ")
    return bool({outward, f"{outward} {inward[0]}", postcode} & areas)


def service_areas():
    return parse_areas(current_app.config["ELIGIBLE_POSTCODE_AREAS"])


def in_service_area(postcode):
    return in_areas(postcode, service_areas())


@dataclass
class Baby:
    """What eligibility needs to know about the baby: born on a day, or due on a day."""

    date_of_birth: date | None = None
    due_date: date | None = None

    def age_weeks_on(self, day):
        """Age in whole weeks on a day; negative while still expected."""
        born = self.date_of_birth or self.due_date
        return (day - born).days // 7

    @property
    def expected(self):
        return self.date_of_birth is None


@dataclass
class Verdict:
    eligible: bool
    reasons: list = field(default_factory=list)  # "area", "age", "pregnant"


def check_group(group, postcode, baby, first_day):
    """Whether this parent and baby fit this group, and if not, why."""
    reasons = []
    areas = parse_areas(group.postcode_areas) or service_areas()
    if not in_areas(postcode, areas):
        reasons.append("area")
    age = baby.age_weeks_on(first_day)
    if age < 0 and not group.accepts_pregnant:
        reasons.append("pregnant")
    elif age >= 0 and not _age_fits(group, age):
        reasons.append("age")
    return Verdict(not reasons, reasons)


def _age_fits(group, age):
    low, high = group.min_baby_age_weeks, group.max_baby_age_weeks
    return (low is None or age >= low) and (high is None or age <= high)
