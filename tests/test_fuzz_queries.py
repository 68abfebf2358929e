"""Hostile values in the query string of every page (the GET forms' filters and every argument
the app reads), as every role that may open the page, in English and Arabic: never a 5xx.

The sibling of tests/test_fuzz_forms.py (POST forms). The GET forms' fields (found in each
page's HTML; the report downloads read the report filter's) get the hostile values in every
field at once (start=end=9999-12-31 was a 500) and one field at a time; every page also gets the
query arguments read anywhere (page numbers, lang, next, url_for's own keywords) and
Hypothesis's mixtures. The pages and roles come from tests/page_samples.py and the access
matrix. Bounded: about 2,000 requests, some 20 s on SQLite.
"""

import os
from html.parser import HTMLParser
from itertools import cycle, islice

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairs_group.access import ACCESS, LINK, PARENT, PUBLIC
from pairs_group.db import db
from pairs_group.i18n import LANGUAGE_COOKIE
from pairs_group.reports.paging import PAGE_ARGS
from tests.page_samples import ROLES, build_world, sample_urls, sign_in_test_client
from tests.security_helpers import fresh_request

MARKER = "<script>pwn</script>"
HOSTILE = [
    "9999-12-31", "0001-01-01", "2024-02-30", "1999-12-31", "2101-01-01", "2026-13-01",
    "31/12/2026", "٢٠٢٦-٠١-٠١", "", " ", "\t\n", "99999999999999999999", "-1",
    "-99999999999999999999", "0", "1e309", "NaN", "١٢٣", "中文的日期", "مجموعة", "\x00",
    "1\x00", "x" * 5000, MARKER, "' OR 1=1 --", "../../etc/passwd", "%00", "[]",
]
# Read by some page or by url_for: url_for's own keywords (_scheme, _anchor...) must never come
# from the query string.
GENERIC_ARGS = ["page", "lang", "next", "reason", "expired", "show", "v", "group", "group_id",
                "_scheme", "_anchor", "_external", "_method", *PAGE_ARGS.values()]
LANGUAGES = ("en", "ar")
# Downloads are not pages (no form of their own) but read the report filter's arguments.
REPORT_FILTER = ["start", "end", "group", "venue", "language"]
# Worked out afresh each time (no cache), so they get the hostile values in every field only.
DOWNLOADS = [("reports.download_table", "/staff/reports/attendance/overall.csv"),
             ("reports.download_export", "/staff/reports/exports/dyads.csv")]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str),
                   st.dates().map(str))
PROBLEMS = {}  # what went wrong -> the first query it went wrong for
# Hypothesis's mixtures per page, role and language (a page with a GET form, or without);
# FUZZ_EXAMPLES raises both for a long run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
MIXTURES = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


class GetFormFields(HTMLParser):
    """The names of the fields of the page's GET forms."""

    def __init__(self):
        super().__init__()
        self.names, self.in_get_form = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif self.in_get_form and tag in {"input", "select", "textarea"} and attrs.get("name"):
            self.names.append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


def get_form_fields(html):
    parser = GetFormFields()
    parser.feed(html)
    return list(dict.fromkeys(parser.names))


def may_open(role, endpoint):
    allowed = ACCESS.get(endpoint, {PUBLIC})
    return PUBLIC in allowed or role in allowed or (role == PARENT and LINK in allowed)


def speak(world, language):
    """Everyone's saved language (it wins over the cookie) is the one being tried."""
    for user in world.users.values():
        user.language = language
    db.session.commit()


def test_every_page_survives_hostile_query_arguments(make_app):
    app = make_app(STAFF_TOTP_REQUIRED_FOR_ADMINS=False)
    PROBLEMS.clear()
    with app.test_request_context():
        world = build_world()
        pages = [(e, url) for e, url in sample_urls(app, world) if "sign_out" not in e]
        pages += DOWNLOADS
        for language in LANGUAGES:
            speak(world, language)
            for turn, role in enumerate(ROLES):
                for endpoint, url in pages:
                    if may_open(role, endpoint):
                        crawl_page(app, world, (role, language, turn), endpoint, url)
    assert not PROBLEMS, "\n".join(f"{problem}  <- {query!r:.300}"
                                    for problem, query in PROBLEMS.items())


def crawl_page(app, world, visitor, endpoint, url):
    """The page as it is, then its GET form fields and the generic arguments, hostile."""
    role, language, turn = visitor
    client = sign_in_test_client(app.test_client(), world.users.get(role))
    client.set_cookie(LANGUAGE_COOKIE, language)
    where = f"{endpoint} as {role} in {language}"
    first = visit(client, url, {}, where)
    html = first.get_data(as_text=True) if first is not None and first.status_code == 200 else ""
    download = (endpoint, url) in DOWNLOADS
    names = REPORT_FILTER if download else get_form_fields(html)
    if "<form" in html:
        assert f'lang="{language}"' in html, where
    queries = hostile_queries(names, turn + LANGUAGES.index(language))
    for query in queries[:len(HOSTILE) // 2] if download else queries:
        visit(client, url, query, where)
    mix(client, url, names, where)


def hostile_queries(names, turn):
    """Half the hostile values in every field at once, then a third of them each in one field
    (the fields taking turns). `turn` counts a page's visits as roles and languages, and picks
    the other half (and third) on the next visit: each role gets every value in every field
    across its two languages, and each language across the roles. A page with no GET form gets
    a couple of them in every generic argument."""
    if not names:
        return [dict.fromkeys(GENERIC_ARGS, value) for value in HOSTILE[turn % 2::14]]
    everywhere = [dict.fromkeys(names + GENERIC_ARGS, value) for value in HOSTILE[turn % 2::2]]
    alone = HOSTILE[turn % 3::3]
    fields = islice(cycle(names + GENERIC_ARGS), turn, turn + len(alone))
    return everywhere + [{name: value} for name, value in zip(fields, alone, strict=True)]


def mix(client, url, names, where):
    @settings(MIXTURES, max_examples=EXAMPLES if names else max(EXAMPLES // 2, 1))
    @given(query=st.fixed_dictionaries({}, optional={n: values for n in names + GENERIC_ARGS}))
    def visit_mixture(query):
        visit(client, url, query, where)

    visit_mixture()


def visit(client, url, query, where):
    """The response; what went wrong is noted in PROBLEMS, so one run shows them all."""
    try:
        response = fresh_request(client, url, query_string=query)
    except Exception as error:  # noqa: BLE001 - reported with the query that broke it
        PROBLEMS.setdefault(f"{where}: {error!r:.200}", query)
        return None
    if response.status_code >= 500:
        PROBLEMS.setdefault(f"{where}: {response.status_code}", query)
    elif MARKER in response.get_data(as_text=True):
        PROBLEMS.setdefault(f"{where}: sent back unescaped input", query)
    return response
