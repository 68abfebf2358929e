import sqlalchemy as sa

from pairs_group.auth.models import StaffUser
from pairs_group.db import db
from pairs_group.groups.models import Group
from pairs_group.parents.models import Enrolment, Parent


def counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (StaffUser, Group, Parent, Enrolment)]


def test_demo_loads_once_and_prints_the_sign_ins(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.example.org" in result.output and "password:" in result.output
    first = counts()
    assert first[1] >= 2 and first[2] >= 5
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert counts() == first


def test_demo_has_parents_in_several_languages(runner):
    runner.invoke(args=["demo"])
    languages = set(db.session.scalars(sa.select(Parent.language)))
    assert {"en", "pt", "ar", "so"} <= languages
