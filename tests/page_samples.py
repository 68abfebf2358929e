"""Every page of the app, with sample data, for the tests that visit them all (language
coverage in tests/test_i18n_coverage.py; accessibility and JS-off in tests/browser/).

How a new page gets covered:
- A page with no arguments in its URL is found in the app's URL map and visited as every role
  (anonymous, parent, facilitator, admin, evaluator): nothing to do.
- An argument is filled in by its name from ARGUMENTS (group_id, session_id, enrolment_id,
  parent_id, ...): add a line there when you use a new argument name.
- A page whose URL needs something more particular (a signed token, a row of your own table)
  gets an entry in SAMPLES: endpoint -> function(world) returning the URLs to visit.
- Rows your pages need (answers, attendance, texts) come from a function added to
  WORLD_BUILDERS: it gets the World after the groups, parents and staff are made.
- A page that is not HTML for people (webhooks, downloads, health checks) goes in NOT_PAGES.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from flask import url_for

from pairs_group.auth.accounts import add_staff
from pairs_group.auth.login import start_session
from pairs_group.db import db
from tests import factories
from tests import referrals_factories as referral_factories

ROLES = ("anonymous", "parent", "facilitator", "admin", "evaluator")
# Not pages for people: files, downloads and machine-to-machine addresses.
NOT_PAGES = {"static", "account.calendar_feed", "account.download_calendar",
             "account.download_data", "reports.download_table", "reports.download_export"}
NOT_PAGE_PREFIXES = ("health.", "sms_webhooks.")


@dataclass
class World:
    """The sample rows pages are shown with, and who is signed in as each role."""

    users: dict = field(default_factory=dict)
    group: object = None
    session: object = None
    enrolment: object = None
    parent: object = None
    venue: object = None
    extra: dict = field(default_factory=dict)


def build_world():
    """Staff of every role, a group with sessions, parents in three languages (one enrolled)."""
    world = World()
    for role in ("admin", "facilitator", "evaluator"):
        world.users[role] = factories.make_staff(role, name=f"Sam {role.title()}")
    world.venue = factories.make_venue(name="Stockwell Children's Centre")
    world.group = factories.make_group(venue=world.venue, name="Spring group",
                                       first_day=date.today() + timedelta(days=3))
    world.group.facilitators.append(world.users["facilitator"])
    world.session = world.group.sessions[0]
    for n, language in enumerate(("ar", "pt", "en")):
        # A real UK mobile number (07700 900xxx drama numbers fail the mobile check).
        dyad = factories.make_dyad(language=language, name=f"Amal {language.upper()}",
                                   postcode="SW9 7AB", mobile=f"+44791112345{n}")
        world.enrolment = factories.enrol(dyad, world.group)
    world.parent = world.enrolment.dyad.parent
    world.users["parent"] = world.parent
    db.session.flush()
    for builder in WORLD_BUILDERS:
        builder(world)
    db.session.commit()
    return world


def add_person_to_set_up(world):
    """A new member of staff added by an admin, with the set-up link she has not used yet."""
    _user, link = add_staff("nia.new@example.nhs.uk", "Nia New", "facilitator")
    world.extra["set_up_path"] = urlsplit(link).path


def answer_with_help(world):
    """The enrolled parent's PRFQ, begun with her facilitator's help (the pages answered with
    help show her questions; without this they lead to their first step)."""
    from pairs_group.questionnaires import answering, plans

    task = plans.task_with_help(world.enrolment, "prfq", "pre")
    answering.answer_with_help(task, world.parent.language, world.users["facilitator"], "en",
                               "interpreter")


def add_referral(world):
    """A midwife's referral of a mother who reads Arabic, invited and not yet answered."""
    world.extra["referral"] = referral_factories.make_referral(notes="Prefers calls after 2pm")


def add_texts_to_act_on(world):
    """Texts that did not go, for the staff texts pages: one failed (its error in words and
    "Send again"), one unknown ("Mark as checked"), one failed and already sent again."""
    from pairs_group.sms.models import MessageStatus
    from pairs_group.sms.outbox import queue_sms

    help_text = {"phone": "020 3228 0000"}
    outcomes = {"failed": (MessageStatus.FAILED, "21211"), "unknown": (MessageStatus.UNKNOWN, None),
                "again": (MessageStatus.UNDELIVERED, "30003")}
    rows = {}
    for name, (status, code) in outcomes.items():
        rows[name] = queue_sms("help_reply", f"sample:{name}", parent=world.parent,
                               context=help_text)
        rows[name].status, rows[name].error_code = status, code
    queue_sms("help_reply", "resend:sample", parent=world.parent,
              context=help_text).resent_from_id = rows["again"].id
    world.extra["failed_text"] = rows["failed"]


# functions(world) adding rows for your own pages
WORLD_BUILDERS = [add_person_to_set_up, add_texts_to_act_on, add_referral, answer_with_help]

# URL argument name -> its value in the world.
ARGUMENTS = {
    "group_id": lambda w: w.group.id,
    "session_id": lambda w: w.session.id,
    "enrolment_id": lambda w: w.enrolment.id,
    "parent_id": lambda w: w.parent.id,
    "dyad_id": lambda w: w.enrolment.dyad.id,
    "venue_id": lambda w: w.venue.id,
    "user_id": lambda w: w.users["facilitator"].id,
    "staff_id": lambda w: w.users["facilitator"].id,
    "instrument_id": lambda w: "prfq",
    "timepoint": lambda w: "pre",
    "number": lambda w: 1,
    "message_id": lambda w: w.extra["failed_text"].id,
    "referral_id": lambda w: w.extra["referral"].id,
}

SAMPLES = {  # endpoint -> function(world) -> [url, ...]
    "account.follow_link": lambda w: ["/link/welcome/not-a-real-token"],
    "account.follow_short_link": lambda w: ["/t/notarealcode"],
    "parents.answer_offer": lambda w: ["/join/offer/not-a-real-token"],
    "referrals.follow_invitation": lambda w: ["/invited/not-a-real-token"],
    "auth.set_up_account": lambda w: [w.extra["set_up_path"], "/staff/set-up/not-a-real-token"],
}


def sample_urls(app, world):
    """(endpoint, url) for every page, or raise naming the endpoints that need a sample."""
    found, missing = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not is_page(rule):
            continue
        if rule.endpoint in SAMPLES:
            found += [(rule.endpoint, url) for url in SAMPLES[rule.endpoint](world)]
        elif all(name in ARGUMENTS for name in rule.arguments):
            values = {name: ARGUMENTS[name](world) for name in rule.arguments}
            found.append((rule.endpoint, url_for(rule.endpoint, **values)))
        else:
            missing.append(f"{rule.endpoint} {rule.rule}")
    assert not missing, ("pages with no sample URL; add them to tests/page_samples.py "
                         "(ARGUMENTS or SAMPLES): " + ", ".join(missing))
    return found


def is_page(rule):
    return ("GET" in rule.methods and rule.endpoint not in NOT_PAGES
            and not rule.endpoint.startswith(NOT_PAGE_PREFIXES))


def sign_in_test_client(client, user):
    """Sign a test client in the way the app does it (one request through start_session)."""
    if user is None:
        return client
    with client.application.test_request_context():
        start_session(user)
        from flask import session

        saved = dict(session)
    with client.session_transaction() as stored:
        stored.clear()
        stored.update(saved)
    return client
