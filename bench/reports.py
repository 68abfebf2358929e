"""Benchmark: the evaluation reports on 10,000 dyads and 100,000 attendance marks.

Seeds the data with bulk inserts, then times the report (every section, as JSON, worked out
afresh: no cache) and each report page (first view, worked out; and again, from the page cache),
and measures the peak Python memory (tracemalloc) of streaming each export, at full size and at
a tenth of it: constant memory means the two peaks are about the same. On SQLite, and on a
throwaway PostgreSQL database when the server answers (BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/postgres).
Run `.venv/bin/python -m bench.reports [--dyads N] [--sqlite-only]`.
Writes bench/results-reports.json."""

import argparse
import json
import os
import platform
import random
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

RESULTS = Path(__file__).resolve().parent / "results-reports.json"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
GROUP_SIZE, SESSIONS, BATCH = 10, 10, 5000
STATUSES = ["attended"] * 73 + ["cancelled_by_parent"] * 14 + ["did_not_attend"] * 11 + [
    "cancelled_by_service"] * 2
INSTRUMENTS = {"prfq": ["pre_mentalizing", "certainty", "interest_curiosity"],
               "mors_sf": ["warmth", "invasiveness"], "loaf": ["part_a", "part_b"]}


def make_app(url):
    from pairs_group import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url,
                       "SMS_BACKEND": "recording", "WTF_CSRF_ENABLED": False,
                       "RATELIMIT_ENABLED": False})


def insert(model, rows):
    from pairs_group.db import db

    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model), rows[start:start + BATCH])


def seed(dyads, rng):
    """Venues, groups with sessions, parents, dyads, enrolments, registers, scores, lookups."""
    from pairs_group.attendance.models import Attendance
    from pairs_group.db import db
    from pairs_group.geo.models import GeoImport, LsoaDeprivation, PostcodeLsoa
    from pairs_group.groups.models import Group, GroupSession, Venue
    from pairs_group.parents.models import AboutYou, Baby, Dyad, Enrolment, Parent
    from pairs_group.questionnaires.models import Answer, QuestionnaireResponse, Score

    now = datetime.now(UTC).replace(microsecond=0)
    groups = dyads // GROUP_SIZE
    insert(Venue, [{"id": v, "name": f"Centre {v}"} for v in range(1, 11)])
    starts = [now - timedelta(days=7 * rng.randint(12, 400)) for _ in range(groups)]
    insert(Group, [{"id": g + 1, "name": f"Group {g + 1}", "venue_id": g % 10 + 1,
                    "first_session_at": starts[g], "status": "finished"} for g in range(groups)])
    insert(GroupSession, [{"id": g * SESSIONS + n + 1, "group_id": g + 1, "number": n + 1,
                           "starts_at": starts[g] + timedelta(weeks=n)}
                          for g in range(groups) for n in range(SESSIONS)])
    insert(Parent, [{"id": d, "name": f"Parent {d}", "mobile": f"+4477{d:08d}",
                     "language": rng.choice("en en en pt es so ar".split()),
                     "postcode": f"SW9 {d % 1000:03d}"[:7] + "A"} for d in range(1, dyads + 1)])
    insert(Baby, [{"id": d, "name": f"Baby {d}"} for d in range(1, dyads + 1)])
    insert(Dyad, [{"id": d, "parent_id": d, "baby_id": d, "pseudonym": f"D{d:010X}"}
                  for d in range(1, dyads + 1)])
    insert(AboutYou, [{"parent_id": d, "ethnic_group": rng.choice(
        ["white_british", "black_african", "asian_indian", "prefer_not_to_say", None]),
        "gender": "woman", "age_band": "25_34", "first_time_parent": "yes"}
        for d in range(1, dyads + 1)])
    insert(Enrolment, [{"id": d, "dyad_id": d, "group_id": (d - 1) // GROUP_SIZE + 1,
                        "status": "completed"} for d in range(1, dyads + 1)])
    insert(Attendance, [{"enrolment_id": d, "session_id": ((d - 1) // GROUP_SIZE) * SESSIONS + n,
                         "status": rng.choice(STATUSES), "reason": "", "version": 1}
                        for d in range(1, dyads + 1) for n in range(1, SESSIONS + 1)])
    responses, scores, answers, rid = [], [], [], 0
    for d in range(1, dyads + 1):
        for instrument, subscales in INSTRUMENTS.items():
            for timepoint in ("pre", "post"):
                rid += 1
                responses.append({"id": rid, "dyad_id": d, "instrument_id": instrument,
                                  "instrument_version": "1", "timepoint": timepoint,
                                  "status": "submitted", "submitted_at": now})
                scores += [{"response_id": rid, "subscale": s, "value": rng.randint(1, 4)
                            + (timepoint == "post") * rng.random(), "valid": True}
                           for s in subscales]
                answers += [{"response_id": rid, "item_id": str(i), "value": rng.randint(1, 4)}
                            for i in range(1, 3)]
    insert(QuestionnaireResponse, responses)
    insert(Score, scores)
    insert(Answer, answers)
    insert(PostcodeLsoa, [{"postcode": f"SW9{i:03d}A", "lsoa11": f"E01{i:06d}", "lsoa21": ""}
                          for i in range(1000)])
    insert(LsoaDeprivation, [{"edition": "IMD2019", "lsoa": f"E01{i:06d}", "imd_rank": i,
                              "imd_decile": i % 10 + 1} for i in range(1000)])
    db.session.add(GeoImport(kind="deprivation", edition="IMD2019", boundary="2011"))
    db.session.commit()
    gather_statistics()
    return {"dyads": dyads, "groups": groups, "attendance_rows": dyads * SESSIONS,
            "responses": len(responses), "scores": len(scores), "answers": len(answers)}


def gather_statistics():
    """PostgreSQL: what autovacuum does within a minute or two of a bulk load in any real
    database. Timed seconds after the load, the planner would still be guessing 100,000 rows
    are 40,000 and pick nested loops, every row read would first be checked against the commit
    log, and autovacuum would start on the new tables halfway through: that measures the load,
    not the report. (SQLite is left as the app leaves it: without statistics.)"""
    from pairs_group.db import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                sa.text("VACUUM ANALYZE"))


