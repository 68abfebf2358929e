"""Reading an item's answer: one form field's value for an instrument's item, read and
checked the same way for her pages, the autosave and the staff entry form."""


# A form field's name for an item: the parent's pages (and their script) and the staff entry
# form all post item-<id>.
FIELD_PREFIX = "item-"
# What the "I prefer not to answer" choice posts.
DECLINED = "declined"


class AnswerError(ValueError):
    """An answer that the instrument cannot take (unknown item, value out of range).

    `reason` says which, so that each page can say it in its own words: NOT_A_NUMBER,
    NOT_ALLOWED (a number or a decline the item cannot take) or TOO_LONG (text)."""

    NOT_A_NUMBER, NOT_ALLOWED, TOO_LONG = "not_a_number", "not_allowed", "too_long"

    def __init__(self, message, item_id=None, reason=NOT_ALLOWED):
        super().__init__(message)
        self.item_id = item_id
        self.reason = reason


class Missing:
    """No answer given (an empty field): unlike None, which is "I prefer not to answer"."""

    def __repr__(self):
        return "MISSING"


MISSING = Missing()


def read_answer(item, raw, allow_missing):
    """One form field's answer to this item, read the same way for her pages, the autosave and
    the staff entry form: the value (int; text, stripped, for a text item), None when she
    prefers not to answer (only where allow_missing), or MISSING when the field is empty.
    AnswerError (with its reason) when the item cannot take what was posted."""
    if item.type == "text":
        text = (raw or "").strip()
        if len(text) > item.max_length:
            raise AnswerError(f"item {item.id} is longer than {item.max_length}", item.id,
                              AnswerError.TOO_LONG)
        return text or MISSING
    if raw is None or raw == "":
        return MISSING
    if raw == DECLINED and allow_missing:
        return None
    value = to_int(raw)
    if not isinstance(value, int):
        raise AnswerError(f"item {item.id} cannot be {raw!r}", item.id, AnswerError.NOT_A_NUMBER)
    if not item.accepts(value):
        raise AnswerError(f"item {item.id} cannot be {raw!r}", item.id)
    return value


def read_tapped_answer(item, raw, allow_missing):
    """One tapped or typed answer, saved by itself (the autosave), read by read_answer: an
    emptied text box is kept as empty text, so what she had written goes; an empty choice is not
    an answer."""
    value = read_answer(item, raw, allow_missing)
    if value is MISSING and item.type == "text":
        return ""
    if value is MISSING:
        raise AnswerError(f"item {item.id} needs an answer", item.id)
    return value


def to_int(raw):
    """The whole number typed, or what was typed when it is not one."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return raw


def check_answers(instrument, answers):
    """Raise AnswerError for an unknown item or a value it cannot take (None is no answer)."""
    for item_id, value in answers.items():
        item = instrument.by_id.get(str(item_id))
        if item is None:
            raise AnswerError(f"unknown item {item_id}", item_id)
        if value is not None and not item.accepts(value):
            raise AnswerError(f"item {item_id} cannot be {value!r}", item_id)


def missing_totals(instrument, answers):
    """The total items still needed: a subscale with a total (paper MORS) needs all its item
    answers or its total."""
    return [sub["total_item"] for sub in instrument.subscales
            if sub.get("total_item") and answers.get(sub["total_item"]) is None
            and any(answers.get(i) is None for i in sub["items"])]
