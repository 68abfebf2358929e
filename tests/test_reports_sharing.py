"""`flask export DIR --for-sharing`: every combination of where a mother lives, her deprivation
decile, ethnic group, language and group holds at least k dyads, and the other files do not
give back what was hidden."""

import csv
from collections import Counter

import pytest
import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.groups.models import Group
from pairs_group.parents.models import AboutYou
from pairs_group.reports import codebook, sharing
from tests import factories
from tests.account_factories import valid_mobile

QUASI = ("postcode_district", "imd_decile", "ethnic_group", "ethnic_group_5", "language")


def read(folder, name):
    with open(folder / name, newline="", encoding="utf-8") as lines:
        return list(csv.DictReader(lines))


def combinations(folder):
    """dyad -> her combination, her groups read back from enrolments.csv."""
    groups = {}
    for row in read(folder, "enrolments.csv"):
        groups.setdefault(row["dyad_id"], set()).add(row["group_id"])
    return Counter((*(row[name] for name in QUASI), tuple(sorted(groups.get(row["dyad_id"], ()))))
                   for row in read(folder, "dyads.csv"))


def a_mother_like_no_other(group):
    """The only Somali-speaking mother from E1 with a Black African background in the data."""
    dyad = factories.make_dyad(language="so", mobile=valid_mobile(), postcode="E1 6AN")
    db.session.add(AboutYou(parent=dyad.parent, ethnic_group="black_african"))
    factories.enrol(dyad, group)
    db.session.commit()
    return dyad


@pytest.fixture
def demo(runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    group = db.session.scalar(sa.select(Group).order_by(Group.id))
    return a_mother_like_no_other(group)


def export(runner, folder, *options):
    result = runner.invoke(args=["export", str(folder), *options])
    assert result.exit_code == 0, result.output
    return folder


def test_a_shared_export_leaves_no_combination_of_fewer_than_k_dyads(demo, runner, tmp_path):
    plain = export(runner, tmp_path / "plain")
    assert min(combinations(plain).values()) == 1, "the data should single someone out"
    shared = export(runner, tmp_path / "shared", "--for-sharing")
    counts = combinations(shared)
    assert min(counts.values()) >= 5, counts
    assert sum(counts.values()) == sum(combinations(plain).values()), "every dyad is kept"
    mine = next(r for r in read(shared, "dyads.csv") if r["dyad_id"] == demo.pseudonym)
    assert mine["postcode_district"] != "E1" and mine["language"] != "so"


def test_the_other_files_do_not_give_back_what_was_hidden(demo, runner, tmp_path):
    shared = export(runner, tmp_path, "--for-sharing")
    hidden = {r["dyad_id"] for r in read(shared, "enrolments.csv") if r["group_id"] == ""}
    assert demo.pseudonym in hidden or any(
        r["dyad_id"] == demo.pseudonym and r["language"] == "" for r in read(shared, "dyads.csv"))
    for row in read(shared, "attendance.csv"):
        assert len(row["session_date"]) in (0, 7)  # a month at most
        assert row["dyad_id"] not in hidden or row["group_id"] == row["session_date"] == ""
    for row in read(shared, "enrolments.csv"):
        assert all(len(row[c]) in (0, 7) for c in ("group_start_date", "enrolled_date",
                                                   "ended_date"))
    assert {row["language_shown"] for row in read(shared, "responses.csv")} <= {""}


def test_the_codebook_and_readme_say_what_was_done(demo, runner, tmp_path):
    shared = export(runner, tmp_path, "--for-sharing", "--k", "7")
    readme = (shared / "README.txt").read_text()
    assert "k = 7" in readme and "Suppressed" in readme and "dyads in all" in readme
    notes = {(r["file"], r["variable"]): r["values"] for r in read(shared, "codebook.csv")}
    assert "shared export" in notes["attendance.csv", "session_date"]
    assert "k=7" in notes["enrolments.csv", "group_id"]
    assert min(combinations(shared).values()) >= 7


def test_k_comes_from_the_setting_unless_given(make_app, tmp_path):
    app = make_app(EXPORT_SHARING_K=9)
    with app.app_context():
        runner = app.test_cli_runner()
        assert runner.invoke(args=["demo"]).exit_code == 0
        shared = export(runner, tmp_path, "--for-sharing")
        assert "k = 9" in (shared / "README.txt").read_text()
        assert min(combinations(shared).values()) >= 9


def test_too_few_dyads_to_share_is_refused_and_nothing_is_written(demo, runner, tmp_path):
    result = runner.invoke(args=["export", str(tmp_path / "out"), "--for-sharing", "--k", "5000"])
    assert result.exit_code != 0 and "fewer than k=5000" in result.output
    assert not (tmp_path / "out").exists()
    result = runner.invoke(args=["export", str(tmp_path / "out"), "--k", "5"])
    assert result.exit_code != 0 and "--for-sharing" in result.output


def test_an_export_not_for_sharing_is_as_before(demo, runner, tmp_path):
    plain = export(runner, tmp_path)
    assert not (plain / "README.txt").exists()
    mine = next(r for r in read(plain, "dyads.csv") if r["dyad_id"] == demo.pseudonym)
    assert mine["postcode_district"] == "E1" and mine["language"] == "so"


def row(pseudonym, district, decile, ethnic="white_british", language="en"):
    values = dict.fromkeys(codebook.HEADERS["dyads.csv"], "")
    values.update(dyad_id=pseudonym, postcode_district=district, imd_decile=decile,
                  ethnic_group=ethnic, ethnic_group_5=ethnic.split("_")[0], language=language)
    return list(values.values())


def test_coarsening_comes_first_and_only_as_far_as_needed():
    rows = [row(f"d{n}", "SW9", 1 + n % 2) for n in range(6)] + [
        row(f"e{n}", "SW2", 2) for n in range(5)]
    protection = sharing.protect(rows, {}, 4)
    assert [name for name, _text, _n in protection.coarsened] == ["ethnic_group", "imd_decile"]
    assert {r[sharing.COLUMN["imd_decile"]] for r in protection.dyads} == {1}
    assert not protection.suppressed or not any(protection.suppressed.values())


def test_a_dyad_left_alone_after_suppression_is_pooled_with_the_smallest_combination():
    rows = [row(f"a{n}", "SW9", 1) for n in range(3)] + [
        row(f"b{n}", "SE5", 9, "asian_indian", "pt") for n in range(4)] + [
        row("c", "E1", 5, "black_african", "so")]
    protection = sharing.protect(rows, {}, 3)
    counts = Counter(protection.key(r) for r in protection.dyads)
    assert min(counts.values()) >= 3 and len(protection.dyads) == 8
    lone = next(r for r in protection.dyads if r[0] == "c")
    assert all(lone[sharing.COLUMN[name]] == "" for name in QUASI)
