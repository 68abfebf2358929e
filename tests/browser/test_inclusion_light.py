"""Pages for old phones on pay-as-you-go data, big text, keyboards and Arabic readers:
data budgets, nothing from other sites, JavaScript optional, text at 200%, visible focus,
a mirrored right-to-left layout; with screenshots in English and Arabic to look at."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SCREENSHOTS, LiveServer
from tests.browser.crawl import crawl, live_settings, make_world, path_of, sign_in, submit

pytestmark = pytest.mark.browser
FIRST_LOAD_BUDGET = 60 * 1024
REPEAT_VISIT_BUDGET = 15 * 1024
TEXT_TWICE_AS_BIG = """document.addEventListener("readystatechange", () => {
  if (document.readyState === "interactive") document.documentElement.style.fontSize = "200%";
});"""
PUBLIC_PAGES = ["/", "/privacy", "/accessibility", "/sign-in", "/staff/sign-in"]


@pytest.fixture
def site(browser, make_app):
    """The live app with sample data, and a way to open phone pages (JS on or off)."""
    app = make_app(WTF_CSRF_ENABLED=True, TESTING=False, **live_settings())
    contexts = []

    def new_page(javascript=True, language="en"):
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                      has_touch=True, java_script_enabled=javascript,
                                      locale="ar" if language == "ar" else "en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    with LiveServer(app) as server:
        yield app, server.url, new_page
    for context in contexts:
        context.close()


def count_bytes(page):
    """Bytes that really cross the network (compressed, headers included; 0 from the cache)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    total = {"bytes": 0}
    cdp.on("Network.loadingFinished",
           lambda event: total.__setitem__("bytes", total["bytes"] + event["encodedDataLength"]))
    return total


def refuse_other_sites(page):
    """Every request that would leave 127.0.0.1 is stopped and remembered."""
    outside = []

    def check(route):
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", check)
    return outside


def test_a_parents_first_visit_and_repeat_visit_stay_within_the_data_budget(site):
    app, base, new_page = site
    for path in PUBLIC_PAGES[:4]:
        page = new_page()
        fonts = []
        page.on("request", lambda r: fonts.append(r.url) if r.resource_type == "font" else None)
        sent = count_bytes(page)
        # networkidle: every byte of the first visit is counted before the repeat starts.
        page.goto(base + path, wait_until="networkidle")
        first = sent["bytes"]
        sent["bytes"] = 0
        page.goto(base + path, wait_until="networkidle")
        repeat = sent["bytes"]
        assert first <= FIRST_LOAD_BUDGET, f"{path}: first load {first} bytes"
        assert repeat <= REPEAT_VISIT_BUDGET, f"{path}: repeat visit {repeat} bytes"
        assert not fonts, f"web fonts loaded: {fonts}"


def test_no_page_asks_anything_of_another_site(site):
    app, base, new_page = site
    people = make_world(app)
    for role in ("anonymous", "parent", "facilitator"):
        page = new_page()
        outside = refuse_other_sites(page)
        page.goto(base + "/")
        sign_in(page, base, role, people, app)
        crawl(page, base, {"anonymous": "/", "parent": "/my-account"}.get(role, "/staff/groups/"),
              lambda page, url: None, limit=25)
        assert not outside, f"requests to other sites as {role}: {outside}"


def test_public_pages_and_staff_sign_in_work_with_javascript_off(site, screenshot):
    app, base, new_page = site
    people = make_world(app)
    page = new_page(javascript=False)
    for path in PUBLIC_PAGES:
        response = page.goto(base + path)
        assert response.status == 200 and page.locator("h1").count() == 1, path
    page.goto(base + "/sign-in")
    submit(page)
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error:"))
    screenshot(page, "inclusion-js-off-sign-in-error")
    sign_in(page, base, "facilitator", people, app)
    assert page.locator("h1").count() == 1


def test_a_parent_signs_in_and_sees_her_account_with_javascript_off(site, screenshot):
    app, base, new_page = site
    people = make_world(app)
    page = new_page(javascript=False)
    sign_in(page, base, "parent", people, app)
    assert urlsplit(page.url).path == "/my-account"
    screenshot(page, "inclusion-js-off-my-account")
    visited = crawl(page, base, "/my-account", lambda page, url: None, limit=20)
    assert len(visited) >= 3


