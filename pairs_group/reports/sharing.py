"""Small-cell protection for exports shared outside the team (`flask export --for-sharing`).

Pseudonyms hide names, but where a mother lives (postcode district, IMD decile), her ethnic
group, her language and her group can still single her out when few share them. Here every
combination of those quasi-identifiers in dyads.csv is made to hold at least k dyads:
first by coarsening for everyone, one step at a time and only while a combination is too small
(19 ethnic groups -> 5; IMD decile -> quintile; postcode district -> area), then by
suppressing, for the dyads still in small combinations only, one field at a time (area,
quintile, language, ethnic group, group). The other files then carry nothing that undoes it:
a dyad whose group is suppressed has no group, venue or session dates anywhere, dates are
months, and the language questionnaires were shown in is left out.

The dyads are held in memory for this (one short row each), unlike the streamed exports.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from pairs_group.reports import codebook, exports, referrals
from pairs_group.reports.csvfiles import csv_lines

SUPPRESSED = ""  # a suppressed value is blank, as the codebook says
COLUMN = {name: index for index, name in enumerate(codebook.HEADERS["dyads.csv"])}
GROUP = "group"
# Suppressed for the dyads still in a small combination, in this order.
SUPPRESSION_ORDER = ("postcode_district", "imd_decile", "language", "ethnic_group_5", GROUP)


class TooFewToShare(Exception):
    """Fewer dyads in the export than k: no combination could hold k."""


def _ethnic_5(row):
    row[COLUMN["ethnic_group"]] = SUPPRESSED


def _imd_quintile(row):
    decile = row[COLUMN["imd_decile"]]
    if decile not in (None, SUPPRESSED):
        row[COLUMN["imd_decile"]] = (int(decile) + 1) // 2


def _postcode_area(row):
    district = row[COLUMN["postcode_district"]] or ""
    match = re.match(r"[A-Z]{1,2}", district)
    row[COLUMN["postcode_district"]] = match.group(0) if match else SUPPRESSED


# (field, what the codebook says, how one row is coarsened), tried in this order.
COARSENINGS = (
    ("ethnic_group", "19 ethnic groups left out: the 5 broad groups (ethnic_group_5) only",
     _ethnic_5),
    ("imd_decile", "IMD decile coarsened to quintile (1 = most deprived 20%)", _imd_quintile),
    ("postcode_district", "postcode district coarsened to postcode area (SW9 -> SW)",
     _postcode_area),
)


@dataclass
class Protection:
    """What was done, for the files and the codebook."""

    k: int
    dyads: list = field(default_factory=list)  # rows of dyads.csv, as shared
    groups: dict = field(default_factory=dict)  # pseudonym -> her groups ("" = suppressed)
    coarsened: list = field(default_factory=list)  # (field, description, values changed)
    suppressed: Counter = field(default_factory=Counter)  # field -> dyads it was blanked for

    def group_hidden(self, pseudonym):
        return self.groups.get(pseudonym) == SUPPRESSED

    def key(self, row):
        """Her combination (the 19 ethnic groups too, while they are in the file)."""
        pseudonym = row[COLUMN["dyad_id"]]
        return (row[COLUMN["ethnic_group"]], *(
            self.groups.get(pseudonym, "") if name == GROUP else row[COLUMN[name]]
            for name in SUPPRESSION_ORDER))

    def small_rows(self):
        counts = Counter(self.key(row) for row in self.dyads)
        return [row for row in self.dyads if counts[self.key(row)] < self.k]


def protect(dyad_rows, groups_of, k):
    """Coarsen, then suppress, until each combination has k dyads (TooFewToShare if fewer
    than k dyads in all). `groups_of`: pseudonym -> the groups she is in, as text."""
    protection = Protection(k=k, dyads=[list(row) for row in dyad_rows], groups=dict(groups_of))
    if protection.dyads and len(protection.dyads) < k:
        raise TooFewToShare(len(protection.dyads))
    for name, description, coarsen in COARSENINGS:
        if not protection.small_rows():
            break
        before = [row[COLUMN[name]] for row in protection.dyads]
        for row in protection.dyads:
            coarsen(row)
        changed = sum(a != row[COLUMN[name]] for a, row in zip(before, protection.dyads,
                                                               strict=True))
        protection.coarsened.append((name, description, changed))
    _suppress_small_cells(protection)
    return protection


def _suppress(protection, row, name):
    pseudonym = row[COLUMN["dyad_id"]]
    if name == GROUP:
        changed = protection.groups.get(pseudonym) != SUPPRESSED
        protection.groups[pseudonym] = SUPPRESSED
    else:
        changed = row[COLUMN[name]] not in (None, SUPPRESSED)
        row[COLUMN[name]] = SUPPRESSED
        if name == "ethnic_group_5":
            row[COLUMN["ethnic_group"]] = SUPPRESSED
    protection.suppressed[name] += changed


def _suppress_small_cells(protection):
    for name in SUPPRESSION_ORDER:
        for row in protection.small_rows():
            _suppress(protection, row, name)
    small = protection.small_rows()
    if not small:
        return
    # Left: too few dyads with everything suppressed. The smallest other combinations join
    # them until they are k (there are at least k dyads in all).
    rows_of = {}
    for row in protection.dyads:
        rows_of.setdefault(protection.key(row), []).append(row)
    pooled = len(small)
    blank = protection.key(small[0])
    for key in sorted((key for key in rows_of if key != blank), key=lambda k: len(rows_of[k])):
        for row in rows_of[key]:
            for name in SUPPRESSION_ORDER:
                _suppress(protection, row, name)
        pooled += len(rows_of[key])
        if pooled >= protection.k:
            break


def month(day):
    """2027-01-14 -> 2027-01: a day can match a session to its group."""
    return day[:7] if day else day


def describe(protection):
    """The export's README: what was done to the shared files, and how much."""
    lines = [
        "Shared export: small-cell protection",
        "",
        f"k = {protection.k}: every combination of postcode district (or area), IMD decile (or "
        "quintile), broad ethnic group, language and group in dyads.csv holds at least "
        f"{protection.k} dyads ({len(protection.dyads)} dyads in all).",
        "",
        "Coarsened for every dyad:" if protection.coarsened else "Nothing needed coarsening.",
    ]
    lines += [f"- {name}: {text} ({n} values changed)"
              for name, text, n in protection.coarsened]
    lines += ["", "Suppressed (left blank) for dyads still in a combination of fewer than k:"]
    lines += [f"- {name}: {protection.suppressed[name]} dyads" for name in SUPPRESSION_ORDER]
    lines += [
        "",
        "A dyad whose group is suppressed has blank group_id, venue_id and session dates in",
        "enrolments.csv, attendance.csv and referrals.csv (first_session_date). All dates are",
        "months (YYYY-MM); responses.csv",
        "leaves out the language questionnaires were shown in.",
    ]
    return "\n".join(lines) + "\n"


