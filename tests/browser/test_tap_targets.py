"""Made for thumbs: on a 390 px phone, every link and button a parent taps is at least 44x44
CSS px, and text boxes keep NHS.UK's 40 px height (WCAG 2.5.5), on every page she sees:
signing up (and the waiting list, and "not eligible"), signed in with a group, sessions and a
questionnaire, and after saying she can't come (the undo button).

Not measured (WCAG's own exceptions): a link inside a sentence of running text, and the NHS
logo. Radios and checkboxes are measured by their row, and a clickable card by the card: that
is what a thumb taps."""

from datetime import date, timedelta

import pytest

from pairs_group.db import db
from tests import factories
from tests.account_factories import family_in_group
from tests.browser.crawl import crawl, sign_in_parent
from tests.browser.test_parents_sign_up_phone import make_group, sign_up, submit
from tests.parents_factories import new_mobile, open_group

pytestmark = pytest.mark.browser

# Every target on the page too small for a thumb: [description, width, height].
MEASURE = """() => {
  const visible = (el) => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && style.visibility !== "hidden"
      && !el.closest(".nhsuk-u-visually-hidden, [hidden]");
  };
  // A link in running text: words of its own on its line (up to a <br>), before or after.
  const wordsBeside = (el, step) => {
    for (let node = el[step]; node && node.nodeName !== "BR"; node = node[step]) {
      if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) return true;
    }
    return false;
  };
  const inSentence = (el) => wordsBeside(el, "previousSibling") || wordsBeside(el, "nextSibling");
  // What a thumb taps: a radio's or checkbox's row; a clickable card's link covers the card.
  const tapped = (el) => ["radio", "checkbox"].includes(el.type)
    ? el.closest(".nhsuk-radios__item, .nhsuk-checkboxes__item")
    : el.matches(".nhsuk-card--clickable .nhsuk-card__link")
      ? el.closest(".nhsuk-card--clickable") : el;
  const small = [];
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea")) {
    if (el.type === "hidden" || el.closest(".nhsuk-header__service-logo")) continue;
    if (el.matches(".nhsuk-skip-link")) continue;  // shown only when the keyboard reaches it
    const target = tapped(el);
    if (!visible(target) || (el.tagName === "A" && inSentence(el))) continue;
    const box = target.getBoundingClientRect();
    const typed = ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName) && target === el;
    const [width, height] = typed ? [44, 40] : [44, 44];
    if (box.width < width - 0.5 || box.height < height - 0.5) {
      const name = (el.textContent.trim() || el.name || el.id || el.type).slice(0, 40);
      small.push([`${el.tagName.toLowerCase()} "${name}"`, Math.round(box.width),
                  Math.round(box.height)]);
    }
  }
  return small;
}"""


class Ruler:
    """Measures each page it is shown; remembers the targets too small, by page."""

    def __init__(self, base):
        self.base, self.small, self.pages = base, {}, []

    def __call__(self, page, _name=None):
        path = page.url.removeprefix(self.base)
        if path.startswith("/staff"):  # the footer's "Staff sign in": not a parent's page
            return
        self.pages.append(path)
        for target, width, height in page.evaluate(MEASURE):
            self.small.setdefault(f"{target} {width}x{height}", path)

    def check(self):
        assert not self.small, f"{len(self.small)} targets smaller than a thumb:\n" + "\n".join(
            f"  {target}  on {path}" for target, path in self.small.items())


def test_every_target_on_the_sign_up_pages_fits_a_thumb(live_server, live_app, phone):
    base, ruler = live_server.url, Ruler(live_server.url)
    make_group(live_app, "pt")
    crawl(phone, base, "/", lambda page, url: ruler(page), limit=12)
    sign_up(phone, base, "en", "07911 212300", ruler)
    phone.goto(base + "/join")
    phone.fill("input[name=postcode]", "N1 9GU")
    phone.check("input[name=baby_status][value=pregnant]")
    due = date.today() + timedelta(weeks=20)
    for part in ("day", "month", "year"):
        phone.fill(f"input[name='due_date[{part}]']", str(getattr(due, part)))
    submit(phone)
    phone.wait_for_url("**/join/not-eligible**")
    ruler(phone)
    assert "/join/your-details" in ruler.pages and "/join/choose-a-group" in ruler.pages
    ruler.check()


def test_every_target_on_the_waiting_list_pages_fits_a_thumb(live_server, live_app, phone):
    base, ruler = live_server.url, Ruler(live_server.url)
    with live_app.app_context():
        group = open_group(capacity=1, languages=("en",))
        factories.enrol(factories.make_dyad(mobile=new_mobile()), group)
        db.session.commit()
    sign_up(phone, base, "en", "07911 212400", ruler)
    assert any(path.startswith("/join/done") for path in ruler.pages)
    ruler.check()


def test_every_target_a_signed_in_parent_taps_fits_a_thumb(live_server, live_app, phone):
    base, ruler = live_server.url, Ruler(live_server.url)
    with live_app.app_context():
        parent, _enrolment = family_in_group()
        mobile = parent.mobile
    sign_in_parent(phone, base, live_app, mobile)
    crawl(phone, base, "/my-account", lambda page, url: ruler(page), limit=30)
    phone.goto(base + "/my-account")
    phone.locator("main a[href$='/cant-come']").first.click()
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url("**/my-account")
    ruler(phone)  # with "I can come after all" and the message saying so
    phone.goto(base + "/questionnaires/")
    phone.locator("main a[href*='/prfq/pre']").first.click()
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_url("**/section/1")
    ruler(phone)
    assert {"/my-account/settings", "/my-account/my-data"} <= set(ruler.pages), ruler.pages
    ruler.check()
