"""`make bench` / `python -m bench`: seed at scale, load every page under gunicorn beside a
bare Flask page (the floor): p50/p95 at 20 and 4 connections, and CPU ms per request over exactly
N requests; count SQL statements per page at two scales; time POST /sign-in with slow and hanging
fake providers, SMS dispatch and the reports; weigh a parent's visit. SQLite always;
PostgreSQL too when 127.0.0.1:5432 answers.
Writes bench/results.json and bench/results.md. 127.0.0.1 only; every loop bounded."""

import argparse
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench import cpu, load, machine, mix, pages, report, server, sign_in, weight

HERE = Path(__file__).resolve().parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def sqlite_urls():
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/small.sqlite3", f"sqlite:///{folder}/large.sqlite3"


@contextmanager
def postgres_urls():
    from tests.resources import throwaway_postgres_database

    with throwaway_postgres_database(POSTGRES) as small, \
            throwaway_postgres_database(POSTGRES) as large:
        yield small, large


def databases(options):
    found = [("sqlite", sqlite_urls)]
    if not options.sqlite_only:
        from tests.resources import port_open

        if port_open(POSTGRES, 5432):
            found.append(("postgresql", postgres_urls))
    return found


def seeded(url, parents):
    app = pages.make_app(url)
    started = time.perf_counter()
    made = pages.seed(app, parents)
    made["seed_seconds"] = round(time.perf_counter() - started, 2)
    return app, made


def load_pages(url, made, cookies, options):
    """Every page under gunicorn: load from wrk at `clients` and `low_clients` connections, then
    CPU per request over exactly `cpu_requests` requests; the first answer of each must be 200.
    The floor is served beside it and counted in turn with each page's CPU count, in rounds
    ("floor_beside"): a machine's speed drifts during a run, and a floor counted a minute
    before or after a page was found a third faster or slower than the one the page met."""
    env = {"BENCH_DATABASE_URL": url, "BENCH_SECRET_KEY": pages.SECRET_KEY}
    results, weights = {}, {}
    with server.gunicorn_process("bench.served:app", env) as (port, master), \
            server.gunicorn_process("bench.floor:app") as (floor_port, floor_master):
        for name, path, who in pages.pages(made["sample"]):
            cookie = f"session={cookies[who]}" if who else None
            status = weight.fetch(port, path, cookie)[1]
            if status != 200:
                raise SystemExit(f"{name} ({path}) answered {status}, not 200")
            found = loaded(port, path, cookie, options)
            counted, found["floor_beside"] = cpu.measure_in_turn(
                (master, port, path, cookie), (floor_master, floor_port, "/", None),
                options.cpu_requests, connections=options.low_clients)
            results[name] = dict(found, **counted, path=path)
        for name, who in (("landing", None), ("parent_home", "parent")):
            path = dict((n, p) for n, p, _w in pages.pages(made["sample"]))[name]
            weights[name] = weigh(port, path, f"session={cookies[who]}" if who else None)
    return results, weights


def loaded(port, path, cookie, options):
    """p50/p95 at `clients` connections (the top-level fields) and at `low_clients` ("at_low")."""
    found = load.run(port, path, cookie, options.clients, options.seconds)
    found["at_low"] = load.run(port, path, cookie, options.low_clients, options.seconds)
    return found


def measured(master, port, path, cookie, options, cpu_requests=None):
    """loaded() and CPU ms per request."""
    found = loaded(port, path, cookie, options)
    found.update(cpu.measure(master, port, path, cookie, cpu_requests or options.cpu_requests,
                             options.low_clients))
    return found


def weigh(port, path, cookie):
    """In Chromium when it is installed (what a phone really fetches and caches); otherwise
    every linked file, fetched compressed, with cache headers honoured."""
    from tests.resources import CHROMIUM

    if shutil.which(CHROMIUM):
        from bench import browser_weight

        return dict(browser_weight.visit(f"http://127.0.0.1:{port}", path, cookie),
                    tool="chromium")
    return dict(weight.visit(port, path, cookie), tool="http.client")


