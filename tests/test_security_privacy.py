"""Retention: `flask retention apply` erases parents whose groups finished long ago, through
the same erasure a parent uses herself, with a dry run first."""

from datetime import date, timedelta

import sqlalchemy as sa

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db
from pairs_group.parents.models import Parent
from tests import factories


def family(first_day):
    dyad = factories.make_dyad()
    factories.enrol(dyad, factories.make_group(first_day=first_day))
    db.session.commit()
    return dyad.parent.id, dyad.pseudonym


def test_retention_dry_run_lists_and_apply_erases_only_what_is_past_the_period(app, runner):
    app.config["RETENTION_MONTHS"] = 24
    old_id, old_pseudonym = family(date.today() - timedelta(days=3 * 365))
    recent_id, _ = family(date.today() - timedelta(days=200))
    future_id, _ = family(date.today() + timedelta(days=20))
    result = runner.invoke(args=["retention", "apply", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"parent #{old_id} ({old_pseudonym})" in result.output
    assert f"#{recent_id} " not in result.output and f"#{future_id} " not in result.output
    assert db.session.get(Parent, old_id) is not None  # a dry run changes nothing
    result = runner.invoke(args=["retention", "apply"])
    assert result.exit_code == 0, result.output
    assert "Erased 1 parent(s)" in result.output
    db.session.expire_all()
    erased = db.session.get(Parent, old_id)
    assert erased is None or (erased.name == "" and erased.mobile.startswith("erased-"))
    assert db.session.get(Parent, recent_id).name
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "account.delete" in actions and "privacy.retention_erase" in actions
    again = runner.invoke(args=["retention", "apply"])
    assert "Erased 0 parent(s)" in again.output


def test_retention_uses_the_parents_own_erasure_code(monkeypatch, app):
    from pairs_group.account import erasure
    from pairs_group.privacy import service

    assert service.erase_parent is erasure.erase_parent
