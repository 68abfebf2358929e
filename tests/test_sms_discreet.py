"""Discreet means discreet: a parent who chose discreet texts (her settings page) gets no text,
of any kind and in any language, that names the service, the group or her baby. The words are
looked for outside the links: the link's host is the service's own setting (PUBLIC_BASE_URL, see
the README)."""

import re

import pytest

from pairs_group import (
    create_app,
    features,  # noqa: F401 - every feature registers its kinds on import
)
from pairs_group.i18n import LANGUAGES
from pairs_group.sms.messages import KINDS
from pairs_group.sms.service import render_example

SERVICE = ["pairs", "together time", "parent-infant", "parent infant"]
# Word beginnings, so that every inflection is caught (Polish "grupa", "grupie", "grupy"...).
TELLING_WORDS = {
    "en": ["baby", "babies", "infant", "mental health", "group", "parenting"],
    "pt": ["bebé", "bebê", "bebés", "criança", "saúde mental", "grupo", "parentalidade"],
    "es": ["bebé", "bebés", "niño", "niña", "salud mental", "grupo", "crianza"],
    "pl": ["dzieck", "dzieci", "niemowl", "psychiczn", "grup", "rodzicielst"],
    "fr": ["bébé", "nourrisson", "enfant", "santé mentale", "groupe", "parentalité"],
    "so": ["ilmo", "ilmaha", "ilmahaaga", "carruur", "caafimaadka maskaxda", "koox"],
    "ar": ["طفل", "رضيع", "الرضيع", "الصحة النفسية", "الصحة العقلية", "مجموعة", "المجموعة"],
}
LINK = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory):
    """No database needed: only the words."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite:///"
                      + str(tmp_path_factory.mktemp("discreet") / "x")})
    with app.test_request_context():
        yield app


def telling(text, language):
    words = LINK.sub(" ", text).lower()
    return [w for w in SERVICE + TELLING_WORDS[language]
            if re.search(r"(?<!\w)" + re.escape(w), words)]


def test_every_language_has_its_list():
    assert set(TELLING_WORDS) == set(LANGUAGES)


def test_texts_to_families_not_signed_up_are_checked_too():
    """A referral's invitation and reminder go before she has an account: the professional
    chooses discreet for her, and the check covers those kinds like the others."""
    assert {"referral_invitation", "referral_reminder", "referral_outcome"} <= set(KINDS)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_discreet_text_names_the_service_the_group_or_her_baby(plain_app, kind, language):
    text = render_example(kind, language, discreet=True)
    assert not telling(text, language), text


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_lists_catch_the_ordinary_wording(plain_app, language):
    """The check can fail: the ordinary texts do name the group or the service."""
    ordinary = [render_example(kind, language) for kind in sorted(KINDS)]
    assert any(telling(text, language) for text in ordinary), language
