"""Her to-do list and a questionnaire's own title and instructions are in her language (our
words); the items and their answer choices stay in English until a validated translation is
shipped, each marked with its own language."""

import pytest
import yaml
from flask_babel import refresh

from pairs_group.questionnaires import instruments, wording
from tests.account_factories import sign_in_parent
from tests.pages import get_page
from tests.questionnaires_factories import family, grant_link, questionnaire

TITLES = {"pt": "Pensar no seu bebé", "ar": "التفكير في طفلكِ", "so": "Ka fikirka ilmahaaga",
          "pl": "Myśląc o Twoim dziecku"}


@pytest.mark.parametrize("language", sorted(TITLES))
def test_her_home_and_questionnaire_pages_give_the_title_and_instructions_in_her_language(
        app, client, language):
    parent, enrolment = family(language=language)
    sign_in_parent(client, parent)
    home = get_page(client, "account.home")
    assert home.select_one(f"main span[lang={language}]").get_text() == TITLES[language]
    assert "Thinking about your baby" not in home.text
    section = get_page(client, "questionnaires.section", number=1, **questionnaire(enrolment))
    assert section.select_one("h1 span").get("lang") == language
    instructions = section.select_one("h1 + p")
    assert instructions.get("lang") == language and "Below are sentences" not in instructions.text
    item = section.select_one("fieldset legend span[lang=en]")  # the items: English, marked
    assert item.get_text().startswith("The only time I'm certain")


def test_an_instruments_own_instructions_stay_with_its_items(app):
    phq9 = instruments.registry()["phq9"]
    with app.test_request_context("/?lang=pt"):
        app.preprocess_request()
        text, language = phq9.instructions_in("pt", "en")
    assert (language, text) == ("en", phq9.data["instructions"]["en"])


def test_every_shipped_questionnaire_a_parent_answers_has_its_title_in_our_words(app):
    for instrument in instruments.registry().values():
        if instrument.parent_completes:
            title = (instrument.data.get("short_title") or instrument.data["title"])["en"]
            assert title in wording.OUR_WORDS, f"add {title!r} to questionnaires/wording.py"


def service_prfq_in_portuguese(folder):
    """The shipped PRFQ with a service's validated Portuguese added (stand-in words: the test
    checks the mechanism, not a translation)."""
    data = yaml.safe_load((instruments.SHIPPED_DIR / "prfq.yaml").read_text())
    data["validated_translations"] = ["en", "pt"]
    data["scale"]["labels"]["pt"] = {str(v): f"Escolha {v}" for v in range(1, 8)}
    for item in data["items"]:
        item["text"]["pt"] = f"Frase validada {item['id']}"
    folder.mkdir()
    (folder / "prfq.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))


def test_a_validated_translation_in_her_language_is_shown_and_help_is_not_offered(
        make_app, tmp_path):
    service_prfq_in_portuguese(tmp_path / "instruments")
    app = make_app(INSTRUMENTS_DIR=str(tmp_path / "instruments"))
    with app.app_context():
        for language, validated in (("pt", True), ("pl", False)):
            refresh()
            parent, enrolment = family(language=language)
            client = app.test_client()
            grant_link(client, parent)  # as if she had followed her text's link
            about = get_page(client, "questionnaires.about", lang=language,
                             **questionnaire(enrolment))
            assert about.lang == language
            offers = about.select("form[action$='/ask-for-help']")
            assert (offers == []) is validated, language
            refresh()
            section = get_page(client, "questionnaires.section", number=1, lang=language,
                               **questionnaire(enrolment))
            legend = section.select_one("fieldset legend span[lang]:not(.nhsuk-caption-m)")
            assert legend.get("lang") == ("pt" if validated else "en")
            assert (legend.get_text() == "Frase validada 1") is validated
