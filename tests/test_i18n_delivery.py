"""Light pages for pay-as-you-go data: compressed responses, static files cached for a year,
no web fonts; and numbers, dates and phone numbers written for each language."""

import gzip
import re
from datetime import UTC, date, datetime, time

import brotli
from flask_babel import force_locale

from pairs_group.templating import london_date, london_time, ltr, number, percent
from tests.pages import get_page, url


def static_address(client, name):
    """The fingerprinted address the home page gives the file (its stylesheet or script)."""
    page = get_page(client, "pages.index")
    path = url(client, "static", filename=f"build/{name}")
    found = [tag.get("href") or tag.get("src") for tag in page.select("link[href], script[src]")]
    return next(a for a in found if re.fullmatch(re.escape(path) + r"\?v=[0-9a-f]+", a))


def test_pages_are_sent_compressed_with_brotli_or_gzip(client):
    # The compressed bytes are the point here: the raw response, addressed by endpoint.
    home = url(client, "pages.index")
    response = client.get(home, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert b"<html" in brotli.decompress(response.get_data())
    response = client.get(home, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.get_data())
    assert "Accept-Encoding" in response.headers["Vary"]


def test_fingerprinted_static_files_are_cached_for_a_year_and_compressed(client):
    for name in ("app.css", "nhsuk-frontend.min.js"):
        response = client.get(static_address(client, name), headers={"Accept-Encoding": "br"})
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
        assert response.headers["Content-Encoding"] == "br"
        assert len(brotli.decompress(response.get_data())) > len(response.get_data()) * 3
        response.close()


def test_a_static_file_without_its_fingerprint_is_not_cached_for_long(client):
    response = client.get(url(client, "static", filename="build/app.css"))
    assert response.status_code == 200
    assert "max-age=31536000" not in (response.headers.get("Cache-Control") or "")
    response.close()


def test_the_stylesheet_loads_no_web_font_and_nothing_from_elsewhere(client):
    response = client.get(static_address(client, "app.css"))
    css = response.get_data(as_text=True)
    response.close()
    assert "@font-face" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), "a stylesheet URL leaves the site"


def test_the_stylesheet_mirrors_for_right_to_left():
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "static/build/app.css").read_text()
    assert '[dir=rtl] .nhsuk-radios__label::before' in css.replace('"', "")
    assert ".pairs-ltr{direction:ltr" in css


def test_numbers_and_percentages_follow_the_language(app):
    with app.test_request_context():
        with force_locale("en_GB"):
            assert (number(1234.5), percent(0.73)) == ("1,234.5", "73%")
        with force_locale("pl"):
            assert number(1234.5).replace("\xa0", " ") == "1 234,5"
        with force_locale("fr"):
            assert number(3, decimals=1) == "3,0"
        assert number(None) == "" and percent(None) == ""


def test_dates_and_times_are_written_in_london_time_in_each_language(app):
    moment = datetime(2027, 5, 17, 9, 30, tzinfo=UTC)  # 10:30 in London (summer)
    with app.test_request_context():
        with force_locale("en_GB"):
            assert london_date(date(2027, 5, 17)) == "Monday, 17 May 2027"
            assert london_time(moment) == "10:30"
        with force_locale("pt"):
            assert london_date(date(2027, 5, 17)).startswith("segunda-feira")
        with force_locale("ar"):
            assert "مايو" in london_date(date(2027, 5, 17))
        assert london_time(time(10, 30)) and london_date(None) == ""


def test_a_moment_written_once_is_written_again_in_each_reader_s_language(app):
    """Dates and times are kept once written (templating._london_date): the same moment read
    in another language, or at another time of year, is written afresh."""
    winter = datetime(2027, 1, 11, 9, 30, tzinfo=UTC)  # 09:30 in London (GMT)
    with app.test_request_context():
        with force_locale("en_GB"):
            assert london_date(winter) == "Monday, 11 January 2027"
        with force_locale("pt"):
            assert london_date(winter).startswith("segunda-feira")
            assert london_date(winter, "EEEE") == "segunda-feira"
        with force_locale("en_GB"):
            assert london_date(winter) == "Monday, 11 January 2027"
            assert london_date(winter, "EEEE") == "Monday"
            assert london_time(winter) == "09:30"
            assert london_time(winter.replace(month=7)) == "10:30"


def test_ltr_keeps_phone_numbers_left_to_right_and_escapes_them():
    assert str(ltr("07700 900123")) == '<bdi class="pairs-ltr" dir="ltr">07700 900123</bdi>'
    assert "&lt;b&gt;" in str(ltr("<b>")) and ltr(None) == ""


def test_an_arabic_page_is_right_to_left(client):
    page = get_page(client, "pages.accessibility", lang="ar")
    assert (page.lang, page.dir) == ("ar", "rtl")


def test_the_accessibility_statement_says_how_to_report_a_problem_and_how_it_is_enforced(client):
    page = get_page(client, "pages.accessibility")
    headings = page.texts("h2, h3")
    for words in ("How accessible this website is", "Reporting accessibility problems",
                  "Enforcement procedure", "Known problems"):
        assert words in headings, words
    for words in ("Equality Advisory and Support Service (EASS)", "WCAG"):
        assert page.shows("main p", words), words


def test_every_design_system_component_a_template_uses_is_in_the_stylesheet():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    components = [p.name for p in (root / "node_modules/nhsuk-frontend/dist/nhsuk/components")
                  .iterdir() if p.is_dir()]
    source = "\n".join(p.read_text() for folder in ("templates", "static/js", "pairs_group")
                       for p in (root / folder).rglob("*") if p.suffix in {".html", ".js", ".py"})
    imported = (root / "static/src/app.scss").read_text()
    missing = []
    for name in components:
        css_name = {"tables": "table", "images": "image"}.get(name, name)
        used = re.search(rf"nhsuk-{css_name}(__|--|[\s\"'])|components/{name}/", source)
        if used and f'components/{name}"' not in imported:
            missing.append(name)
    assert not missing, f"add these to static/src/app.scss and rebuild the CSS: {missing}"
