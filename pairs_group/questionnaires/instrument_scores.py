"""Scoring by an instrument's own rules: reversed items, subscales by mean, sum or total,
how many answers may be missing, and ASQ:SE-2's zone cutoffs."""

from pairs_group.questionnaires.answer_reading import check_answers


def scored_value(instrument, item_id, value):
    if item_id in instrument.data.get("reverse_items", []):
        return instrument.data["reverse_base"] - value
    return value


def score_subscale(instrument, subscale, answers):
    """(value, valid): None and False when more answers are missing than the file allows."""
    total_item = subscale.get("total_item")
    if total_item and answers.get(total_item) is not None:
        return float(answers[total_item]), True
    values = [scored_value(instrument, i, answers[i]) for i in subscale["items"]
              if answers.get(i) is not None]
    missing = len(subscale["items"]) - len(values)
    if not values or missing > subscale.get("max_missing", 0):
        return None, False
    if subscale["method"] == "mean":
        return sum(values) / len(values), True
    if subscale["method"] == "sum":
        return float(sum(values)), True
    return float(values[0]), True


def score(instrument, answers):
    """{subscale id: (value, valid)} for answers {item id: int or None}."""
    answers = {str(k): v for k, v in answers.items()}
    check_answers(instrument, answers)
    numeric = {k: v for k, v in answers.items() if not isinstance(v, str)}
    numeric = apply_zone_cutoffs(instrument, numeric)
    return {sub["id"]: score_subscale(instrument, sub, numeric) for sub in instrument.subscales}


def apply_zone_cutoffs(instrument, answers):
    """ASQ:SE-2 with the service's cutoffs: the zone follows from the interval and the total."""
    cutoffs = instrument.data.get("zone_cutoffs", {}).get(str(answers.get("interval")))
    if not cutoffs or answers.get("total") is None:
        return answers
    total = answers["total"]
    zone = 3 if total >= cutoffs["above"] else 2 if total >= cutoffs["monitoring"] else 1
    return {**answers, "zone": zone}


def scores_as_json(instrument, answers):
    """The shape researchers script against: instrument, version, subscales, valid."""
    scores = score(instrument, answers)
    return {
        "instrument": instrument.id,
        "version": instrument.version,
        "subscales": {name: value for name, (value, _valid) in scores.items()},
        "valid": {name: valid for name, (_value, valid) in scores.items()},
    }
