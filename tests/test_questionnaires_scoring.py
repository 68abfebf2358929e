"""Scoring keys: hand-computed answer sets, reverse items, missing-answer rules, and an
independent recomputation on random answers; the instrument files and their commands."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairs_group.questionnaires import instruments

# The PRFQ key written out again from the paper (Luyten et al. 2017), not read from our file.
PRFQ_KEY = {
    "pre_mentalizing": [1, 4, 7, 10, 13, 16],
    "certainty": [2, 5, 8, 11, 14, 17],
    "interest_curiosity": [3, 6, 9, 12, 15, 18],
}
PRFQ_REVERSED = {11, 18}
SHIPPED = instruments.load_all()


@pytest.fixture
def prfq(app):
    return instruments.get("prfq")


def test_every_shipped_file_matches_the_schema_and_makes_sense():
    found = instruments.load_all()
    assert set(found) == {"prfq", "mors_sf", "loaf", "asq_se2", "fft", "phq9", "gad7"}
    for instrument in found.values():
        assert instruments.schema_problems(instrument.data) == []
        assert instruments.meaning_problems(instrument.data) == []


def test_mors_wording_is_never_shipped_and_prfq_wording_is_cited():
    found = instruments.load_all()
    assert all(not item.text for item in found["mors_sf"].items)
    assert not found["mors_sf"].parent_can_answer
    assert found["prfq"].parent_can_answer
    assert "doi:10.1371/journal.pone.0176218" in found["prfq"].citation
    assert "CC BY" in found["prfq"].citation
    for name in ("loaf", "asq_se2"):
        assert found[name].data["completed_by"] == "practitioner"


def test_prfq_sections_have_at_most_six_items():
    sections = instruments.load_all()["prfq"].sections()
    assert [len(s) for s in sections] == [5, 5, 5, 3]


def test_prfq_means_with_items_11_and_18_reversed(prfq):
    answers = {str(i): 4 for i in range(1, 19)}
    answers.update({"2": 7, "5": 7, "8": 7, "14": 7, "17": 7, "11": 2})  # 11 scores 6
    answers.update({"3": 5, "6": 5, "9": 5, "12": 5, "15": 5, "18": 1})  # 18 scores 7
    scores = instruments.score(prfq, answers)
    assert scores["pre_mentalizing"] == (4.0, True)
    assert scores["certainty"][0] == pytest.approx(41 / 6)
    assert scores["interest_curiosity"][0] == pytest.approx(32 / 6)


def test_prfq_allows_one_missing_answer_per_subscale_and_not_two(prfq):
    answers = {str(i): 3 for i in range(1, 19)}
    answers["1"] = None  # prefer not to answer
    answers.pop("4")  # two missing in pre-mentalizing
    answers["7"] = 6
    del answers["2"]  # one missing in certainty
    scores = instruments.score(prfq, answers)
    assert scores["pre_mentalizing"] == (None, False)
    assert scores["certainty"] == (pytest.approx((3 * 4 + 5) / 5), True)  # 11 -> 8 - 3 = 5
    assert scores["interest_curiosity"] == (pytest.approx((3 * 5 + 5) / 6), True)


def test_unknown_items_and_out_of_range_values_are_refused(prfq):
    for bad in ({"19": 3}, {"1": 8}, {"1": 0}, {"1": "4"}, {"1": True}, {"1": 2.5}):
        with pytest.raises(instruments.AnswerError):
            instruments.score(prfq, bad)


def test_mors_sums_its_two_subscales_with_13_and_14_as_the_file_says(app):
    mors = instruments.get("mors_sf")
    answers = {str(i): 0 for i in range(1, 15)}
    answers.update({"13": 5, "14": 3, "1": 2})
    scores = instruments.score(mors, answers)
    assert scores == {"warmth": (7.0, True), "invasiveness": (3.0, True)}
    del answers["3"]
    assert instruments.score(mors, answers)["warmth"] == (None, False)


def test_mors_paper_totals_stand_in_for_the_items(app):
    mors = instruments.get("mors_sf")
    scores = instruments.score(mors, {"warmth_total": 30, "invasiveness_total": 4})
    assert scores == {"warmth": (30.0, True), "invasiveness": (4.0, True)}
    with pytest.raises(instruments.AnswerError):
        instruments.score(mors, {"warmth_total": 36})


def test_loaf_and_asq_store_what_the_practitioner_entered(app):
    loaf = instruments.get("loaf")
    assert instruments.score(loaf, {"part_a": 1, "part_b": 3}) == {
        "part_a": (1.0, True), "part_b": (3.0, True)}
    with pytest.raises(instruments.AnswerError):
        instruments.score(loaf, {"part_a": 5})
    asq = instruments.get("asq_se2")
    scores = instruments.score(asq, {"interval": 12, "total": 45, "zone": 2, "items_omitted": 1})
    assert scores == {"total": (45.0, True), "zone": (2.0, True),
                      "interval_months": (12.0, True), "items_omitted": (1.0, True)}
    with pytest.raises(instruments.AnswerError):
        instruments.score(asq, {"interval": 13})


def test_fft_scores_the_rating_and_keeps_free_text_out_of_scores(app):
    fft = instruments.get("fft")
    assert instruments.score(fft, {"rating": 1, "good": "The singing"}) == {"rating": (1.0, True)}
    labels = fft.by_id["rating"].labels["en"]
    assert [labels[str(v)] for v in range(1, 7)] == [
        "Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"]


def test_phq9_and_gad7_are_off_unless_switched_on(make_app):
    app = make_app()
    with app.app_context():
        assert instruments.get("phq9") is None and instruments.get("gad7") is None
    app = make_app(QUESTIONNAIRES_OPTIONAL=("phq9", "gad7"))
    with app.app_context():
        gad7 = instruments.get("gad7")
        assert gad7.by_id["1"].labels["en"]["0"] == "Not at all"
        assert instruments.score(gad7, {str(i): 3 for i in range(1, 8)}) == {"total": (21.0, True)}


def prfq_by_hand(answers):
    """The PRFQ key applied by hand: reverse 11 and 18, mean, at most one missing."""
    found = {}
    for name, items in PRFQ_KEY.items():
        values = [8 - answers[i] if i in PRFQ_REVERSED else answers[i]
                  for i in items if answers.get(i) is not None]
        found[name] = sum(values) / len(values) if len(values) >= 5 else None
    return found


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(1, 18), st.one_of(st.none(), st.integers(1, 7))))
def test_prfq_scores_match_an_independent_recomputation(answers):
    prfq = SHIPPED["prfq"]
    scores = instruments.score(prfq, {str(k): v for k, v in answers.items()})
    for name, expected in prfq_by_hand(answers).items():
        value, valid = scores[name]
        assert valid == (expected is not None)
        assert value == (pytest.approx(expected) if expected is not None else None)


def test_the_score_command_prints_the_scores_as_json(runner, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({str(i): 4 for i in range(1, 19)} | {"11": 1, "18": 7}))
    result = runner.invoke(args=["instruments", "score", "prfq", str(answers)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == {
        "instrument": "prfq", "version": "2017-18item",
        "subscales": {"pre_mentalizing": 4.0, "certainty": pytest.approx(4.5),
                      "interest_curiosity": 3.5},
        "valid": {"pre_mentalizing": True, "certainty": True, "interest_curiosity": True}}


def test_the_score_command_explains_bad_answers(runner, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text('{"1": 9}')
    result = runner.invoke(args=["instruments", "score", "prfq", str(answers)])
    assert result.exit_code != 0 and "item 1 cannot be 9" in result.output
    answers.write_text("[1, 2]")
    assert runner.invoke(args=["instruments", "score", "prfq", str(answers)]).exit_code != 0
    assert runner.invoke(args=["instruments", "score", "nope", str(answers)]).exit_code != 0


def test_the_check_command_passes_on_the_shipped_files(runner):
    result = runner.invoke(args=["instruments", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == 7


MORS_WITH_WORDING = """
id: mors_sf
version: "licensed-2026"
title: {en: MORS-SF}
citation: Oates and Gervai (2019); wording used under the service's licence.
licence: {status: licensed, wording_shipped: false}
completed_by: parent
validated_translations: [en, pl]
section_size: 5
scale:
  values: [0, 1, 2, 3, 4, 5]
  labels: {en: {"0": Never, "5": Always}, pl: {"0": Nigdy, "5": Zawsze}}