def _enrolment(protection, row):
    pseudonym, group_id, venue_id, start, status, enrolled, ended = row
    if protection.group_hidden(pseudonym):
        group_id = venue_id = start = SUPPRESSED
    return pseudonym, group_id, venue_id, month(start), status, month(enrolled), month(ended)


def _attendance(protection, row):
    pseudonym, group_id, number, day, status = row
    if protection.group_hidden(pseudonym):
        group_id = day = SUPPRESSED
    return pseudonym, group_id, number, month(day), status


def _referral(protection, row):
    kind, source, team, day, pregnant, dyad, status, joined, first, days = row
    if dyad and protection.group_hidden(dyad):
        first = SUPPRESSED  # its month could point at her group
    return kind, source, team, month(day), pregnant, dyad, status, joined, month(first), days


def _response(_protection, row):
    *start, _language_shown, entered_by, submitted, assisted, _help_language, help_kind = row
    return (*start, SUPPRESSED, entered_by, month(submitted), assisted, SUPPRESSED, help_kind)


def codebook_notes(protection):
    """(file, variable) -> what the shared export did to it, added to the codebook's values."""
    notes = {("dyads.csv", name): f"shared export: {text}"
             for name, text, _n in protection.coarsened}
    for name, count in protection.suppressed.items():
        if count and name != GROUP:
            note = notes.get(("dyads.csv", name), "shared export")
            notes["dyads.csv", name] = (f"{note}; blank for {count} dyads "
                                        f"(suppressed, k={protection.k})")
    for file, variable in (("enrolments.csv", "group_start_date"), ("enrolments.csv",
                           "enrolled_date"), ("enrolments.csv", "ended_date"),
                           ("attendance.csv", "session_date"), ("responses.csv",
                                                                "submitted_date"),
                           ("referrals.csv", "referral_date"),
                           ("referrals.csv", "first_session_date")):
        notes[file, variable] = "shared export: month only (YYYY-MM)"
    notes["responses.csv", "language_shown"] = "shared export: left out (blank)"
    notes["responses.csv", "help_language"] = "shared export: left out (blank)"
    for file, variable in (("enrolments.csv", "group_id"), ("enrolments.csv", "venue_id"),
                           ("attendance.csv", "group_id")):
        notes[file, variable] = (f"shared export: blank for {protection.suppressed[GROUP]} "
                                 f"dyads whose group is suppressed (k={protection.k})")
    return notes


def shared_export_files(report_filter, k):
    """The export's files (as exports.export_files) protected for sharing, plus README.txt."""
    files = exports.export_files(report_filter)
    groups = {}
    for pseudonym, group_id, *_rest in exports.enrolments(report_filter):
        groups.setdefault(pseudonym, set()).add(str(group_id))
    protection = protect(exports.dyads(report_filter),
                         {p: ";".join(sorted(ids)) for p, ids in groups.items()}, k)

    def table(name, rows, change):
        return lambda: csv_lines(codebook.HEADERS[name],
                                 (change(protection, row) for row in rows(report_filter)))

    notes = codebook_notes(protection)
    subscales = exports.score_subscales(report_filter)
    return {
        **files,
        "dyads.csv": lambda: csv_lines(codebook.HEADERS["dyads.csv"], protection.dyads),
        "enrolments.csv": table("enrolments.csv", exports.enrolments, _enrolment),
        "attendance.csv": table("attendance.csv", exports.attendance, _attendance),
        "responses.csv": table("responses.csv", exports.responses, _response),
        "referrals.csv": table("referrals.csv", referrals.export_rows, _referral),
        "codebook.csv": lambda: csv_lines(codebook.CODEBOOK_HEADER, (
            (*row[:4], _noted(row, notes), *row[5:]) for row in codebook.rows(subscales))),
        "README.txt": lambda: iter([describe(protection)]),
    }


def _noted(row, notes):
    note = notes.get((row[0], row[1]))
    return f"{row[4]} [{note}]" if note and row[4] else note or row[4]
