"""Each page the benchmark loads runs the same number of SQL statements however much data there
is: no page loads rows one at a time (N+1). The same counts `make bench` reports, at small scale."""

import pytest

from bench import pages
from pairs_group import create_app
from pairs_group.db import db
from pairs_group.demo_scale import create_scale_data
from tests import factories
from tests.conftest import empty_all_tables, settings_for_tests

PAGES = [name for name, _path, _who in pages.pages({"dyad_id": 0, "session_id": 0})]


def seed_and_count(app, parents, per_group):
    """Add `parents` families in groups of `per_group`; the statements each page runs for one
    of the newest families, her facilitator and an evaluator."""
    with app.app_context():
        facilitator = factories.make_staff(role="facilitator")
        evaluator = factories.make_staff(role="evaluator")
        db.session.flush()
        made = create_scale_data(parents, facilitators=[facilitator], per_group=per_group)
        made["staff"] = {"facilitator": facilitator.id, "evaluator": evaluator.id}
        db.session.remove()
    return pages.count_statements(app, made, pages.session_cookies(app, made))


@pytest.fixture(scope="module")
def counts(tmp_path_factory, database_url):
    """Two groups of 3 families, then six more groups of 9 on top: more of everything."""
    app = create_app(settings_for_tests(database_url, tmp_path_factory.mktemp("performance")))
    try:
        yield seed_and_count(app, 6, 3), seed_and_count(app, 54, 9)
    finally:
        with app.app_context():
            db.session.remove()
            empty_all_tables()
            db.engine.dispose()


@pytest.mark.parametrize("page", PAGES)
def test_a_page_runs_as_many_statements_with_more_families_groups_and_history(counts, page):
    small, large = counts
    assert small[page]["status"] == large[page]["status"] == 200, (small[page], large[page])
    assert small[page]["statements"] == large[page]["statements"], (small[page], large[page])


def test_every_page_runs_only_a_handful_of_statements(counts):
    _small, large = counts
    assert {page: seen["statements"] for page, seen in large.items()
            if seen["statements"] > 20} == {}