@pytest.mark.parametrize("language", ["en", "ar"])
def test_text_made_twice_as_big_never_pushes_a_page_sideways(site, language):
    app, base, new_page = site
    people = make_world(app, language)
    wide = {}

    def check(page, url):
        # Measured once NHS.UK frontend has folded the header menu, as a person sees it.
        page.wait_for_function("document.documentElement.dataset.nhsukFrontend === 'ready'")
        assert page.evaluate("document.documentElement.style.fontSize") == "200%"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            wide[path_of(url)] = overflow

    for role in ("anonymous", "parent"):
        page = new_page(language=language)
        # As a phone set to large text: twice the size before the page's scripts lay it out.
        page.add_init_script(TEXT_TWICE_AS_BIG)
        page.goto(base + "/?lang=" + language)
        sign_in(page, base, role, people, app)
        crawl(page, base, "/" if role == "anonymous" else "/my-account", check, limit=25)
    assert not wide, f"pages wider than the screen at 200% text (pixels): {wide}"


def test_every_link_and_button_shows_where_the_keyboard_focus_is(site):
    app, base, new_page = site
    page = new_page()
    page.goto(base + "/sign-in")
    unmarked = []
    for _ in range(12):
        page.keyboard.press("Tab")
        shown = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const s = getComputedStyle(el);
            return [el.outerHTML.slice(0, 80),
                    s.outlineStyle !== 'none' || s.boxShadow !== 'none'
                    || s.backgroundColor === 'rgb(255, 235, 59)'];
        }""")
        if shown and not shown[1]:
            unmarked.append(shown[0])
    assert not unmarked, f"focus not visible on: {unmarked}"


def test_arabic_pages_read_right_to_left_with_radios_on_the_right(site, screenshot):
    app, base, new_page = site
    people = make_world(app, "ar")
    page = new_page(language="ar")
    page.goto(base + "/?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    heading = page.locator("h1").bounding_box()
    assert heading["x"] + heading["width"] > PHONE["width"] - 40, "the heading starts on the right"
    sign_in(page, base, "admin", people, app)
    page.goto(base + "/staff/groups/new")
    radio = page.locator(".nhsuk-radios__item, .nhsuk-checkboxes__item").first
    box = radio.locator("input").bounding_box()
    label = radio.locator("label").bounding_box()
    assert box["x"] > label["x"], "in Arabic the circle or box is to the right of its label"
    screenshot(page, "inclusion-ar-staff-new-group")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_screenshots_of_every_page_a_parent_and_a_facilitator_see(site, language):
    app, base, new_page = site
    people = make_world(app, language)
    for role, start in (("anonymous", "/"), ("parent", "/my-account"),
                        ("facilitator", "/staff/groups/")):
        page = new_page(language=language)
        page.goto(base + "/?lang=" + language)
        sign_in(page, base, role, people, app)

        def take(page, url, role=role):
            name = path_of(url).strip("/").replace("/", "-").replace("?", "-") or "home"
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"inclusion-{language}-{role}-{name}.png"),
                            full_page=True, timeout=60_000)

        crawl(page, base, start, take, limit=20)


def test_a_parent_signs_up_in_arabic_with_javascript_off(site, screenshot):
    from tests.browser.test_parents_sign_up_phone import make_group, sign_up

    app, base, new_page = site
    make_group(app, "ar")
    page = new_page(javascript=False, language="ar")
    sign_up(page, base, "ar", "07911 123499")
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "inclusion-js-off-ar-signed-up")


def test_a_parent_says_she_cannot_come_with_javascript_off(site):
    app, base, new_page = site
    people = make_world(app)
    page = new_page(javascript=False)
    sign_in(page, base, "parent", people, app)
    page.locator("main a[href*='/cant-come']").first.click()
    page.wait_for_url("**/cant-come")
    submit(page)
    assert urlsplit(page.url).path == "/my-account"
    assert page.locator("main form[action*='/can-come']").count() == 1, "she can undo it"
