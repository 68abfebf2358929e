"""The paired statistics agree with SciPy called directly, and say so when pairs are too few."""

import math

import numpy as np
import pytest
from scipy import stats

from pairs_group.reports.charts import year_bars
from pairs_group.reports.csvfiles import csv_lines, safe_cell
from pairs_group.reports.statistics import better_direction_taken, paired_summary

PRE = [2.5, 3.0, 2.0, 3.5, 2.8, 3.1, 2.2, 2.9]
POST = [2.0, 2.6, 2.1, 2.9, 2.2, 3.0, 1.8, 2.5]


def test_paired_summary_matches_scipy_and_numpy():
    found = paired_summary(PRE, POST)
    change = np.array(POST) - np.array(PRE)
    assert found.n_pairs == 8
    assert found.mean_pre == pytest.approx(np.mean(PRE))
    assert found.sd_post == pytest.approx(np.std(POST, ddof=1))
    assert found.mean_change == pytest.approx(change.mean())
    assert found.p_t == pytest.approx(stats.ttest_rel(POST, PRE).pvalue)
    assert found.p_wilcoxon == pytest.approx(stats.wilcoxon(POST, PRE).pvalue)
    assert found.d_z == pytest.approx(change.mean() / change.std(ddof=1))
    low, high = stats.t.interval(0.95, 7, loc=change.mean(), scale=stats.sem(change))
    assert found.ci95 == pytest.approx([low, high])


def test_fewer_than_five_pairs_get_means_but_no_tests():
    found = paired_summary([1, 2, 3, 4], [2, 3, 4, 6])
    assert found.too_few and found.n_pairs == 4
    assert found.mean_change == pytest.approx(1.25)
    assert found.p_t is None and found.p_wilcoxon is None and found.ci95 is None
    assert found.d_z is None


def test_no_pairs_at_all_is_not_an_error():
    found = paired_summary([], [])
    assert found.n_pairs == 0 and found.mean_pre is None


def test_identical_scores_before_and_after_give_no_p_value_and_no_warning():
    found = paired_summary([3, 3, 4, 4, 5, 5], [3, 3, 4, 4, 5, 5])
    assert found.mean_change == 0
    assert found.p_t is None and found.p_wilcoxon is None and found.d_z is None


def test_the_better_direction_depends_on_the_subscale():
    assert better_direction_taken("lower", -0.4) is True
    assert better_direction_taken("higher", -0.4) is False
    assert better_direction_taken(None, 0.4) is None


def test_csv_cells_that_a_spreadsheet_would_run_are_defused():
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell(-1.5) == -1.5
    lines = list(csv_lines(["a", "b"], [["@x", None], [1, "ok, really"]]))
    assert lines == ["a,b\r\n", "'@x,\r\n", '1,"ok, really"\r\n']


def test_the_year_chart_scales_bars_to_a_round_maximum():
    chart = year_bars([{"label": "2024/25", "attended_sessions": 73, "enrolments": 20},
                       {"label": "2025/26", "attended_sessions": 180, "enrolments": 40}])
    assert chart["ticks"][-1]["value"] == 200
    tallest = chart["groups"][1]["bars"][0]
    assert math.isclose(tallest["height"], (300 - 40 - 16) * 180 / 200, abs_tol=0.1)
