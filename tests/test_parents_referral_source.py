"""Who suggested Together Time: asked once at sign-up (skippable, editable on the about-you
page), asked of walk-ins by staff, and today's stored answers mapped by the migration."""

import json
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from pairs_group import create_app
from pairs_group.db import db
from pairs_group.parents import choices
from pairs_group.parents.models import AboutYou, Parent
from pairs_group.referrals.models import Referral
from tests import parents_factories as pf
from tests.conftest import count_rows
from tests.pages import expect_redirect, get_page, post_form, post_page

MIGRATION = "3c5e8a1f9d27"
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def test_the_answers_are_the_referrers_roles_and_the_two_ways_without_a_referrer():
    codes = [code for code, _label in choices.HEARD_FROM]
    assert codes == ["midwife", "health_visitor", "childrens_centre", "gp", "mental_health",
                     "social_care", "myself", "friend_or_family", "other"]
    assert {code for code, _label in choices.REFERRER_ROLES} < set(codes)
    assert "social_media" not in codes


def test_she_says_who_suggested_it_with_her_details_and_it_is_stored(client):
    group = pf.open_group()
    pf.sign_up_until_group_choice(client, details={"heard_from": "health_visitor"},
                                  about={"gender": "woman", "heard_from": "health_visitor"})
    pf.choose(client, group)
    about = db.session.scalar(sa.select(AboutYou))
    assert about.heard_from == "health_visitor" and about.gender == "woman"


def test_the_about_you_page_shows_her_answer_and_lets_her_change_it(client):
    group = pf.open_group()
    for endpoint, data in (("parents.check_eligibility", pf.eligibility_answers()),
                           ("parents.your_details", pf.details_answers(heard_from="gp")),
                           ("parents.consent", pf.CONSENT_YES)):
        assert post_form(client, endpoint, data).status_code == 302
    page = get_page(client, "parents.about_you")
    assert page.field_value("heard_from") == "gp"
    assert page.shows("legend", "Who suggested Together Time to you?")
    expect_redirect(post_form(client, "parents.about_you", {"heard_from": "midwife"}),
                    "parents.choose_group")
    assert get_page(client, "parents.your_details").field_value("heard_from") == "midwife"
    pf.choose(client, group)
    assert db.session.scalar(sa.select(AboutYou.heard_from)) == "midwife"


def test_the_question_can_be_skipped(client):
    group = pf.open_group()
    pf.sign_up_until_group_choice(client)  # details and about-you without it
    pf.choose(client, group)
    assert db.session.scalar(sa.select(AboutYou.heard_from)) is None


def test_her_answer_is_kept_when_another_field_needs_correcting(client):
    pf.open_group()
    assert post_form(client, "parents.check_eligibility", pf.eligibility_answers()).status_code \
        == 302
    page = post_page(client, "parents.your_details",
                     pf.details_answers(mobile="123", heard_from="friend_or_family"))
    assert page.shows(".nhsuk-error-message", "Enter a UK mobile number")
    assert page.field_value("heard_from") == "friend_or_family"


def test_an_answer_not_on_the_list_is_refused_in_her_language(client):
    pf.open_group()
    post_form(client, "parents.check_eligibility", pf.eligibility_answers(), lang="pt")
    page = post_page(client, "parents.your_details",
                     pf.details_answers(heard_from="social_media"), lang="pt")
    assert page.shows(".nhsuk-error-message", "Escolha uma das respostas")
    assert count_rows(Parent) == 0


def test_a_walk_in_records_who_suggested_it(client, sign_in):
    from tests.test_parents_waiting_list import add_walk_in, walk_in

    sign_in("admin")
    group = pf.open_group()
    page = get_page(client, "waiting_list.add_parent", group_id=group.id)
    assert page.shows("legend", "Who suggested Together Time to her?")
    add_walk_in(client, group, walk_in(heard_from="social_care"))
    add_walk_in(client, group, walk_in(name="Ada Skipped"))
    answers = dict(db.session.execute(sa.select(Parent.name, AboutYou.heard_from)
                                      .join(AboutYou, AboutYou.parent_id == Parent.id)).all())
    assert answers == {"Grace Walk-In": "social_care"}  # no answer, no about-you row


def _mapped_heard_from(tmp_path, answers):
    """A database at the revision before ours holding these answers (and a sign-up in
    progress with the first one), upgraded: the answers as stored after."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/m.sqlite3"})
    before = ScriptDirectory(str(MIGRATIONS)).get_revision(MIGRATION).down_revision
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as connection:
            for number, answer in enumerate(answers):
                connection.execute(sa.text(
                    "INSERT INTO parent (id, name, mobile, language, relationship_to_baby, "
                    "postcode, interpreter_language, access_needs, discreet_sms, created_at, "
                    "session_version) VALUES (:id, 'P', :mobile, 'en', 'mother', '', '', '', 0, "
                    "'2026-01-01 00:00:00', 1)"), {"id": number + 1, "mobile": f"+44{number}"})
                connection.execute(sa.text(
                    "INSERT INTO about_you (parent_id, heard_from, answered_at) VALUES "
                    "(:id, :answer, '2026-01-01 00:00:00')"), {"id": number + 1, "answer": answer})
            connection.execute(sa.text(
                "INSERT INTO pending_sign_up (reference, answers, created_at, expires_at) VALUES "
                "('r', :answers, '2026-01-01 00:00:00', '2099-01-01 00:00:00')"),
                {"answers": json.dumps({"about_you": {"heard_from": answers[0]}})})

        def stored():
            with db.engine.connect() as connection:
                return ([row[0] for row in connection.execute(sa.text(
                    "SELECT heard_from FROM about_you ORDER BY parent_id"))],
                        connection.execute(sa.text("SELECT answers FROM pending_sign_up"))
                        .scalar())
        upgrade(revision=MIGRATION)
        after = stored()
        downgrade(revision=before)
        back = stored()
        db.engine.dispose()
    return after, back


def test_the_migration_maps_social_media_to_found_it_herself_and_keeps_the_rest(tmp_path):
    old = ["social_media", "midwife", "friend_or_family", "other", "prefer_not_to_say", None]
    (after, pending_after), (back, pending_back) = _mapped_heard_from(tmp_path, old)
    assert after == ["myself", "midwife", "friend_or_family", "other", "prefer_not_to_say",
                     None]
    assert '"myself"' in pending_after
    assert back == old and '"social_media"' in pending_back


def test_a_referred_mother_is_not_asked_her_referrer_answers_for_her(client):
    from tests.test_referrals import follow_invitation, refer

    group = pf.open_group()
    refer(client, mobile="07911 160077")
    referral = db.session.scalar(sa.select(Referral))
    follow_invitation(client, referral.id)
    due = referral.baby_due_date
    assert post_form(client, "parents.check_eligibility", {
        "postcode": "SW9 9AA", "baby_status": "pregnant", "due_date[day]": str(due.day),
        "due_date[month]": str(due.month), "due_date[year]": str(due.year)}).status_code == 302
    assert not get_page(client, "parents.your_details").select('[name="heard_from"]')
    for endpoint, data in (("parents.your_details", pf.details_answers("07911 160077")),
                           ("parents.consent", pf.CONSENT_YES)):
        assert post_form(client, endpoint, data).status_code == 302
    assert not get_page(client, "parents.about_you").select('[name="heard_from"]')
    assert post_form(client, "parents.about_you", {}).status_code == 302
    pf.choose(client, group)
    assert db.session.scalar(sa.select(AboutYou.heard_from)) == referral.referrer_role
