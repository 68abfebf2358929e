"""Each instrument's scoring rules in words, read from the same file data the scoring reads.

Nothing here is a second copy of a rule: the items, ranges, reversals, missing-answer limits,
totals and cut-offs in the sentences are the ones instruments.score() uses, so changing an
instrument file changes the score and its description together.
"""

from babel.lists import format_list
from flask_babel import get_locale, gettext, ngettext

from pairs_group.questionnaires import instruments

METHODS = ("mean", "sum", "value")


def _list(values):
    return format_list([str(v) for v in values], locale=get_locale() or "en")


def answer_range(instrument, item_ids):
    """(lowest, highest) answer the items take: their scale, or an integer item's min and max."""
    lows, highs = [], []
    for item in (instrument.by_id[i] for i in item_ids):
        lows.append(item.min if item.type == "integer" else min(item.values))
        highs.append(item.max if item.type == "integer" else max(item.values))
    return min(lows), max(highs)


def score_range(instrument, subscale):
    """(lowest, highest) score the subscale's items can give by its method."""
    low, high = answer_range(instrument, subscale["items"])
    if subscale["method"] == "sum":
        return low * len(subscale["items"]), high * len(subscale["items"])
    return low, high


def _item_words(instrument, item_id):
    """The item's label, else its question, in the reader's language where the file has it."""
    item = instrument.by_id[item_id]
    texts = item.label or item.text
    if not texts:
        return gettext("item %(item)s", item=item_id)
    return instrument.text(texts, str(get_locale() or "en"))


def formed(instrument, subscale):
    """How the score is made from the answers."""
    items = subscale["items"]
    low, high = answer_range(instrument, items)
    if subscale["method"] == "mean":
        text = gettext("The mean of items %(items)s, each answered %(low)d to %(high)d.",
                       items=_list(items), low=low, high=high)
    elif subscale["method"] == "sum":
        text = gettext("The sum of items %(items)s, each answered %(low)d to %(high)d.",
                       items=_list(items), low=low, high=high)
    else:
        return gettext("The score is the answer to “%(item)s”, from %(low)d to %(high)d.",
                       item=_item_words(instrument, items[0]), low=low, high=high)
    low, high = score_range(instrument, subscale)
    return text + " " + gettext("Scores run from %(low)s to %(high)s.", low=low, high=high)


def reversed_items(instrument, subscale):
    reverse = [i for i in subscale["items"] if i in instrument.data.get("reverse_items", [])]
    if not reverse:
        return None
    return ngettext("Item %(items)s is reversed: it scores %(base)d minus the answer.",
                    "Items %(items)s are reversed: each scores %(base)d minus the answer.",
                    len(reverse), items=_list(reverse), base=instrument.data["reverse_base"])


def missing_rule(subscale):
    """The missing-answer rule score_subscale() applies."""
    count, allowed = len(subscale["items"]), subscale.get("max_missing", 0)
    if count == 1:
        return gettext("No score when it is not answered.")
    if not allowed:
        return gettext("It counts only when all %(count)d items are answered.", count=count)
    kept = (gettext("the mean is of the items answered") if subscale["method"] == "mean"
            else gettext("the sum is of the items answered"))
    return ngettext("It counts when at most %(num)d of its %(count)d items is missing; %(kept)s.",
                    "It counts when at most %(num)d of its %(count)d items are missing; "
                    "%(kept)s.", allowed, count=count, kept=kept)


def paper_total(instrument, subscale):
    total_item = subscale.get("total_item")
    if not total_item:
        return None
    item = instrument.by_id[total_item]
    return gettext("A total entered from the paper form (%(low)d to %(high)d) is used in place "
                   "of the items.", low=item.min, high=item.max)


def zone_rule(instrument, subscale):
    """ASQ:SE-2 with the service's cut-offs: scoring works the zone out from the total."""
    cutoffs = instrument.data.get("zone_cutoffs", {})
    if subscale["id"] != "zone" or not cutoffs:
        return None
    return " ".join(
        gettext("At %(months)s months the zone is worked out from the total: monitoring from "
                "%(monitoring)d, above the cut-off from %(above)d.", months=months,
                monitoring=limits["monitoring"], above=limits["above"])
        for months, limits in sorted(cutoffs.items(), key=lambda pair: int(pair[0])))


def direction(subscale):
    better = subscale.get("better")
    if better == "higher":
        return gettext("Higher is better.")
    if better == "lower":
        return gettext("Lower is better.")
    return gettext("Neither direction counts as better.")


def subscale_rule(instrument, subscale):
    """Every rule that makes this subscale's score, as one paragraph."""
    parts = (formed(instrument, subscale), reversed_items(instrument, subscale),
             paper_total(instrument, subscale), zone_rule(instrument, subscale),
             missing_rule(subscale), direction(subscale))
    return " ".join(part for part in parts if part)


def safeguarding_rules(instrument):
    return [gettext("Item %(item)s at %(lowest)d or more raises a safeguarding flag for staff.",
                    item=item_id, lowest=lowest)
            for item_id, lowest in instrument.data.get("safeguarding_items", {}).items()]


def declining_rule(instrument):
    if not instrument.allow_missing:
        return []
    return [gettext("\"I prefer not to answer\" is allowed and counts as a missing answer.")]


def rules(instrument):
    """[(subscale id, its rule)] in the file's order, then the instrument's other rules."""
    found = [(sub["id"], subscale_rule(instrument, sub)) for sub in instrument.subscales]
    others = declining_rule(instrument) + safeguarding_rules(instrument)
    return found + [(None, text) for text in others]


def every_rule(order=()):
    """{instrument id: its rules} for every instrument loaded (switched off or not: scores
    made while it was on are still reported), those named in `order` first."""
    loaded = instruments.registry()
    ids = [i for i in order if i in loaded] + sorted(set(loaded) - set(order))
    return {instrument_id: rules(loaded[instrument_id]) for instrument_id in ids}
