"""Outages, as signed-in parents and staff meet them: PostgreSQL (or the SQLite file) away gives
the translated 503 page in the design system with its security headers, a script's answer gets
JSON, what she sent is kept to send again, nothing confirmed is lost, and the app carries on by
itself when the database is back. Error pages never touch the database."""

import os
import re
import shutil
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from babel.support import Translations
from flask import abort, g, has_request_context
from flask_login import current_user

from pairs_group.attendance.models import Attendance
from pairs_group.config import engine_options
from pairs_group.db import db
from pairs_group.errors import MESSAGES, NOT_SAVED, kept_answers
from pairs_group.i18n import CATALOGUES
from pairs_group.questionnaires.models import Answer
from tests import factories
from tests.account_factories import family_in_group, last_code
from tests.attendance_factories import make_group_meeting_today
from tests.conftest import staff_sign_in
from tests.pages import Page, get_page, post_form, url
from tests.questionnaires_factories import questionnaire
from tests.resources import port_open, postgres_behind_a_proxy, unavailable, wait_for

POSTGRES_SERVER = os.environ.get("TEST_DATABASE_URL",
                                 "postgresql://postgres@127.0.0.1:5432/test")
# The app's own pool settings, with a short wait for a database that is away.
ENGINE_OPTIONS = {**engine_options({"DATABASE_URL": POSTGRES_SERVER}),
                  "connect_args": {"connect_timeout": 2}}


def in_language(code, text):
    """A message as the page should show it in this language (read from its catalogue)."""
    return Translations.load(CATALOGUES, [code]).gettext(str(text))


@contextmanager
def people_on(app):
    """A parent (in Arabic) half-way through her questionnaire and a facilitator with a
    register, both signed in on their own phones: (parent's client, staff client, facts)."""
    with app.app_context():
        parent, enrolment = family_in_group(language="ar")
        staff = factories.make_staff("facilitator")
        _group, session, enrolments = make_group_meeting_today(facilitators=[staff], dyads=2)
        db.session.commit()
        facts = {"mobile": parent.mobile, "questionnaire": questionnaire(enrolment),
                 "session_id": session.id, "enrolments": [e.id for e in enrolments]}
        mum, nurse = app.test_client(), app.test_client()
        staff_sign_in(nurse, staff)
    post_form(mum, "account.sign_in", {"mobile": facts["mobile"]})
    with app.app_context():
        code = last_code(facts["mobile"])
    assert post_form(mum, "account.enter_code", {"code": code}).status_code == 302
    yield mum, nurse, facts


def register(facts, status):
    first, second = facts["enrolments"]
    return {f"version-{first}": "0", f"was-{first}": "", f"status-{first}": status,
            f"version-{second}": "0", f"was-{second}": ""}


def confirm_before_the_outage(mum, nurse, facts):
    """She opens her page (in Arabic) and answers section 1; the facilitator saves a mark."""
    assert get_page(mum, "account.home").lang == "ar"
    hers = facts["questionnaire"]
    assert post_form(mum, "questionnaires.about", {}, **hers).status_code == 302
    answered = {f"item-{n}": "5" for n in range(1, 6)}
    assert post_form(mum, "questionnaires.section", answered, number=1,
                     **hers).status_code == 302
    assert post_form(nurse, "attendance.save_register", register(facts, "attended"),
                     session_id=facts["session_id"]).status_code == 302


def check_503_page(response, language):
    page = Page(response).check(503)
    assert page.lang == language
    assert in_language(language, MESSAGES[503][0]) in page.text_of("h1")
    assert page.select("header.nhsuk-header") and page.select("footer.nhsuk-footer")
    assert not page.select("[class*=nhsuk-header__navigation]")  # no personal menu
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert page.select(f'[nonce="{nonce}"]') and "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Retry-After"]
    return page


def while_the_database_is_away(mum, nurse, facts):
    """Pages, a script's answer and forms sent: what each person sees (and keeps)."""
    hers = facts["questionnaire"]
    check_503_page(mum.get(url(mum, "account.home")), "ar")  # her language, from her cookie
    check_503_page(mum.get(url(mum, "account.home", lang="en")), "en")
    saved = post_form(mum, "questionnaires.save_answer", {"item": "6", "value": "6"},
                      headers={"Accept": "application/json"}, **hers)  # JSON: read raw
    assert saved.status_code == 503
    assert saved.json == {"ok": False, "error": in_language("en", NOT_SAVED)}
    typed = {"item-6": "7", "item-7": "2", "item-8": "4", "item-9": "1", "item-10": "3",
             "action": "next"}
    page = check_503_page(post_form(mum, "questionnaires.section", typed, number=2, **hers),
                          "en")
    kept = {field["name"]: field["value"] for field in page.select("form input[type=hidden]")}
    assert {k: kept[k] for k in typed} == typed  # what she chose is on the page, to send again
    staff_page = check_503_page(nurse.get(url(nurse, "attendance.show_today")), "en")
    assert not staff_page.select(f'[href^="{url(nurse, "groups.list_groups")}"]')
    check_503_page(nurse.get(url(nurse, "attendance.show_today", lang="fr")), "fr")
    check_503_page(post_form(nurse, "attendance.save_register", register(facts, "did_not_attend"),
                             session_id=facts["session_id"], lang="en"), "en")
    assert mum.get(url(mum, "health.healthz")).status_code == 503
    return typed, kept


