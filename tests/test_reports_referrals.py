"""Issue 19's figures: referrals by source, pregnancy, the top three teams per quarter, days to
the first session, and attendance by financial year; each recomputed from the export alone."""

import csv
import json
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.parents.models import AboutYou, Parent
from pairs_group.referrals.models import Referral, ReferralStatus
from pairs_group.reports import referrals
from tests import factories, reports_factories
from tests.conftest import staff_sign_in
from tests.pages import get_page, url
from tests.test_reports_recompute import export_and_report, read

STATUS_NAMES = {"attended": "attended", "cancelled_by_parent": "cancelled",
                "did_not_attend": "did_not_attend", "cancelled_by_service": "service_cancelled"}


@pytest.fixture
def exported(runner, tmp_path, app):
    """Two finished groups (most families referred by professionals, one referral that never
    came), exported with `flask export DIR` and reported with `flask report --format json`."""
    reports_factories.group_with_data(name="Stockwell spring", seed=11)
    reports_factories.group_with_data(name="Brixton autumn", seed=12, size=9)
    return export_and_report(runner, tmp_path)


@pytest.fixture(params=["groups", "demo"])
def recomputed(request, runner, tmp_path, app):
    """The same checks on two datasets: the two groups above, and `flask demo`'s (referrals
    from every source in every state, made by the referrals feature's own demo)."""
    if request.param == "groups":
        return request.getfixturevalue("exported")
    assert runner.invoke(args=["demo"]).exit_code == 0
    return export_and_report(runner, tmp_path)


def financial_year(day):
    year = day.year if day.month >= 4 else day.year - 1
    return f"{year}/{(year + 1) % 100:02d}"


def test_the_json_sections_have_the_names_scripts_rely_on(exported):
    _folder, report = exported
    section = report["referrals"]
    assert {"by_source", "pregnant_share", "top3_share_by_quarter",
            "days_to_first_session_median"} <= set(section)
    assert {"source", "n", "percent", "joined"} <= set(section["by_source"][0])
    year = report["attendance_by_financial_year"][0]
    assert {"year", "attended", "cancelled", "did_not_attend", "service_cancelled",
            "attended_percent", "cancelled_percent", "did_not_attend_percent",
            "service_cancelled_percent"} <= set(year)
    assert len(year["year"]) == 7 and year["year"][4] == "/"


def test_referrals_by_source_and_joined_match_the_export(recomputed):
    folder, report = recomputed
    rows = read(folder, "referrals.csv")
    counted = Counter(r["source"] for r in rows)
    joined = Counter(r["source"] for r in rows if r["joined"] == "1")
    for row in report["referrals"]["by_source"]:
        assert row["n"] == counted[row["source"]], row["source"]
        assert row["joined"] == joined[row["source"]], row["source"]
        assert row["percent"] == pytest.approx(100 * counted[row["source"]] / len(rows))
    assert sum(row["n"] for row in report["referrals"]["by_source"]) == len(rows)


def test_every_professional_referral_and_every_sign_up_without_one_is_a_referral(exported):
    folder, _report = exported
    rows = read(folder, "referrals.csv")
    assert Counter(r["kind"] for r in rows) == {"professional": 8 + 6 + 2, "self": 4 + 3}
    counted = Counter(r["source"] for r in rows)
    joined = Counter(r["source"] for r in rows if r["joined"] == "1")
    assert counted["midwife"] >= 4 and joined["gp"] < counted["gp"]  # the GP's family never came