def run_database(kind, urls, options):
    with urls() as (small_url, large_url):
        small_app, small = seeded(small_url, options.small)
        small_counts = pages.count_statements(small_app, small,
                                              pages.session_cookies(small_app, small))
        large_app, large = seeded(large_url, options.parents)
        cookies = pages.session_cookies(large_app, large)
        large_counts = pages.count_statements(large_app, large, cookies)
        for app in (small_app, large_app):
            with app.app_context():
                from pairs_group.db import db

                db.engine.dispose()
        loaded, weights = load_pages(large_url, large, cookies, options)
        signing_in = sign_in.run(large_url, large_app, mobiles(large_app, options.sign_ins))
        reminder_day = None if "mix" in options.skip else mix.run(
            large_url, large_app, pages.SECRET_KEY, seconds=options.seconds * 2)
        with large_app.app_context():
            from pairs_group.db import db

            db.engine.dispose()
    return {"database": kind, "seeded": {k: v for k, v in large.items() if k != "sample"},
            "seeded_small": {k: v for k, v in small.items() if k != "sample"},
            "statements": {str(options.small): small_counts, str(options.parents): large_counts},
            "pages": loaded, "weight": weights, "sign_in": signing_in, "mix": reminder_day}


def mobiles(app, count):
    """Seeded parents' numbers, one per POST /sign-in (three providers' worth)."""
    import sqlalchemy as sa

    from pairs_group.db import db
    from pairs_group.parents.models import Parent

    with app.app_context():
        found = db.session.scalars(sa.select(Parent.mobile).order_by(Parent.id)
                                   .limit(3 * count)).all()
        db.session.remove()
    return list(found)


def floor(options):
    """The floor, measured as the pages are; 3 x the requests for CPU (it costs well under 1 ms,
    and /proc counts in ticks of 10 ms)."""
    with server.gunicorn_process("bench.floor:app") as (port, master):
        return measured(master, port, "/", None, options, 3 * options.cpu_requests)


def dispatch(options):
    from bench import sms_dispatch

    result = sms_dispatch.run(options.messages, 32)
    (HERE / "results-sms.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def reports(options):
    """The reports benchmark on SQLite, and on PostgreSQL unless --sqlite-only or none answers."""
    from bench import reports as report_bench

    return report_bench.run_all(options.dyads, report_bench.postgres_server(options.sqlite_only))


def parse():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parents", type=int, default=5000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--low-clients", type=int, default=4, help="the second load level")
    parser.add_argument("--cpu-requests", type=int, default=1000,
                        help="requests per page counted for CPU ms/request (>= 300)")
    parser.add_argument("--sign-ins", type=int, default=200, help="POST /sign-in per provider")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--messages", type=int, default=2000, help="reminders to dispatch")
    parser.add_argument("--dyads", type=int, default=10_000, help="dyads in the reports bench")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["pages", "dispatch", "reports", "mix"])
    options = parser.parse_args()
    if options.cpu_requests < 300:
        parser.error("--cpu-requests must be at least 300 for a stable figure")
    return options


def main():
    options = parse()
    started = time.perf_counter()
    results = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
               "machine": machine.describe(), "options": vars(options)}
    if "pages" not in options.skip:
        results["floor"] = floor(options)
        results["databases"] = [run_database(kind, urls, options)
                                for kind, urls in databases(options)]
    if "dispatch" not in options.skip:
        results["dispatch"] = dispatch(options)
    if "reports" not in options.skip:
        results["reports"] = reports(options)
    results["machine"]["load_average_after"] = os.getloadavg()
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["verdicts"] = report.verdicts(results)
    (HERE / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    text = report.markdown(results)
    (HERE / "results.md").write_text(text)
    print(text)
    if not all(v["ok"] for v in results["verdicts"]):
        raise SystemExit("Some targets were missed: see bench/results.md")


if __name__ == "__main__":
    main()