def after_the_database_is_back(app, mum, nurse, facts, typed, kept):
    """Signed in still, nothing confirmed lost, and "Send again" saves what she had sent."""
    assert wait_for(lambda: mum.get(url(mum, "account.home")).status_code == 200, seconds=30)
    get_page(nurse, "attendance.show_today")
    hers = facts["questionnaire"]
    again = post_form(mum, "questionnaires.section", kept, number=2, **hers)
    assert again.status_code == 302
    assert again.location.endswith(url(mum, "questionnaires.section", number=3, **hers))
    with app.app_context():
        answers = dict(db.session.execute(sa.select(Answer.item_id, Answer.value)).all())
        marks = db.session.scalars(sa.select(Attendance.status)).all()
    assert {n: answers[str(n)] for n in range(1, 6)} == dict.fromkeys(range(1, 6), 5)
    assert {f"item-{n}": str(answers[str(n)]) for n in range(6, 11)} == {
        k: v for k, v in typed.items() if k.startswith("item-")}
    assert [m.value for m in marks] == ["attended"]


@pytest.mark.postgres
def test_postgres_away_signed_in_people_get_the_503_page_lose_nothing_and_carry_on(make_app):
    if not port_open(POSTGRES_SERVER, 5432):
        unavailable(f"no PostgreSQL server at {POSTGRES_SERVER}")
    make_app()  # the fixture cleans up through its first app: the usual test database
    with postgres_behind_a_proxy(POSTGRES_SERVER) as (proxied, proxy):
        app = make_app(DATABASE_URL=proxied, SQLALCHEMY_ENGINE_OPTIONS=ENGINE_OPTIONS)
        with app.app_context():
            db.create_all()
        try:
            with people_on(app) as (mum, nurse, facts):
                confirm_before_the_outage(mum, nurse, facts)
                proxy.stop()
                typed, kept = while_the_database_is_away(mum, nurse, facts)
                proxy.start()
                after_the_database_is_back(app, mum, nurse, facts, typed, kept)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_sqlite_file_away_gives_the_same_503_page_and_recovers(make_app, tmp_path):
    """SQLite's outage: the folder holding the database file is gone (a lost mount)."""
    make_app()
    folder = tmp_path / "data"
    folder.mkdir()
    app = make_app(DATABASE_URL=f"sqlite:///{folder / 'pairs.sqlite3'}")
    with app.app_context():
        db.create_all()
    with people_on(app) as (mum, nurse, facts):
        confirm_before_the_outage(mum, nurse, facts)
        with app.app_context():
            db.engine.dispose()
        folder.rename(tmp_path / "away")
        typed, kept = while_the_database_is_away(mum, nurse, facts)
        shutil.move(tmp_path / "away", folder)
        after_the_database_is_back(app, mum, nurse, facts, typed, kept)


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429, 500, 503])
def test_no_error_page_touches_the_database(make_app, code):
    """The signed-in parent is loaded, then the database refuses everything: her error page
    is still made, in the design system, without a single statement."""
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is shown, as in production

    @app.get("/test/fail/<int:status>")
    def fail(status):
        assert current_user.is_authenticated
        g.database_refused = True
        if status == 503:
            db.session.execute(sa.text("SELECT 1"))
        if status == 500:
            raise RuntimeError("a bug")
        abort(status)

    def refuse(*_args):
        if has_request_context() and g.get("database_refused"):
            raise sa.exc.OperationalError("SELECT", {}, ConnectionRefusedError("away"))

    with app.app_context():
        parent, _enrolment = family_in_group(language="pl")
        mobile = parent.mobile
        sa.event.listen(db.engine, "before_cursor_execute", refuse)
    client = app.test_client()
    post_form(client, "account.sign_in", {"mobile": mobile})
    with app.app_context():
        code_texted = last_code(mobile)
    post_form(client, "account.enter_code", {"code": code_texted})
    get_page(client, "account.home")  # her language, kept as a cookie
    response = client.get(url(client, "fail", status=code))
    page = Page(response).check(code)
    assert in_language("pl", MESSAGES[code][0]) in page.text_of("h1")
    assert page.select("header.nhsuk-header") and response.headers["Content-Security-Policy"]


def test_the_503_page_keeps_every_field_but_passwords_codes_and_the_old_token(app):
    sent = {"postcode": "SW9 8AB", "name": "Ana", "password": "x" * 12, "code": "123456",
            "csrf_token": "old"}
    with app.test_request_context("/join/your-details", method="POST", data=sent):
        assert dict(kept_answers()) == {"postcode": "SW9 8AB", "name": "Ana"}
