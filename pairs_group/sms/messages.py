"""The words of every text, per kind, rendered in the parent's language at send time.

Plain ASCII punctuation only: a curly quote or a dash would force UCS-2 and double the cost.
render(context) runs inside force_locale(her language); the context holds JSON values only, plus
`discreet` (she asked for texts that name no service) added when the text is sent.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_datetime, match_skeleton
from flask_babel import format_time, get_locale
from flask_babel import gettext as _

from pairs_group.times import in_london

# Realistic long details for the examples (the segment tests and the staff templates page):
# the demo's longest venue name, and a texted link (a short address on a long host).
EXAMPLE_VENUE = "Tulse Hill Children's Centre"
EXAMPLE_LINK = "https://together.pairs.example.nhs.uk/t/Ab3dE6gH9jK2"
HIDDEN = "[code hidden]"  # what the outbox keeps of a secret kind's words once it has gone


@dataclass(frozen=True)
class MessageKind:
    name: str
    render: Callable[[dict], str]  # context -> text, called inside force_locale
    example: dict  # realistic context, for the segment-budget test in every language
    urgent: bool = False  # sent even in quiet hours
    budget: int = 2  # segments allowed in any language
    # Called with the message at send time: False means it is no longer wanted (skipped).
    still_wanted: Callable | None = field(default=None, compare=False)
    # The same for many messages at once (ids still wanted): the dispatcher's fast path.
    still_wanted_many: Callable | None = field(default=None, compare=False)
    ignores_opt_out: bool = False  # only the confirmation of an opt-out itself
    needs_consent: bool = True  # False for what she asked for just now (a code, HELP)
    # Its words are hidden in the outbox once it will not be tried again (a sign-in code):
    # the outbox keeps that it was sent, not what it said.
    secret: bool = False
    description: str = ""  # for staff, on the templates page


def _in_london_and_locale(iso_moment):
    """A stored moment (ISO) in London, and her language's locale (rendering runs in it)."""
    return in_london(datetime.fromisoformat(iso_moment)), get_locale() or Locale.parse("en_GB")


def when(iso_moment):
    """A session's day and time as she reads them, in London, in her language."""
    moment, locale = _in_london_and_locale(iso_moment)
    day = format_datetime(moment, day_pattern(str(locale)), tzinfo=moment.tzinfo, locale=locale)
    return _("%(day)s at %(time)s", day=day, time=format_time(moment, "HH:mm"))


def weekday(iso_moment):
    """A group's weekday, written in full in her language ("terça-feira", "الثلاثاء")."""
    moment, locale = _in_london_and_locale(iso_moment)
    return format_datetime(moment, "EEEE", tzinfo=moment.tzinfo, locale=locale)


@lru_cache(maxsize=64)
def day_pattern(locale_name):
    """The locale's own pattern for a weekday, day and month (a skeleton, not a fixed pattern:
    each language orders and words the day its own way), with the weekday written in full:
    most locales only have an abbreviated one ("sex.", "wt.", "Tldo"), which a mother may not
    read as a day. Matching is slow, so it is cached."""
    locale = Locale.parse(locale_name)
    pattern = locale.datetime_skeletons[match_skeleton("MMMMEEEEd", locale.datetime_skeletons)]
    # Quoted literals ('de') sit at odd places once split on quotes: only the rest is fields.
    parts = str(pattern.pattern).split("'")
    return "'".join(part if i % 2 else re.sub("E+", "EEEE", part) for i, part in enumerate(parts))


def _welcome(context):
    # "starts_at" (ISO) is formatted in her language now; an older caller may pass "when".
    day = when(context["starts_at"]) if context.get("starts_at") else context["when"]
    if context.get("discreet"):
        return _("Hello %(name)s. First meeting: %(when)s, %(venue)s. Reply STOP to stop texts.",
                 name=context["name"], when=day,
                 venue=context["venue"])
    return _("Welcome to Together Time, %(name)s! First session: %(when)s, %(venue)s. "
             "Reply STOP to stop texts.", name=context["name"], when=day,
             venue=context["venue"])


def _sign_in_code(context):
    if context.get("discreet"):
        return _("Your code is %(code)s. It works for 10 minutes. Do not share it.",
                 code=context["code"])
    return _("Your Together Time code is %(code)s. It works for 10 minutes. "
             "Do not share it.", code=context["code"])


def _help_reply(context):
    if context.get("discreet"):
        return _("To stop these texts, reply STOP. To talk to us, call %(phone)s.",
                 phone=context["phone"])
    return _("Together Time texts. To stop them, reply STOP. To talk to us, call %(phone)s.",
             phone=context["phone"])


def _opted_out(context):
    return _("You will get no more texts from us. Reply START to get them again.")


def _opted_in(context):
    return _("You will get our texts again. Reply STOP to stop them.")


KINDS = {kind.name: kind for kind in (
    MessageKind("welcome", _welcome, example={
        "name": "Katarzyna", "starts_at": "2027-09-27T12:30:00+00:00",
        "venue": EXAMPLE_VENUE}, description="When she joins a group"),
    # She asked for it just now: a parent who turned texts off must still be able to sign in.
    MessageKind("sign_in_code", _sign_in_code, example={"code": "123456"}, urgent=True,
                needs_consent=False, ignores_opt_out=True, secret=True,
                description="When she asks for a code to sign in"),
    MessageKind("help_reply", _help_reply, example={"phone": "020 3228 0000"}, urgent=True,
                needs_consent=False,
                description="When she replies HELP"),
    MessageKind("opted_out", _opted_out, example={}, urgent=True, ignores_opt_out=True,
                needs_consent=False,
                description="When she replies STOP in her own language"),
    MessageKind("opted_in", _opted_in, example={}, urgent=True, needs_consent=False,
                description="When she replies START"),
)}


def register(kind):
    """Add a message kind (features register theirs at import)."""
    KINDS[kind.name] = kind
    return kind
