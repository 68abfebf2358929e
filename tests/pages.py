"""Fetch a page by its endpoint and check what every page must have: status, a title, lang,
unique ids, a CSRF token in each POST form. Tests then read the page with CSS selectors, so a
fact is checked on the element that should carry it, not anywhere in the HTML."""

import re
from collections import Counter
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from flask import current_app, url_for

REDIRECTS = (301, 302, 303, 307, 308)


def _squash(text):
    return re.sub(r"\s+", " ", text).strip()


class Page:
    """A fetched HTML page, checked and parsed."""

    def __init__(self, response):
        self.response = response
        self.html = response.get_data(as_text=True)
        self.soup = BeautifulSoup(self.html, "html.parser")
        root = self.soup.html
        self.lang = root.get("lang") if root else None
        self.dir = root.get("dir") if root else None
        self.title = _squash(self.soup.title.get_text()) if self.soup.title else ""
        self.ids = [tag["id"] for tag in self.soup.select("[id]")]
        self.forms = [dict(form.attrs) for form in self.soup.select("form")]

    def check(self, status, csrf=False):
        code = self.response.status_code
        assert code == status, (code, self.html[:2000])
        assert self.title, "every page needs a <title>"
        assert self.lang, "every page needs <html lang>"
        duplicates = [i for i, n in Counter(self.ids).items() if n > 1]
        assert not duplicates, f"duplicate ids: {duplicates}"
        for form in self.soup.select("form") if csrf else []:
            if (form.get("method") or "get").lower() == "post":
                assert form.select_one("input[name=csrf_token]"), \
                    f"a POST form without a CSRF token: {form.get('action')}"
        return self

    @property
    def text(self):
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self.html))

    def select(self, css):
        """Every element the selector matches (an empty list when none does)."""
        return self.soup.select(css)

    def select_one(self, css):
        """The one element the selector must match: a missing element fails here, by name."""
        found = self.soup.select(css)
        assert found, f"nothing matches {css!r}"
        return found[0]

    def texts(self, css):
        """The text of each element the selector matches, whitespace squashed."""
        return [_squash(tag.get_text(" ")) for tag in self.soup.select(css)]

    def text_of(self, css):
        """The text of the first element the selector matches, whitespace squashed."""
        return _squash(self.select_one(css).get_text(" "))

    def shows(self, css, words):
        """Whether one of the elements css names carries the words (in its text)."""
        return any(words in text for text in self.texts(css))

    def field_value(self, name):
        """What the form shows in the field called name, as the browser would send it: the
        typed value, the chosen option or radio (None when none is), or for checkboxes the
        list of those ticked."""
        fields = self.soup.select(f'[name="{name}"]')
        assert fields, f"no field named {name!r}"
        values = [value for field in fields for value in _values(field)]
        if fields[0].get("type") == "checkbox":
            return values
        assert len(values) <= 1, f"{name!r} sends {values}"
        return values[0] if values else None


def _values(field):
    if field.name == "textarea":
        return [field.get_text()]
    if field.name == "select":
        options = field.select("option[selected]") or field.select("option")[:1]
        return [option.get("value", option.get_text()) for option in options]
    if field.get("type") in ("checkbox", "radio"):
        return [field.get("value", "on")] if field.has_attr("checked") else []
    return [field.get("value", "")]


def url(client, endpoint, query=None, **args):
    """The path of an endpoint (`url_for` without host); a path ("/...") is kept as it is.
    query holds query arguments whose names the helpers use themselves (status, headers)."""
    if endpoint.startswith("/"):
        assert not args and not query, "a path takes no URL arguments: give an endpoint"
        return endpoint
    with client.application.test_request_context():
        return url_for(endpoint, _external=False, **args, **(query or {}))


def _csrf_on(client):
    return client.application.config.get("WTF_CSRF_ENABLED", True)


def get_page(client, endpoint, status=200, *, headers=None, query=None, **args):
    """GET the endpoint's page (URL arguments as keywords) and check it answers status."""
    response = client.get(url(client, endpoint, query, **args), headers=headers)
    return Page(response).check(status, csrf=_csrf_on(client))


def post_page(client, endpoint, data, status=200, *, headers=None, **args):
    """POST a form to the endpoint when the answer is a page (a form shown again with errors)."""
    response = client.post(url(client, endpoint, **args), data=data, headers=headers)
    return Page(response).check(status, csrf=_csrf_on(client))


def post_form(client, endpoint, data, *, headers=None, **args):
    """POST a form to the endpoint when the answer is not a page: pass it to expect_redirect."""
    return client.post(url(client, endpoint, **args), data=data, headers=headers)


def expect_redirect(response, endpoint, **args):
    """Check the response redirects to the endpoint (to exactly these URL arguments when given)
    and return the path it points at, to follow with get_page. Routes are read from the app of
    the test's app context."""
    assert response.status_code in REDIRECTS, \
        (response.status_code, response.get_data(as_text=True)[:2000])
    location = urlsplit(response.headers["Location"])
    path = location.path + (f"?{location.query}" if location.query else "")
    routes = current_app.url_map.bind("localhost")
    found, _ = routes.match(location.path, method="GET")
    assert found == endpoint, f"redirects to {found} ({path}), not {endpoint}"
    if args:
        assert path == routes.build(endpoint, args), path
    return path