def test_joined_and_the_first_session_agree_with_the_attendance_export(recomputed):
    folder, _report = recomputed
    first = {}
    for mark in read(folder, "attendance.csv"):
        if mark["status"] == "attended":
            day = mark["session_date"]
            first[mark["dyad_id"]] = min(first.get(mark["dyad_id"], day), day)
    rows = read(folder, "referrals.csv")
    for row in rows:
        assert row["first_session_date"] == first.get(row["dyad_id"], ""), row
        assert row["joined"] == ("1" if row["dyad_id"] in first else "0")
        if row["joined"] == "1":
            days = (date.fromisoformat(row["first_session_date"])
                    - date.fromisoformat(row["referral_date"])).days
            assert int(row["days_to_first_session"]) == days >= 0
    assert "joined" in {r["status"] for r in rows}
    assert {r["status"] for r in rows} <= {*ReferralStatus, "signed_up"}


def test_the_pregnant_share_matches_the_export(recomputed):
    folder, report = recomputed
    rows = read(folder, "referrals.csv")
    share = report["referrals"]["pregnant_share"]
    pregnant = [r for r in rows if r["pregnant"] == "1"]
    assert share["referrals"] == len(rows) and share["pregnant"] == len(pregnant) > 0
    assert share["share"] == pytest.approx(len(pregnant) / len(rows))
    joined = [r for r in rows if r["joined"] == "1"]
    assert share["joined_share"] == pytest.approx(
        sum(r["pregnant"] == "1" for r in joined) / len(joined))


def test_the_top_three_teams_share_per_quarter_matches_the_export(recomputed):
    folder, report = recomputed
    by_quarter = defaultdict(Counter)
    for row in read(folder, "referrals.csv"):
        if row["kind"] == "professional":
            day = date.fromisoformat(row["referral_date"])
            quarter = (day.month - 4) % 12 // 3 + 1
            by_quarter[f"{financial_year(day)} Q{quarter}"][row["team_id"]] += 1
    found = report["referrals"]["top3_share_by_quarter"]
    assert [r["quarter"] for r in found] == sorted(by_quarter)
    for row in found:
        teams = by_quarter[row["quarter"]]
        top = sum(count for _team, count in teams.most_common(3))
        assert (row["professional_referrals"], row["teams"], row["top3"]) == (
            sum(teams.values()), len(teams), top)
        assert row["share"] == pytest.approx(top / sum(teams.values()))


def test_the_median_days_to_first_session_matches_the_export(recomputed):
    folder, report = recomputed
    rows = [r for r in read(folder, "referrals.csv") if r["days_to_first_session"]]
    found = report["referrals"]["days_to_first_session_median"]
    assert found["n"] == len(rows)
    assert found["median"] == statistics.median(int(r["days_to_first_session"]) for r in rows)
    for row in found["by_source"]:
        days = [int(r["days_to_first_session"]) for r in rows if r["source"] == row["source"]]
        assert (row["n"], row["median"]) == (len(days), statistics.median(days))


def test_attendance_by_financial_year_matches_the_attendance_export(recomputed):
    folder, report = recomputed
    years = defaultdict(Counter)
    for mark in read(folder, "attendance.csv"):
        years[financial_year(date.fromisoformat(mark["session_date"]))][mark["status"]] += 1
    found = report["attendance_by_financial_year"]
    assert [row["year"] for row in found] == sorted(years)
    for row in found:
        counts = years[row["year"]]
        total = sum(counts.values())
        for status, name in STATUS_NAMES.items():
            assert row[name] == counts[status]
            assert row[f"{name}_percent"] == pytest.approx(100 * counts[status] / total)


def test_the_codebook_documents_referrals_csv_and_it_holds_no_names(recomputed):
    folder, _report = recomputed
    documented = {(r["file"], r["variable"]) for r in read(folder, "codebook.csv")}
    header = (folder / "referrals.csv").read_text().splitlines()[0].split(",")
    assert {("referrals.csv", column) for column in header} <= documented
    text = (folder / "referrals.csv").read_text()
    assert "Midwives" not in text and "Stockwell GP" not in text and "+44" not in text
    for referral in db.session.scalars(sa.select(Referral)):
        assert referral.referrer_team not in text