def timed(function, repeat=3):
    """Best of `repeat` runs, in seconds (the first run also warms caches)."""
    return min(each_run(function, repeat))


def each_run(function, repeat=3):
    """Seconds each of `repeat` runs took."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(round(time.perf_counter() - started, 4))
    return runs


def time_report(app):
    from flask_babel import force_locale

    from pairs_group.reports.filters import ReportFilter
    from pairs_group.reports.service import json_report

    with force_locale("en"):
        return each_run(lambda: json_report(ReportFilter()))


def time_pages(app):
    """Each report page as an evaluator sees it (HTML rendered, the whole request): the first
    view of its figures ("cold", the page cache emptied before each try) and a repeat view."""
    from pairs_group.auth.login import start_session
    from pairs_group.auth.models import Role, StaffUser
    from pairs_group.db import db
    from pairs_group.reports.cache import EXTENSION

    reader = StaffUser(email="bench@example.nhs.uk", role=Role.EVALUATOR,
                       password_hash="!")  # noqa: S106 - no password can match: never signs in
    db.session.add(reader)
    db.session.commit()
    client = app.test_client()
    with app.test_request_context():
        start_session(reader)
        from flask import session

        saved = dict(session)
    with client.session_transaction() as stored:
        stored.update(saved)
    cache = app.extensions[EXTENSION]
    pages = {}
    for url in ("/staff/reports/", "/staff/reports/outcomes", "/staff/reports/reach",
                "/staff/reports/completeness"):
        client.get(url)  # compile the templates once

        def fetch(url=url):
            assert client.get(url).status_code == 200

        def fetch_cold(url=url):
            cache.clear()
            fetch(url)
        pages[url] = {"cold": timed(fetch_cold), "cached": timed(fetch)}
    return pages


def export_memory(report_filter):
    """Peak traced memory (bytes) and lines while streaming each export to nowhere."""
    from flask_babel import force_locale

    from pairs_group.reports.exports import export_files

    found = {}
    with force_locale("en"):
        for name, lines in export_files(report_filter).items():
            tracemalloc.start()
            started, count = time.perf_counter(), 0
            for _line in lines():
                count += 1
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            found[name] = {"lines": count, "peak_bytes": peak,
                           "seconds": round(time.perf_counter() - started, 3)}
    return found


def run(url, dyads):
    from pairs_group.db import db
    from pairs_group.reports.filters import ReportFilter

    app = make_app(url)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        sizes = seed(dyads, random.Random(11))  # noqa: S311 - made-up benchmark data
        seeded = round(time.perf_counter() - started, 2)
        full = export_memory(ReportFilter())
        tenth = export_memory(ReportFilter(group_id=None, venue_id=1))
        result = {"database": url.split(":", 1)[0], "seeded": sizes, "seed_seconds": seeded,
                  "json_report_runs": (runs := time_report(app)),
                  "json_report_seconds": min(runs), "page_seconds": time_pages(app),
                  "export_full": full, "export_one_venue_tenth": tenth}
        db.session.remove()
        db.engine.dispose()
    return result


def run_all(dyads, postgres=None):
    """The benchmark on a throwaway SQLite file, then on a throwaway PostgreSQL database on the
    `postgres` server when given."""
    results = {"python": platform.python_version(), "runs": []}
    with tempfile.TemporaryDirectory() as folder:
        results["runs"].append(run(f"sqlite:///{folder}/bench.sqlite3", dyads))
    if postgres:
        from tests.resources import throwaway_postgres_database

        with throwaway_postgres_database(postgres) as url:
            results["runs"].append(run(url, dyads))
    return results


def postgres_server(sqlite_only=False):
    """The PostgreSQL server to run on, or None (asked not to, or nothing answers)."""
    from tests.resources import port_open

    return None if sqlite_only or not port_open(POSTGRES, 5432) else POSTGRES


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dyads", type=int, default=10_000)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    results = run_all(args.dyads, postgres_server(args.sqlite_only))
    RESULTS.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
