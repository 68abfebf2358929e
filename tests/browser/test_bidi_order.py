"""Right to left done right: on an Arabic page, English words staff typed (an address, access
notes) and the English wording of a questionnaire keep their own order: measured on the screen."""

import pytest

from pairs_group.auth.links import link_url
from tests.account_factories import family_in_group
from tests.factories import make_venue

pytestmark = pytest.mark.browser

# The left edge of one character of an element's text, as drawn.
CHARACTER_LEFT = """([selector, index]) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let node, seen = 0;
  while ((node = walker.nextNode())) {
    if (index < seen + node.length) {
      const range = document.createRange();
      range.setStart(node, index - seen);
      range.setEnd(node, index - seen + 1);
      return range.getBoundingClientRect().left;
    }
    seen += node.length;
  }
  return null;
}"""


def left_of(page, selector, text, character):
    """Where `character` (its first place in `text`) is drawn, `text` being the element's own."""
    assert page.locator(selector).first.inner_text().strip().startswith(text[:5])
    full = page.evaluate("s => document.querySelector(s).textContent", selector)
    return page.evaluate(CHARACTER_LEFT, [selector, full.index(text) + text.index(character)])


def test_an_english_address_and_question_keep_their_order_on_an_arabic_page(
        live_server, live_app, phone, screenshot):
    with live_app.app_context():
        venue = make_venue(name="Example Hill Centre", address="2 Example Hill, London",
                           access_notes="Lift to the first floor.")
        parent, _enrolment = family_in_group(language="ar", venue=venue)
        welcome = link_url(parent, "welcome").removeprefix("http://localhost")
        questionnaire = link_url(parent, "questionnaire").removeprefix("http://localhost")
    page = phone
    page.goto(live_server.url + welcome)
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "bidi-ar-home")
    page.locator("bdi", has_text="2 Example Hill").first.evaluate("e => e.id = 'address'")
    page.locator("bdi", has_text="Lift to the").first.evaluate("e => e.id = 'notes'")
    two = left_of(page, "#address", "2 Example Hill, London", "2")
    example = left_of(page, "#address", "2 Example Hill, London", "E")
    assert two < example, "the house number is drawn after the street on an Arabic page"
    lift = left_of(page, "#notes", "Lift to the first floor.", "L")
    stop = left_of(page, "#notes", "Lift to the first floor.", ".")
    assert lift < stop, "the full stop is drawn before the sentence on an Arabic page"

    page.goto(live_server.url + questionnaire)
    page.locator("main a").first.click()  # her questionnaire: why we ask
    page.locator("main .nhsuk-button, main button[type=submit]").first.click()  # start
    question = page.locator("label[lang=en], legend span[lang=en]").first
    assert question.get_attribute("dir") == "ltr"
    text = question.inner_text().strip()
    question.evaluate("e => e.id = 'question'")
    first = left_of(page, "#question", text, text[0])
    last = left_of(page, "#question", text, text[-1])
    assert first < last, "an English question is drawn right to left"
    screenshot(page, "bidi-ar-question")