items:
%s
subscales:
  - {id: warmth, items: ["1", "3", "4", "6", "8", "11", "14"], method: sum, better: higher}
  - {id: invasiveness, items: ["2", "5", "7", "9", "10", "12", "13"], method: sum, better: lower}
"""


def write_licensed_mors(folder):
    folder.mkdir(exist_ok=True)
    items = "\n".join(f'  - {{id: "{i}", text: {{en: "Statement {i}", pl: "Zdanie {i}"}}}}'
                      for i in range(1, 15))
    (folder / "mors_sf.yaml").write_text(MORS_WITH_WORDING % items)


def test_a_service_file_in_instance_replaces_ours_without_code(make_app, tmp_path):
    write_licensed_mors(tmp_path / "instruments")
    app = make_app(INSTRUMENTS_DIR=str(tmp_path / "instruments"))
    with app.app_context():
        mors = instruments.get("mors_sf")
        assert mors.version == "licensed-2026" and mors.parent_can_answer
        assert mors.language_for("pl") == "pl" and mors.language_for("pt") == "en"
        answers = {str(i): 1 for i in range(1, 15)} | {"13": 5}
        assert instruments.score(mors, answers)["invasiveness"] == (11.0, True)


def test_a_broken_service_file_is_never_replaced_by_ours_in_silence(make_app, tmp_path):
    """The app is built (so `instruments check` can report the file: tests/test_cli_bad_input.py)
    but nothing can use the instruments until the file is fixed."""
    folder = tmp_path / "instruments"
    folder.mkdir()
    (folder / "prfq.yaml").write_text("id: prfq\nversion: 1\n")
    app = make_app(INSTRUMENTS_DIR=str(folder))
    with app.app_context(), pytest.raises(instruments.InstrumentError, match="prfq.yaml"):
        instruments.get("prfq")


def test_an_asq_service_file_with_cutoffs_works_out_the_zone(make_app, tmp_path):
    folder = tmp_path / "instruments"
    folder.mkdir()
    shipped = (instruments.SHIPPED_DIR / "asq_se2.yaml").read_text()
    (folder / "asq_se2.yaml").write_text(
        shipped + '\nzone_cutoffs: {"12": {monitoring: 40, above: 50}}\n')
    app = make_app(INSTRUMENTS_DIR=str(folder))
    with app.app_context():
        asq = instruments.get("asq_se2")
        zone = {t: instruments.score(asq, {"interval": 12, "total": t, "items_omitted": 0})["zone"]
                for t in (39, 40, 50)}
        assert zone == {39: (1.0, True), 40: (2.0, True), 50: (3.0, True)}


def test_one_reader_says_value_declined_missing_or_why_not():
    """instruments.read_answer reads every answer field: her pages, the autosave, staff entry."""
    prfq, fft = SHIPPED["prfq"], SHIPPED["fft"]
    item, text = prfq.by_id["1"], fft.by_id["good"]
    read = instruments.read_answer
    assert read(item, "4", allow_missing=True) == 4 and read(item, " 4 ", False) == 4
    assert read(item, "declined", allow_missing=True) is None
    assert read(item, "", True) is instruments.MISSING
    assert read(item, None, True) is instruments.MISSING
    assert read(text, "  The songs ", False) == "The songs"
    assert read(text, "declined", True) == "declined"  # her words, not a decline
    assert read(text, "   ", False) is instruments.MISSING
    for raw, allow, reason in [("8", True, "not_allowed"), ("declined", False, "not_a_number"),
                               ("x", True, "not_a_number"), ("4.0", True, "not_a_number")]:
        with pytest.raises(instruments.AnswerError) as raised:
            read(item, raw, allow)
        assert raised.value.reason == reason and raised.value.item_id == "1"
    with pytest.raises(instruments.AnswerError) as raised:
        read(text, "x" * (text.max_length + 1), True)
    assert raised.value.reason == instruments.AnswerError.TOO_LONG
    assert item.field_name == "item-1"


def test_paper_mors_needs_every_item_or_the_total_of_each_scale():
    mors = SHIPPED["mors_sf"]
    warmth = next(s for s in mors.subscales if s["id"] == "warmth")
    all_warmth = {i: 3 for i in warmth["items"]}
    assert instruments.missing_totals(mors, {}) == ["warmth_total", "invasiveness_total"]
    assert instruments.missing_totals(mors, {**all_warmth, "invasiveness_total": 6}) == []
    assert instruments.missing_totals(mors, {"warmth_total": 28, "1": 3}) == [
        "invasiveness_total"]
    assert instruments.missing_totals(SHIPPED["loaf"], {}) == []
