from tests.pages import get_page, url


def test_english_is_the_default(client):
    page = get_page(client, "pages.index")
    assert page.lang == "en" and page.dir == "ltr"


def test_the_browser_language_is_used_when_nothing_else_is_set(client):
    page = get_page(client, "pages.index", headers={"Accept-Language": "pl-PL,pl;q=0.9"})
    assert page.lang == "pl"


def test_lang_in_the_address_switches_and_is_remembered(client):
    page = get_page(client, "pages.index", lang="ar")
    assert page.lang == "ar" and page.dir == "rtl"
    assert "lang=ar" in page.response.headers["Set-Cookie"]
    page = get_page(client, "pages.privacy", headers={"Accept-Language": "pl"})
    assert page.lang == "ar"


def test_an_unknown_language_falls_back_quietly(client):
    page = get_page(client, "pages.index", lang="xx")
    assert page.lang == "en"


def test_a_staff_members_saved_language_comes_before_the_cookie(client, sign_in):
    user = sign_in("admin")
    user.language = "pt"
    from pairs_group.db import db

    db.session.commit()
    client.set_cookie("lang", "fr")
    assert get_page(client, "groups.list_groups").lang == "pt"


def test_the_language_switch_links_keep_the_page(client):
    page = get_page(client, "pages.privacy")
    assert page.select_one(f'a[href="{url(client, "pages.privacy", lang="pt")}"]')
