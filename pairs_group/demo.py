"""`flask demo`: a venue, groups with sessions, parents in several languages, staff to sign in as.

Every step looks for what it would make before making it, so running the command twice
changes nothing the second time.
"""

from datetime import date, time, timedelta

import click
import sqlalchemy as sa
from flask import current_app

from pairs_group.auth import totp
from pairs_group.auth.models import Role, StaffUser
from pairs_group.auth.service import create_staff_user, find_staff_by_email
from pairs_group.db import db, utcnow
from pairs_group.demo_evaluation import create_evaluation_demo
from pairs_group.demo_register import create_register_demo
from pairs_group.groups.models import Group, Venue
from pairs_group.groups.service import create_group
from pairs_group.parents.demo import create_sign_up_demo
from pairs_group.parents.models import Baby, Dyad, Enrolment, EnrolmentStatus, Parent
from pairs_group.questionnaires.demo import create_questionnaire_demo
from pairs_group.referrals.demo import create_referral_demo
from pairs_group.times import london_today

DEMO_STAFF = [
    ("admin@demo.example.org", "Demo Admin", Role.ADMIN, "purple-otter-demo"),
    ("facilitator@demo.example.org", "Demo Facilitator", Role.FACILITATOR,
     "amber-heron-demo"),
    ("evaluator@demo.example.org", "Demo Evaluator", Role.EVALUATOR, "silver-finch-demo"),
]

# (name, mobile, language, baby's name, baby's age in weeks; negative = due in that many weeks)
DEMO_PARENTS = [
    ("Ana Souza", "+447700900101", "pt", "Lucas", 16),
    ("Beatriz Lima", "+447700900102", "pt", "Sofia", 10),
    ("Maria García", "+447700900103", "es", "Mateo", 20),
    ("Katarzyna Nowak", "+447700900104", "pl", "Zosia", 8),
    ("Amina Hassan", "+447700900105", "so", "Hodan", 24),
    ("Fatima Ali", "+447700900106", "ar", "Yusuf", 12),
    ("Claire Martin", "+447700900107", "fr", "Léa", 30),
    ("Jade Williams", "+447700900108", "en", "Maya", -6),
]


def next_weekday(today: date, weekday: int, weeks_ahead: int) -> date:
    """The given weekday (0 = Monday) in the week `weeks_ahead` weeks after this one."""
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def ensure_staff():
    users = {}
    for email, name, role, password in DEMO_STAFF:
        users[role] = find_staff_by_email(email) or create_staff_user(email, password, role, name)
    # Admins must use an authenticator app; the demo admin's key is printed to add to one.
    users[Role.ADMIN].totp_secret = users[Role.ADMIN].totp_secret or totp.new_secret()
    return users


def ensure_venue(name, **details):
    venue = db.session.scalar(sa.select(Venue).where(Venue.name == name))
    if venue is None:
        venue = Venue(name=name, **details)
        db.session.add(venue)
    return venue


def ensure_group(name, **details):
    return db.session.scalar(sa.select(Group).where(Group.name == name)) or create_group(
        name=name, **details)


def ensure_parent(name, mobile, language, baby_name, age_weeks, today):
    parent = db.session.scalar(sa.select(Parent).where(Parent.mobile == mobile))
    if parent is not None:
        return parent.dyads[0]
    born = today - timedelta(weeks=age_weeks) if age_weeks >= 0 else None
    due = today + timedelta(weeks=-age_weeks) if age_weeks < 0 else None
    parent = Parent(name=name, mobile=mobile, language=language, postcode="SW9 7AA")
    dyad = Dyad(parent=parent, baby=Baby(name=baby_name, date_of_birth=born, due_date=due))
    db.session.add(dyad)
    return dyad


def ensure_enrolment(dyad, group, status=EnrolmentStatus.ENROLLED):
    found = db.session.scalar(sa.select(Enrolment).where(
        Enrolment.dyad_id == dyad.id, Enrolment.group_id == group.id))
    return found or Enrolment(dyad=dyad, group=group, status=status, enrolled_at=utcnow())


def create_demo_data():
    """The demo's people, places and groups; returns the staff accounts made or found."""
    today = london_today(utcnow())
    staff = ensure_staff()
    centre = ensure_venue(
        "Stockwell Children's Centre", address="1 Example Road, London",
        postcode="SW9 9AA", access_notes="Step-free entrance. Buggy park by the door.")
    hill = ensure_venue("Tulse Hill Children's Centre", address="2 Example Hill, London",
                        postcode="SW2 2AA", access_notes="Lift to the first floor.")
    common = {"facilitators": [staff[Role.FACILITATOR]], "session_count": 8,
              "duration_minutes": 90, "capacity": 10, "postcode_areas": "SW9 SW2 SE5 SE11 SW8"}
    soon = ensure_group("Together Time Stockwell", venue=centre,
                        first_day=next_weekday(today, 1, 1), start_time=time(10, 0),
                        languages=("en", "pt"), **common)
    later = ensure_group("Together Time Tulse Hill", venue=hill,
                         first_day=next_weekday(today, 3, 3), start_time=time(13, 30),
                         languages=("en", "so", "ar"), **common)
    db.session.flush()
    for index, row in enumerate(DEMO_PARENTS):
        dyad = ensure_parent(*row, today=today)
        db.session.flush()
        db.session.add(ensure_enrolment(dyad, soon if index < 5 else later))
    db.session.commit()
    create_evaluation_demo(centre, staff[Role.FACILITATOR], today)
    create_register_demo(centre, staff[Role.FACILITATOR], today)
    create_sign_up_demo(centre, staff[Role.FACILITATOR], next_weekday(today, 4, 2))
    create_questionnaire_demo(ensure_parent(*DEMO_PARENTS[0], today=today))
    create_referral_demo()
    return staff


@click.command("demo")
@click.option("--scale", type=click.IntRange(1, 1_000_000), default=None,
              help="Also add this many made-up parents (N/25 groups, a year of data).")
def demo_command(scale):
    """Load demo data (safe to run again), then print the demo sign-ins."""
    if current_app.config["PAIRS_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    staff = create_demo_data()
    if scale:
        add_scale_data(scale, staff)
    click.echo("Demo staff sign-ins (at /staff/sign-in):")
    for email, _name, role, password in DEMO_STAFF:
        account = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
        click.echo(f"  {role.value:<12} {account.email}  password: {password}")
        if account.totp_secret:
            click.echo(f"  {'':<12} authenticator key: {account.totp_secret}\n"
                       f"  {'':<12} {totp.provisioning_uri(account.totp_secret, account.email)}\n"
                       f"  {'':<12} or print today's code: flask --app wsgi users totp-code "
                       f"{account.email}")
    click.echo("Demo parents sign in with their mobile number, e.g. 07700 900101 (codes are "
               "printed with the texts in the console).")


def add_scale_data(count, staff):
    from pairs_group import demo_scale

    if demo_scale.already_seeded():
        click.echo("Scale data is already loaded: nothing added.")
        return
    made = demo_scale.create_scale_data(count, facilitators=[staff[Role.FACILITATOR]])
    click.echo("Added {parents} parents in {groups} groups: {attendance} register marks, "
               "{responses} questionnaire responses, {messages} texts.".format(**made))


def init_app(app):
    app.cli.add_command(demo_command)
