"""The demo has a parent with a started PRFQ, and her home page can list it."""

from pairs_group.demo import DEMO_PARENTS, create_demo_data
from pairs_group.parents.models import Parent
from pairs_group.questionnaires import plans


def test_a_demo_parent_has_an_open_prfq_she_has_started(app):
    create_demo_data()
    create_demo_data()  # twice changes nothing
    parent = Parent.query.filter_by(mobile=DEMO_PARENTS[0][1]).one()
    tasks = plans.open_tasks(parent)
    assert [(t.instrument.id, t.started) for t in tasks] == [("prfq", True)]
    assert len(tasks[0].response.answers) == 3
    with app.test_request_context():
        title, url, due = plans.home_tasks(parent)[0]
    assert url.endswith("/prfq/pre/") and due == tasks[0].closes_at
