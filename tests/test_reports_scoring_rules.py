"""Every scoring rule is stated on the outcomes report and in codebook.csv, in words made from
the very parameters the scoring reads (the instrument files, the statistics constants)."""

import csv
import io
import re

import pytest
import sqlalchemy as sa
import yaml

from pairs_group.db import db
from pairs_group.questionnaires import instruments, rules
from pairs_group.questionnaires.models import QuestionnaireResponse, Score
from pairs_group.reports import rules as report_rules
from pairs_group.reports import statistics
from tests import reports_factories
from tests.pages import get_page, url

NUMBER = re.compile(r"\d+")


@pytest.fixture
def data(app):
    reports_factories.deprivation_lookup()
    return reports_factories.group_with_data(name="Stockwell spring")


def scored_subscales():
    """(instrument, subscale) of every score in the database."""
    return set(db.session.execute(
        sa.select(QuestionnaireResponse.instrument_id, Score.subscale).distinct()
        .join(Score, Score.response_id == QuestionnaireResponse.id)).all())


def codebook(client):
    response = client.get(url(client, "reports.download_export", name="codebook.csv"))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_every_scored_subscale_has_its_rule_on_the_report_and_in_the_codebook(
        client, sign_in, data):
    sign_in("evaluator")
    scored = scored_subscales()
    assert {("prfq", "pre_mentalizing"), ("mors_sf", "warmth"), ("loaf", "part_a")} <= scored
    page = get_page(client, "reports.show_outcomes")
    stated = page.texts(".reports-rules dd")
    columns = {row["variable"]: row["scoring_rule"] for row in codebook(client)
               if row["file"] == "scores.csv"}
    for instrument_id, subscale_id in scored:
        instrument = instruments.registry()[instrument_id]
        subscale = next(s for s in instrument.subscales if s["id"] == subscale_id)
        rule = rules.subscale_rule(instrument, subscale)
        assert rule in stated, (instrument_id, subscale_id)
        assert f"{instrument_id}: {rule}" in columns[subscale_id], (instrument_id, subscale_id)


def test_the_missing_answer_rule_and_the_paired_tests_are_stated(client, sign_in, data):
    sign_in("evaluator")
    page = get_page(client, "reports.show_outcomes")
    assert page.shows(".reports-rules dd", "It counts when at most 1 of its 6 items is missing")
    assert page.shows(".reports-rules li", "Wilcoxon signed-rank test")
    assert page.shows(".reports-rules li", "Tests need at least 5 pairs")
    timepoint = next(row for row in codebook(client)
                     if (row["file"], row["variable"]) == ("scores.csv", "timepoint"))
    assert "paired t-test" in timepoint["scoring_rule"]
    assert "95% confidence interval" in timepoint["scoring_rule"]


def expected_numbers(data, subscale):
    """The numbers a subscale's rule must state, worked out here from the raw file."""
    items = {item["id"]: item for item in data["items"]}

    def bounds(item):
        if item.get("type") == "integer":
            return item["min"], item["max"]
        values = item.get("scale", data["scale"])["values"]
        return min(values), max(values)

    low = min(bounds(items[i])[0] for i in subscale["items"])
    high = max(bounds(items[i])[1] for i in subscale["items"])
    found = {low, high}
    if len(subscale["items"]) > 1:
        found |= {int(i) for i in subscale["items"]} | {len(subscale["items"])}
        found |= {subscale["max_missing"]} - {0}
        if subscale["method"] == "sum":
            found |= {low * len(subscale["items"]), high * len(subscale["items"])}
    reverse = set(data.get("reverse_items", [])) & set(subscale["items"])
    if reverse:
        found |= {int(i) for i in reverse} | {data["reverse_base"]}
    if subscale.get("total_item"):
        total = items[subscale["total_item"]]
        found |= {total["min"], total["max"]}
    return found


def test_the_numbers_in_each_rule_are_the_scoring_parameters(app):
    """Read from the files here, not through the code that writes the rules."""
    for path in instruments.instrument_files(instruments.SHIPPED_DIR):
        data = yaml.safe_load(path.read_text())
        instrument = instruments.registry()[data["id"]]
        for subscale in data["subscales"]:
            text = rules.subscale_rule(instrument, subscale)
            stated = {int(n) for n in NUMBER.findall(text)}
            assert stated == expected_numbers(data, subscale), (data["id"], subscale["id"], text)


def test_a_service_file_changes_the_score_and_its_stated_rule_together(make_app, tmp_path):
    folder = tmp_path / "instruments"
    folder.mkdir()
    shipped = (instruments.SHIPPED_DIR / "prfq.yaml").read_text()
    (folder / "prfq.yaml").write_text(shipped.replace("max_missing: 1", "max_missing: 2"))
    app = make_app(INSTRUMENTS_DIR=str(folder))
    with app.test_request_context():
        prfq = instruments.get("prfq")
        answers = {str(i): 4 for i in range(1, 19)} | {"1": None, "4": None}
        assert instruments.score(prfq, answers)["pre_mentalizing"] == (4.0, True)
        text = dict(rules.rules(prfq))["pre_mentalizing"]
        assert "at most 2 of its 6 items are missing" in text


def test_the_stated_paired_tests_follow_the_statistics_settings(app, monkeypatch):
    monkeypatch.setattr(statistics, "MIN_PAIRS_FOR_TESTS", 8)
    monkeypatch.setattr(statistics, "CONFIDENCE", 0.9)
    with app.test_request_context():
        text = " ".join(report_rules.method_rules())
    assert "at least 8 pairs" in text and "90% confidence interval" in text
    assert "leaves out pairs whose score did not change" in text
    summary = statistics.paired_summary([1, 2, 3, 4, 5, 6, 7], [2, 2, 4, 4, 6, 6, 9])
    assert summary.too_few and summary.ci95 is None


def test_the_ci_uses_the_stated_confidence(monkeypatch):
    change = [1.0, 2.0, 0.5, 1.5, 3.0, 2.5]
    wide = statistics.paired_summary([0] * 6, change).ci95
    monkeypatch.setattr(statistics, "CONFIDENCE", 0.9)
    narrow = statistics.paired_summary([0] * 6, change).ci95
    assert narrow[0] > wide[0] and narrow[1] < wide[1]


def test_the_stated_wilcoxon_treatment_of_no_change_is_the_one_used(app, monkeypatch):
    """With no-change pairs left out the p-value differs from splitting their ranks (the
    normal approximation, which SciPy uses when there are ties and zeros)."""
    post = [0, 0, 0, 0, 1, 2, -1, 3, 4, 2, 5, 1, 2, 3, -2, 4, 1, 2, 3, 1, 2, 4, 5, 3, 2, 1]
    pre = [0] * len(post)
    left_out = statistics.paired_summary(pre, post).p_wilcoxon
    monkeypatch.setattr(statistics, "WILCOXON_ZEROS", "zsplit")
    split = statistics.paired_summary(pre, post).p_wilcoxon
    assert left_out != split
    with app.test_request_context():
        assert "splits the ranks" in " ".join(report_rules.method_rules())
