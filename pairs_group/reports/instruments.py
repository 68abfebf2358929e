"""What the reports need to know of each instrument: names, subscales and better directions."""

from flask_babel import lazy_gettext as _l

from pairs_group.questionnaires import instruments as instrument_files

INSTRUMENT_NAMES = {
    "prfq": _l("PRFQ (parental reflective functioning)"),
    "mors_sf": _l("MORS-SF (how mothers see their baby)"),
    "loaf": _l("LOAF (levels of adaptive functioning, clinician-rated)"),
    "asq_se2": _l("ASQ:SE-2 (social-emotional development)"),
    "fft": _l("Friends and Family Test"),
    "phq9": _l("PHQ-9 (low mood)"),
    "gad7": _l("GAD-7 (anxiety)"),
}

SUBSCALE_NAMES = {
    "pre_mentalizing": _l("Pre-mentalizing"),
    "certainty": _l("Certainty about mental states"),
    "interest_curiosity": _l("Interest and curiosity"),
    "warmth": _l("Warmth"),
    "invasiveness": _l("Invasiveness"),
    "part_a": _l("Part A: caregiver-infant relationship"),
    "part_b": _l("Part B: caregiving environment"),
    "total": _l("Total"),
    "zone": _l("Zone"),
    "rating": _l("Rating"),
    "interval_months": _l("Questionnaire interval (months)"),
    "items_omitted": _l("Items omitted"),
}

# "higher" or "lower" is better; None where no direction counts as improvement (very high
# PRFQ certainty can mean hypermentalizing). Used when an instrument file does not say.
DIRECTIONS = {
    ("prfq", "pre_mentalizing"): "lower",
    ("prfq", "certainty"): None,
    ("prfq", "interest_curiosity"): "higher",
    ("mors_sf", "warmth"): "higher",
    ("mors_sf", "invasiveness"): "lower",
    ("loaf", "part_a"): "lower",
    ("loaf", "part_b"): "lower",
    ("asq_se2", "total"): "lower",
    ("phq9", "total"): "lower",
    ("gad7", "total"): "lower",
}
DIRECTION_LABELS = {"higher": _l("Higher is better"), "lower": _l("Lower is better"),
                    None: _l("No direction")}

# Categories, not quantities: shown as shift tables and distributions, never as means.
CATEGORICAL = {("asq_se2", "zone"), ("fft", "rating")}
# Facts about the questionnaire, not outcomes.
NOT_OUTCOMES = CATEGORICAL | {("asq_se2", "interval_months"), ("asq_se2", "items_omitted")}
ORDINAL = {("loaf", "part_a"), ("loaf", "part_b")}

LOAF_LEVELS = {1: _l("Level 1: well-adapted"), 2: _l("Level 2: strained to concerning"),
               3: _l("Level 3: compromised to disturbed"),
               4: _l("Level 4: disordered to dangerous")}
ASQ_ZONES = {1: _l("Below cutoff"), 2: _l("Monitoring zone"), 3: _l("Above cutoff (concern)")}
FFT_RATINGS = {1: _l("Very good"), 2: _l("Good"), 3: _l("Neither good nor poor"),
               4: _l("Poor"), 5: _l("Very poor"), 6: _l("Don't know")}
FFT_COMMENT_ITEMS = {"good": _l("What was good?"), "better": _l("What could we do better?")}


def direction(instrument, subscale):
    """From the instrument's file ("better: higher/lower/none") when loaded, else our table."""
    try:
        found = instrument_files.registry().get(instrument)
    except (KeyError, RuntimeError):  # no app, or the questionnaires feature is not loaded
        found = None
    for entry in found.data.get("subscales", []) if found else []:
        if entry.get("id") == subscale and "better" in entry:
            return entry["better"] if entry["better"] in ("higher", "lower") else None
    return DIRECTIONS.get((instrument, subscale))


def instrument_name(instrument):
    return INSTRUMENT_NAMES.get(instrument, instrument)


def subscale_name(subscale):
    return SUBSCALE_NAMES.get(subscale, subscale.replace("_", " ").capitalize())
