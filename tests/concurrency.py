"""Helpers for races: PostgreSQL only, a slowed-down step so threads really overlap, and
work started in several threads at the same moment, each with its own app context."""

import os
import threading
import time

import pytest

from pairs_group.db import db


def require_postgres(app, what):
    """The suite's own database when it is PostgreSQL. The SQLite pass leaves races to the
    PostgreSQL pass (.ci/run runs both), where a missing server fails the whole run in CI."""
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip(f"{what} runs in the PostgreSQL pass (TEST_DATABASE_URL)")
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    return app


def slow_down(monkeypatch, module, name, seconds=0.2):
    """Make module.name wait after it has answered, widening the gap a race needs."""
    original = getattr(module, name)

    def slowly(*args, **kwargs):
        found = original(*args, **kwargs)
        time.sleep(seconds)
        return found

    monkeypatch.setattr(module, name, slowly)


def at_once(app, work, items, timeout=60):
    """Run work(item, start) for each item in its own thread and app context (so its own
    database connection); work calls start() where the threads should line up. Returns what
    each returned, in the order they finished."""
    barrier, outcomes = threading.Barrier(len(items), timeout=timeout), []

    def run(item):
        with app.app_context():
            try:
                outcomes.append(work(item, barrier.wait))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout * 2)
    return outcomes
