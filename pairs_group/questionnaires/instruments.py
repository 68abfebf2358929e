"""Instruments as data: load the shipped and the service's files, check them, find them.

Nothing here touches the database: files are read and checked when the app starts.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask import current_app
from jsonschema import Draft202012Validator
from markupsafe import Markup

from pairs_group import startup
from pairs_group.questionnaires import wording

# Reading answers and scoring are modules of their own; instruments.read_answer, .score and
# the rest stay where every caller finds them.
from pairs_group.questionnaires.answer_reading import (  # noqa: F401 - re-exported
    DECLINED,
    FIELD_PREFIX,
    MISSING,
    AnswerError,
    Missing,
    check_answers,
    missing_totals,
    read_answer,
    read_tapped_answer,
    to_int,
)
from pairs_group.questionnaires.instrument_scores import (  # noqa: F401 - re-exported
    apply_zone_cutoffs,
    score,
    score_subscale,
    scored_value,
    scores_as_json,
)

SHIPPED_DIR = Path(__file__).resolve().parent / "instruments"
SCHEMA_FILE = SHIPPED_DIR / "schema.json"
SUFFIXES = (".yaml", ".yml", ".json")


class InstrumentError(ValueError):
    """An instrument file is not valid; the message names the file and the problem."""


@dataclass
class Item:
    id: str
    type: str
    text: dict
    label: dict
    values: list
    labels: dict
    min: int | None = None
    max: int | None = None
    max_length: int = 2000
    required: bool = False
    practitioner_only: bool = False

    @property
    def field_name(self):
        return FIELD_PREFIX + self.id

    def accepts(self, value):
        """True when value is an answer this item can take."""
        if self.type == "text":
            return isinstance(value, str) and len(value) <= self.max_length
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        if self.type == "integer":
            return self.min <= value <= self.max
        return value in self.values


@dataclass
class Instrument:
    id: str
    version: str
    data: dict
    source: str
    items: list = field(default_factory=list)

    def __post_init__(self):
        self.items = [make_item(raw, self.data["scale"]) for raw in self.data["items"]]
        self.by_id = {item.id: item for item in self.items}

    def __getattr__(self, name):
        try:
            return self.__dict__["data"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def parent_completes(self):
        return self.data["completed_by"] == "parent"

    @property
    def optional(self):
        return self.data.get("optional", False)

    @property
    def allow_missing(self):
        return self.data.get("allow_missing", False)

    @property
    def phone_items(self):
        """The items a parent answers herself (not the practitioner's paper totals)."""
        return [item for item in self.items if not item.practitioner_only]

    @property
    def has_wording(self):
        """Every phone item has words to show (MORS-SF only when the service supplied them)."""
        return all(item.text for item in self.phone_items)

    @property
    def parent_can_answer(self):
        return self.parent_completes and self.has_wording

    def sections(self):
        """The phone items in pages of at most section_size (6 at most)."""
        size = self.data.get("section_size", 5)
        items = self.phone_items
        return [items[start:start + size] for start in range(0, len(items), size)]

    def section_of(self, item_id):
        for number, section in enumerate(self.sections()):
            if any(item.id == item_id for item in section):
                return number
        return 0

    def language_for(self, language):
        """The language the items are shown in: hers if a validated translation exists."""
        validated = self.data.get("validated_translations", [])
        has_text = all(language in item.text for item in self.phone_items)
        return language if language in validated and has_text else "en"

    def text(self, texts, language):
        return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")

    def title_in(self, language):
        """Her title (our words: translated in her language)."""
        return wording.in_language(self.data.get("short_title") or self.data["title"],
                                   language)[0]

    def title_markup(self, language, full=False):
        """The title marked with the language it is written in."""
        texts = self.data["title"] if full else self.data.get("short_title") or self.data["title"]
        text, code = wording.in_language(texts, language)
        return Markup('<span lang="%s">%s</span>') % (code, text)

    def instructions_in(self, language, item_language):
        """(text, language) of the instructions: ours in her language; an instrument's own
        (PHQ-9's) in the items' language."""
        texts = self.data.get("instructions") or {}
        if not texts:
            return "", language
        english = texts.get("en")
        if english in wording.OUR_WORDS or language in texts:
            return wording.in_language(texts, language)
        return wording.in_language(texts, item_language)


def make_item(raw, scale):
    kind = raw.get("type", "scale")
    own_scale = raw.get("scale", scale if kind == "scale" else {"values": []})
    return Item(
        id=raw["id"], type=kind, text=raw.get("text", {}), label=raw.get("label", {}),
        values=list(own_scale.get("values", [])), labels=own_scale.get("labels", {}),
        min=raw.get("min"), max=raw.get("max"), max_length=raw.get("max_length", 2000),
        required=raw.get("required", False), practitioner_only=raw.get("practitioner_only", False),
    )


# ---------------------------------------------------------------- loading and checking


def read_file(path):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InstrumentError(f"{path}: cannot be read: {error}") from error
    try:
        return json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise InstrumentError(f"{path}: cannot be read: {error}") from error


def schema_problems(data):
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))]


