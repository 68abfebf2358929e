"""Every page a parent, facilitator, admin or evaluator can reach passes axe-core's WCAG 2.2
A and AA rules, in English and in Arabic (right to left).

Each role signs in through the real forms and follows every link on the site breadth first
(tests/browser/crawl.py); each kind of page is checked once per language, by the first role
that reaches it. Pages that need a form sent first (errors shown) are in ERROR_STATES.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PHONE, LiveServer
from tests.browser.crawl import (
    ROLES,
    START,
    WCAG_AA,
    crawl,
    live_settings,
    make_world,
    path_of,
    sign_in,
    submit,
)

pytestmark = pytest.mark.browser
AXE = Axe()
CHECKED = {}  # language -> kinds of page already checked (tests/browser/crawl.py kind_of)
# (role, page) whose form is sent empty, to check the page with its errors shown.
ERROR_STATES = [("anonymous", "/sign-in"), ("anonymous", "/staff/sign-in"),
                ("admin", "/staff/groups/new")]


def axe_violations(page):
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                     "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(node["target"][0] if isinstance(node["target"][0], str)
                        else str(node["target"][0]) for node in v["nodes"][:3])
            for v in results.response["violations"]]


@pytest.fixture
def crawler(browser, make_app):
    """A live app with sample data, and a function making a phone page for a language."""
    app = make_app(WTF_CSRF_ENABLED=True, TESTING=False, **live_settings())
    contexts = []

    def new_page(language):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                      locale="ar" if language == "ar" else "en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    with LiveServer(app) as server:
        yield app, server.url, new_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_can_reach_passes_axe(crawler, role, language):
    app, base, new_page = crawler
    people = make_world(app, language)
    page = new_page(language)
    page.goto(base + "/?lang=" + language)
    sign_in(page, base, role, people, app)
    found = {}

    def check(page, url):
        assert page.locator("html").get_attribute("lang") == language, url
        for violation in axe_violations(page):
            found.setdefault(violation, path_of(url))

    # A kind of page is checked once per language, by the first role that reaches it.
    visited = crawl(page, base, START[role], check, done=CHECKED.setdefault(language, set()))
    for error_role, path in ERROR_STATES:
        if error_role == role:
            page.goto(base + path)
            submit(page)
            check(page, base + path + " (errors shown)")
    assert visited, f"{role} reached no page"
    assert not found, f"axe found {len(found)} problems as {role} in {language}:\n" + "\n".join(
        f"  {v}  on {url}" for v, url in found.items())