def test_teams_are_the_same_team_however_they_were_typed():
    assert len({referrals.team_key(team) for team in (
        "St Thomas' Midwives", "st thomas midwives", "ST THOMAS' MIDWIVES.")}) == 1
    assert referrals.team_key("Stockwell GP") != referrals.team_key("Stockwell GP 2")


@pytest.mark.parametrize(("due", "born", "pregnant"), [
    (date(2025, 6, 1), None, True), (date(2025, 5, 1), None, False),
    (None, date(2025, 4, 1), False), (None, date(2025, 6, 1), True),
    (date(2025, 6, 1), date(2025, 5, 10), False), (None, None, False)])
def test_pregnant_means_the_baby_was_not_yet_born_that_day(due, born, pregnant):
    assert referrals._pregnant(date(2025, 5, 15), due, born) is pregnant


def test_a_parent_who_skipped_the_question_is_not_said(app):
    dyad = factories.make_dyad()
    db.session.add(AboutYou(parent=dyad.parent, heard_from=None))
    factories.make_dyad()  # no about-you answers at all
    db.session.commit()
    from pairs_group.reports.filters import ReportFilter

    found = referrals.records(ReportFilter())
    assert [r.source for r in found] == ["not_said", "not_said"]
    assert {r.kind for r in found} == {"self"}


def test_the_referrals_page_shows_every_figure_and_its_definitions(client, sign_in, exported):
    sign_in("evaluator")
    page = get_page(client, "reports.show_referrals")
    assert page.shows("table tr", "Midwife") and page.shows("table tr", "Not said")
    assert page.shows(".reports-figure__label", "during pregnancy")
    assert page.shows("td", "St Thomas' Midwives")  # the three spellings as one team
    assert page.shows("h2", "Days from referral to first session")
    assert page.shows("dd", "not from a referral")
    for table in ("sources", "top-teams", "days-to-first-session"):
        assert page.select_one(
            f'a[href="{url(client, "reports.download_table", section="referrals", table=table)}"]')
    attendance = get_page(client, "reports.show_attendance")
    assert attendance.shows("h2", "Attendance by financial year")
    assert attendance.select("svg rect.reports-chart__bar--did_not_attend")


def test_the_referrals_page_is_translated(client, sign_in, app):
    sign_in("evaluator")
    page = get_page(client, "reports.show_referrals", lang="pt")
    assert page.shows("h1", "Encaminhamentos") and page.shows("dt", "Durante a gravidez")


