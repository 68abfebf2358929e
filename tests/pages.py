"""Fetch a page and check what every page must have: status, a title, lang, unique ids."""

import re
from collections import Counter
from html.parser import HTMLParser


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.title, self.lang, self.dir, self._in_title = [], "", None, None, False
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "html":
            self.lang, self.dir = attrs.get("lang"), attrs.get("dir")
        if tag == "title":
            self._in_title = True
        if tag == "form":
            self.forms.append(attrs)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


class Page:
    """A fetched HTML page, checked and parsed."""

    def __init__(self, response):
        self.response = response
        self.html = response.get_data(as_text=True)
        parser = _PageParser()
        parser.feed(self.html)
        self.title = re.sub(r"\s+", " ", parser.title).strip()
        self.lang, self.dir = parser.lang, parser.dir
        self.ids, self.forms = parser.ids, parser.forms

    def check(self, status, csrf=False):
        code = self.response.status_code
        assert code == status, (code, self.html[:2000])
        assert self.title, "every page needs a <title>"
        assert self.lang, "every page needs <html lang>"
        duplicates = [i for i, n in Counter(self.ids).items() if n > 1]
        assert not duplicates, f"duplicate ids: {duplicates}"
        for form in self.forms if csrf else []:
            if (form.get("method") or "get").lower() == "post":
                assert 'name="csrf_token"' in self.html, "a POST form without a CSRF token"
        return self

    @property
    def text(self):
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self.html))


def _csrf_on(client):
    return client.application.config.get("WTF_CSRF_ENABLED", True)


def get_page(client, url, status=200, **kwargs):
    return Page(client.get(url, **kwargs)).check(status, csrf=_csrf_on(client))


def post_page(client, url, data, status=200, **kwargs):
    return Page(client.post(url, data=data, **kwargs)).check(status, csrf=_csrf_on(client))