def meaning_problems(data):
    """What a schema cannot say: ids unique, subscales and reversals name real items."""
    ids = [item["id"] for item in data["items"]]
    problems = [f"item {i} appears twice" for i in {i for i in ids if ids.count(i) > 1}]
    for subscale in data["subscales"]:
        problems += [f"subscale {subscale['id']} names unknown item {i}"
                     for i in subscale["items"] + [subscale.get("total_item")]
                     if i is not None and i not in ids]
    problems += [f"reverse item {i} is not an item" for i in data.get("reverse_items", [])
                 if i not in ids]
    if data.get("reverse_items") and "reverse_base" not in data:
        problems.append("reverse_items needs reverse_base")
    problems += [f"item {item['id']} (integer) needs min and max" for item in data["items"]
                 if item.get("type") == "integer" and ("min" not in item or "max" not in item)]
    problems += [f"safeguarding item {i} is not an item"
                 for i in data.get("safeguarding_items", {}) if i not in ids]
    return problems


def load_file(path):
    data = read_file(path)
    if not isinstance(data, dict):
        raise InstrumentError(f"{path}: must hold one instrument (a mapping)")
    problems = schema_problems(data) or meaning_problems(data)
    if problems:
        raise InstrumentError(f"{path}: " + "; ".join(problems))
    return Instrument(id=data["id"], version=data["version"], data=data, source=str(path))


def instrument_files(folder):
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.name != "schema.json")


def load_all(extra_dir=None):
    """Shipped instruments, then the service's (a file with the same id replaces ours)."""
    found = {}
    for path in instrument_files(SHIPPED_DIR) + instrument_files(extra_dir or "/nonexistent"):
        instrument = load_file(path)
        found[instrument.id] = instrument
    return found


def instance_dir(app):
    return app.config["INSTRUMENTS_DIR"]


def init_app(app):
    """Check every file at start-up. A broken one is recorded, not raised, so that
    `instruments check` can still run and report it; the web app and other commands refuse to
    start, naming the file (pairs_group/startup.py)."""
    try:
        app.extensions["instruments"] = load_all(instance_dir(app))
    except InstrumentError as error:
        app.extensions["instruments"] = None
        app.extensions["instruments_problem"] = str(error)
        startup.cannot_start(app, f"{error} (`flask --app wsgi instruments check` checks every "
                                  "file)")


def registry():
    """The loaded instruments; an InstrumentError while a file is broken (never a silent
    fall-back to our file in place of the service's)."""
    found = current_app.extensions["instruments"]
    if found is None:
        raise InstrumentError(current_app.extensions["instruments_problem"])
    return found


def get(instrument_id):
    """The instrument, or None (unknown or switched off)."""
    instrument = registry().get(instrument_id)
    if instrument is None or not is_enabled(instrument):
        return None
    return instrument


def parent_answers(instrument_ids):
    """The instruments among these a parent answers herself on her phone (known, switched on,
    hers to complete, with words to show), in the order given."""
    return [instrument for instrument in map(get, instrument_ids)
            if instrument is not None and instrument.parent_can_answer]


def is_enabled(instrument):
    return not instrument.optional or instrument.id in current_app.config[
        "QUESTIONNAIRES_OPTIONAL"]