def test_the_filter_narrows_referrals_like_the_rest(client, sign_in, runner, exported):
    def total(*args):
        result = runner.invoke(args=["report", "--format", "json", *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["referrals"]["total"]

    everything = total()
    group = db.session.scalar(sa.select(Referral).where(Referral.parent_id.is_not(None))
                              .order_by(Referral.id)).parent.dyads[0].enrolments[0].group_id
    assert 0 < total("--group", str(group)) < everything - 1
    assert total("--start", "2001-01-01", "--end", "2001-12-31") == 0
    referred_pt = db.session.scalar(sa.select(sa.func.count()).select_from(Referral).join(
        Parent, Parent.id == Referral.parent_id).where(Parent.language == "pt"))
    self_pt = db.session.scalar(sa.select(sa.func.count()).select_from(Parent).where(
        Parent.language == "pt", ~sa.select(Referral.id).where(
            Referral.parent_id == Parent.id).exists()))
    # Her language once she has signed up; the referrer's word for the two who never came.
    assert total("--language", "pt") == referred_pt + self_pt + 2 > 2
    sign_in("admin")
    page = get_page(client, "reports.show_referrals", start="2030-01-01", end="2029-01-01")
    assert page.shows(".nhsuk-error-message", "The end date must be the same as or after")


def test_a_facilitator_sees_only_referrals_of_families_in_her_groups(client, app):
    mine = reports_factories.group_with_data(name="My group", seed=21)
    reports_factories.group_with_data(name="Not mine", seed=22)
    staff_sign_in(client, mine.facilitators[0])
    rows = list(csv.DictReader(client.get(url(
        client, "reports.download_table", section="referrals", table="sources"))
        .get_data(as_text=True).splitlines()))
    assert sum(int(r["n"]) for r in rows) == 12  # her 12 families; not the GP's that never came


def test_the_shared_export_gives_referral_dates_as_months(runner, tmp_path, app):
    for seed in (31, 32):
        reports_factories.group_with_data(seed=seed)
    result = runner.invoke(args=["export", str(tmp_path), "--for-sharing", "--k", "3"])
    assert result.exit_code == 0, result.output
    rows = read(tmp_path, "referrals.csv")
    assert rows and all(len(r["referral_date"]) == 7 for r in rows)
    assert all(len(r["first_session_date"]) in (0, 7) for r in rows)


def test_a_referral_made_today_is_counted_today(app):
    from pairs_group.reports.filters import ReportFilter

    dyad = factories.make_dyad()
    db.session.flush()
    reports_factories.make_referral("health_visitor", "HV South", dyad.parent.created_at,
                                    dyad.parent, baby_due_date=date.today() + timedelta(weeks=8))
    db.session.commit()
    [record] = referrals.records(ReportFilter(start=date.today()))
    assert (record.kind, record.source, record.pregnant, record.joined) == (
        "professional", "health_visitor", True, False)


def test_the_london_day_of_a_moment_is_right_across_the_clock_changes():
    from datetime import UTC, datetime

    from pairs_group.times import in_london

    start = datetime(2025, 3, 29, 22, 0, tzinfo=UTC)  # the weekend the clocks go forward
    moments = [start + timedelta(minutes=20 * n) for n in range(3 * 24 * 3)]
    autumn = datetime(2025, 10, 25, 22, 0, tzinfo=UTC)  # and back
    moments += [autumn + timedelta(minutes=20 * n) for n in range(3 * 24 * 3)]
    assert [referrals._day(m) for m in moments] == [in_london(m).date() for m in moments]


def test_figures_from_sign_ups_entered_through_the_app(client, sign_in, runner, tmp_path):
    """Two mothers sign up on the app (one pregnant, sent by her midwife; one who skips the
    question) and staff add a walk-in sent by her GP: the report and the export agree."""
    from tests import parents_factories as pf
    from tests.test_parents_waiting_list import add_walk_in, walk_in

    group = pf.open_group()
    due = date.today() + timedelta(weeks=10)
    pregnant = {"baby_status": "pregnant", "due_date[day]": str(due.day),
                "due_date[month]": str(due.month), "due_date[year]": str(due.year)}
    for details, about in (({"heard_from": "midwife"}, {"heard_from": "midwife"}), ({}, {})):
        for endpoint, data in (
                ("parents.check_eligibility", {"postcode": "SW9 9AA",
                                               **(pregnant if details else
                                                  pf.baby_born_weeks_ago(6))}),
                ("parents.your_details", pf.details_answers(**details)),
                ("parents.consent", pf.CONSENT_YES), ("parents.about_you", about)):
            assert client.post(url(client, endpoint), data=data).status_code == 302, endpoint
        pf.choose(client, group)
        with client.session_transaction() as session:
            session.clear()  # the next mother on another phone
    sign_in("admin")
    add_walk_in(client, group, walk_in(heard_from="gp"))
    folder, report = export_and_report(runner, tmp_path)
    rows = read(folder, "referrals.csv")
    assert sorted((r["kind"], r["source"], r["pregnant"]) for r in rows) == [
        ("self", "gp", "0"), ("self", "midwife", "1"), ("self", "not_said", "0")]
    found = {r["source"]: r["n"] for r in report["referrals"]["by_source"] if r["n"]}
    assert found == {"midwife": 1, "gp": 1, "not_said": 1}
    assert report["referrals"]["pregnant_share"]["share"] == pytest.approx(1 / 3)
    assert all(r["joined"] == "0" for r in rows)  # the group has not met yet
