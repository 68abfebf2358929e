"""The report's figures on the demo data, recomputed independently from the app's own export:
pandas-free, straight from the CSV files with SciPy, as an evaluator would."""

import csv
import json
from collections import Counter, defaultdict

import numpy as np
import pytest
from scipy import stats

OUTCOME_NAMES = {"instrument", "subscale", "n_pairs", "mean_pre", "mean_post", "mean_change",
                 "ci95", "p_t", "p_wilcoxon", "d_z"}


@pytest.fixture
def exported(runner, tmp_path):
    """The demo loaded, exported with `flask export DIR`, and reported as JSON."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    return export_and_report(runner, tmp_path)


def export_and_report(runner, folder):
    """`flask export FOLDER` and `flask report --format json`: the folder and the report."""
    result = runner.invoke(args=["export", str(folder)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["report", "--format", "json"])
    assert result.exit_code == 0, result.output
    return folder, json.loads(result.output)


def read(folder, name):
    with open(folder / name, newline="", encoding="utf-8") as lines:
        return list(csv.DictReader(lines))


def pairs_from_scores(rows):
    """(instrument, subscale) -> [(pre, post)] from scores.csv (one row per dyad x instrument
    x timepoint, a column per subscale)."""
    values = defaultdict(dict)
    subscales = [c for c in rows[0] if c not in ("dyad_id", "instrument", "timepoint",
                                                 "response_id")]
    for row in rows:
        for subscale in subscales:
            if row[subscale] != "":
                key = (row["instrument"], subscale, row["dyad_id"])
                values[key][row["timepoint"]] = float(row[subscale])
    pairs = defaultdict(list)
    for (instrument, subscale, _dyad), found in values.items():
        if "pre" in found and "post" in found:
            pairs[(instrument, subscale)].append((found["pre"], found["post"]))
    return pairs


def test_every_outcome_figure_matches_scipy_on_the_exported_scores(exported):
    folder, report = exported
    pairs = pairs_from_scores(read(folder, "scores.csv"))
    assert {"prfq", "mors_sf", "loaf", "asq_se2", "phq9", "gad7"} <= {
        row["instrument"] for row in report["outcomes"]}
    for row in report["outcomes"]:
        assert OUTCOME_NAMES <= set(row)
        data = np.array(pairs[(row["instrument"], row["subscale"])])
        pre, post = data[:, 0], data[:, 1]
        change = post - pre
        assert row["n_pairs"] == len(data) >= 12
        assert row["mean_pre"] == pytest.approx(pre.mean())
        assert row["mean_post"] == pytest.approx(post.mean())
        assert row["mean_change"] == pytest.approx(change.mean())
        assert row["ci95"] == pytest.approx(list(stats.t.interval(
            0.95, len(change) - 1, loc=change.mean(), scale=stats.sem(change))))
        assert row["p_t"] == pytest.approx(stats.ttest_rel(post, pre).pvalue)
        assert row["p_wilcoxon"] == pytest.approx(stats.wilcoxon(post, pre).pvalue)
        assert row["d_z"] == pytest.approx(change.mean() / change.std(ddof=1))


def test_attendance_counts_and_proportions_match_the_long_form_export(exported):
    folder, report = exported
    counts = Counter(row["status"] for row in read(folder, "attendance.csv"))
    total = sum(counts.values())
    assert report["attendance"]["counts"] == {status: counts[status] for status in (
        "attended", "cancelled_by_parent", "cancelled_by_service", "did_not_attend")}
    for status, proportion in report["attendance"]["proportions"].items():
        assert proportion == pytest.approx(counts[status] / total)
    # The demo's mix is the evaluation's: about 73 / 14 / 11 / 2.
    assert report["attendance"]["proportions"]["attended"] == pytest.approx(0.73, abs=0.02)
    assert report["attendance"]["proportions"]["did_not_attend"] == pytest.approx(0.11, abs=0.02)


def test_loaf_levels_and_deprivation_match_the_export(exported):
    folder, report = exported
    scores = read(folder, "scores.csv")
    before = Counter(row["part_a"] for row in scores
                     if row["instrument"] == "loaf" and row["timepoint"] == "pre")
    part_a = next(item for item in report["loaf"] if item["subscale"] == "part_a")
    level_1 = part_a["distribution"]["pre"]["levels"][0]
    assert level_1["proportion"] == pytest.approx(before["1.0"] / sum(before.values()))
    dyads = read(folder, "dyads.csv")
    deciles = [int(row["imd_decile"]) for row in dyads if row["imd_decile"]]
    deprivation = report["reach"]["deprivation"]
    assert deprivation["edition"] == "IMD2019" == dyads[0]["imd_edition"]
    assert deprivation["most_deprived"]["30%"] == pytest.approx(
        sum(d <= 3 for d in deciles) / len(deciles))


def test_the_export_holds_no_names_phones_emails_or_full_postcodes(exported):
    from pairs_group.db import db
    from pairs_group.parents.models import Parent

    folder, _report = exported
    text = "".join((folder / name).read_text() for name in
                   ("dyads.csv", "enrolments.csv", "attendance.csv", "responses.csv",
                    "answers.csv", "scores.csv"))
    for parent in db.session.query(Parent):
        assert parent.name not in text and parent.mobile not in text
        assert parent.mobile.replace("+44", "0") not in text
        if parent.postcode:
            assert parent.postcode not in text
    assert "@" not in text
    codebook = read(folder, "codebook.csv")
    documented = {(row["file"], row["variable"]) for row in codebook}
    for name in ("dyads.csv", "attendance.csv", "scores.csv", "answers.csv"):
        header = (folder / name).read_text().splitlines()[0].split(",")
        assert {(name, column) for column in header} <= documented
