"""A register's rows in words: what every row repeats (its sentences, labels and links) is
translated and built once per page, then filled in for each family.

Why: a register shows some 25 families with a dozen words and two links each; translating each
sentence and building each link afresh (url_for) on every row cost more than the rest of the page.
"""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from pairs_group.attendance.models import AttendanceStatus
from pairs_group.templating import escape_output, london_date, london_time

# Stands for an id while a link is built once (no real id reaches it: ids are 32-bit).
ID_MARK = 2**31 + 12345


@dataclass(slots=True)
class RowWords:
    """What one row says about a family: her name, her baby, her needs, who marked her."""

    name: str
    baby: str
    new: str
    interpreter: str
    access: str
    marked: str
    change_url: str
    loaf_url: str


def link_maker(endpoint, key, **values):
    """A function giving url_for(endpoint, key=id, **values) for any integer id, from one call."""
    head, _mark, tail = url_for(endpoint, **values, **{key: ID_MARK}).rpartition(str(ID_MARK))
    return lambda id_: f"{head}{id_}{tail}"


class Sentence:
    """A translated sentence to fill in per row with `%`: as Jinja's _() does, the translation
    (ours, from the catalogue) is trusted and the values filled in are escaped, as a template
    escapes what it prints (templating.escape_output). Markup's own `%` wraps each value in a
    helper object in Python, and a register fills in some sixty."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __mod__(self, values):
        filled = self.text % {name: escape_output(value) for name, value in values.items()}
        # Markup: our catalogue's words, her values escaped
        return Markup(filled)  # noqa: S704  # nosec B704


def sentence(msgid):
    """The sentence msgid in the page's language (extracted for translation by this name)."""
    return Sentence(_(msgid))


class Words:
    """The page's sentences and links, each translated or built once."""

    def __init__(self, session, labels, loaf_endpoint):
        self.labels = labels
        self.nameless = _("A parent who deleted her account")
        self.new = _("New this week")
        self.with_baby = sentence("with %(baby)s")
        self.interpreter = sentence("Interpreter: %(language)s")
        self.access = sentence("Access needs: %(needs)s")
        self.marked_by = sentence("%(status)s, marked by %(name)s at %(time)s")
        self.apologies = sentence("The parent sent apologies on %(date)s")
        self.automatic = sentence("%(status)s, marked automatically")
        self.change_url = link_maker("attendance.change_attendance", "enrolment_id",
                                     session_id=session.id)
        self.loaf_url = link_maker(loaf_endpoint, "dyad_id", group_id=session.group_id) \
            if loaf_endpoint else None

    def row(self, row):
        family = row.family
        return RowWords(
            name=family.name or self.nameless,
            baby=self.with_baby % {"baby": family.baby} if family.baby else "",
            new=self.new if row.is_new else "",
            interpreter=self.interpreter % {"language": family.interpreter_language}
            if family.interpreter_language else "",
            access=self.access % {"needs": family.access_needs} if family.access_needs else "",
            marked=self.marked(row.attendance) if row.attendance else "",
            change_url=self.change_url(family.id),
            loaf_url=self.loaf_url(family.dyad_id) if self.loaf_url else "",
        )

    def marked(self, mark):
        """Who made a mark and when."""
        if mark.recorded_by is not None:
            return self.marked_by % {"status": self.labels[mark.status],
                                     "name": mark.recorded_by,
                                     "time": london_time(mark.recorded_at)}
        if mark.status == AttendanceStatus.CANCELLED_BY_PARENT:
            return self.apologies % {"date": london_date(mark.recorded_at, "medium")}
        return self.automatic % {"status": self.labels[mark.status]}


def row_words(session, lines, labels, loaf_endpoint):
    """{enrolment id: RowWords} for the register's lines."""
    words = Words(session, labels, loaf_endpoint)
    return {line.key: words.row(line.row) for line in lines}
