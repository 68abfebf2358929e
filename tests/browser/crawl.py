"""Signing in as each role in a real browser, and visiting every page a role can reach by
following links (breadth first, bounded), for the accessibility and language tests."""

import re
import time
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pyotp

from pairs_group.db import db
from tests import factories
from tests.page_samples import build_world

# axe-core's rule tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ROLES = ("anonymous", "parent", "facilitator", "admin", "evaluator")
START = {"anonymous": "/", "parent": "/my-account", "facilitator": "/staff/groups/",
         "admin": "/staff/groups/", "evaluator": "/staff/groups/"}
# Not pages to check: files to download, and links that end the signed-in session.
NOT_FOLLOWED = re.compile(r"(\.ics|\.csv|\.json|\.xlsx|\.zip|/static/|/sign-out|/calendar/"
                          r"|/my-data\.html)",
                          re.IGNORECASE)


def live_settings():
    """Settings for a crawl: admins may sign in without an authenticator app."""
    return {"STAFF_TOTP_REQUIRED_FOR_ADMINS": False}


def make_world(app, language="en"):
    """The sample rows, with every person's saved language set to the one under test."""
    with app.app_context():
        world = build_world()
        for user in world.users.values():
            user.language = language
        db.session.commit()
        return {role: (getattr(user, "email", None), getattr(user, "mobile", None),
                       getattr(user, "totp_secret", None))
                for role, user in world.users.items()}


def sign_in(page, base, role, people, app):
    """Sign in through the real forms: staff with a password, a parent with a texted code."""
    if role == "anonymous":
        return
    email, mobile, totp_secret = people[role]
    if role == "parent":
        page.goto(base + "/sign-in")
        page.locator("input[name=mobile]").fill(mobile)
        submit(page)
        page.locator("input[name=code]").fill(last_code_texted(app, mobile))
        submit(page)
    else:
        page.goto(base + "/staff/sign-in")
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password]").fill(factories.STAFF_PASSWORD)
        submit(page)
        if totp_secret and page.url.endswith("/staff/sign-in/code"):
            page.locator("input[name=code]").fill(pyotp.TOTP(totp_secret).now())
            submit(page)
    page.wait_for_load_state()
    assert "sign-in" not in page.url, f"{role} could not sign in: {page.url}"


def submit(page):
    """Press the form's button and wait for the page the post leads to. (`wait_for_load_state`
    after the click could answer for the page already shown, on a busy machine.)"""
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit], main form[method=post] "
                     "button:not([type])").first.click()


def last_code_texted(app, mobile, seconds=10):
    """The code in the last text to this number (the test backend keeps what it sent)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        backend = app.extensions.get("sms_backend")  # made at the first text sent
        sent = [m for m in backend.sent if m["to"] == mobile] if backend else []
        codes = re.findall(r"\b\d{6}\b", sent[-1]["body"]) if sent else []
        if codes:
            return codes[0]
        time.sleep(0.1)
    raise AssertionError(f"no sign-in code was texted to {mobile}")


def sign_in_parent(page, base_url, app, mobile, language="en", remember=False):
    """A parent signs in on her phone with the code texted to her, as she would."""
    page.goto(f"{base_url}/sign-in?lang={language}")
    page.locator("#mobile").fill("0" + mobile[3:])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/sign-in/code")
    page.locator("#code").fill(last_code_texted(app, mobile))
    if remember:
        page.locator("input[name=remember]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my-account")


def same_site_links(page, base):
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    for href in hrefs:
        url = urldefrag(href)[0]
        if url.startswith(base) and not NOT_FOLLOWED.search(url) and "lang=" not in url:
            yield url


def crawl(page, base, start, visit, limit=40, done=None):
    """Open start, then every same-site link breadth first, at most `limit` pages; call
    visit(page, url) on each HTML page. Kinds of page in `done` are not opened again (and
    the kinds visited are added to it)."""
    done = set() if done is None else done
    queue, visited = deque([base + start]), []
    seen = done | {kind_of(base + start)}
    while queue and len(visited) < limit:
        url = queue.popleft()
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited.append(url)
        done.add(kind_of(url))
        visit(page, url)
        for link in same_site_links(page, base):
            if kind_of(link) not in seen:
                seen.add(kind_of(link))
                queue.append(link)
    return visited


def kind_of(url):
    """Pages that differ only by an id (session 1, session 2...) are one kind: visit one."""
    return re.sub(r"\d+", "N", url)


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (("?" + parts.query) if parts.query else "")
