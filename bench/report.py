"""Targets checked and results written as Markdown."""

RATIO = 3.0


def verdicts(results):
    found = []
    floor = results.get("floor", {}).get("p95_ms")
    for run in results.get("databases", []):
        for name, page in run["pages"].items():
            ratio = page["p95_ms"] / floor if floor else None
            found.append({"check": f"{run['database']} {name} p95 <= {RATIO:g} x floor",
                          "value": f"{page['p95_ms']} ms ({ratio:.2f} x)" if ratio else "-",
                          "ok": ratio is not None and ratio <= RATIO and not page["errors"]})
        counts = list(run["statements"].values())
        for name in counts[0]:
            values = [c[name]["statements"] for c in counts]
            found.append({"check": f"{run['database']} {name} statements equal at "
                                   + " and ".join(run["statements"]),
                          "value": " / ".join(map(str, values)), "ok": len(set(values)) == 1})
        for name, seen in run["weight"].items():
            found.append({"check": f"{run['database']} {name} first visit <= 60 KB "
                                   f"({seen.get('tool', '')})",
                          "value": f"{seen['first'] / 1024:.1f} KB",
                          "ok": seen["first"] <= 60 * 1024})
            found.append({"check": f"{run['database']} {name} repeat visit <= 15 KB "
                                   f"({seen.get('tool', '')})",
                          "value": f"{seen['repeat'] / 1024:.1f} KB",
                          "ok": seen["repeat"] <= 15 * 1024})
    if "dispatch" in results:
        sent = results["dispatch"]
        found.append({"check": "dispatch >= 200 texts/s, none twice",
                      "value": f"{sent['messages_per_second']}/s, {sent['duplicates']} twice",
                      "ok": sent["messages_per_second"] >= 200 and not sent["duplicates"]})
    for run in results.get("reports", {}).get("runs", []):
        found += report_verdicts(run)
    return found


def report_verdicts(run):
    """The report (worked out afresh) under 1 s, and flat export memory, for one database."""
    full, tenth = run["export_full"], run["export_one_venue_tenth"]
    peak_full = max(f["peak_bytes"] for f in full.values())
    peak_tenth = max(f["peak_bytes"] for f in tenth.values())
    return [
        {"check": f"{run['database']} report over {run['seeded']['dyads']} dyads < 1 s",
         "value": f"{run['json_report_seconds']} s (best of "
                  f"{', '.join(map(str, run.get('json_report_runs', [])))})",
         "ok": run["json_report_seconds"] < 1},
        {"check": f"{run['database']} export memory flat (peak at full size <= 2 x peak at "
                  "a tenth)",
         "value": f"{peak_full / 2**20:.1f} MB vs {peak_tenth / 2**20:.1f} MB",
         "ok": peak_full <= 2 * max(peak_tenth, 1)},
    ]


def markdown(results):
    m = results["machine"]
    lines = [f"# PAIRS Group benchmark, {results['when']}", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['os']}; "
             f"Python {m['python']}; SQLite {m['sqlite']}; PostgreSQL {m['postgresql'] or '-'}. "
             f"Load average before {fmt(m['load_average_before'])}, after "
             f"{fmt(m.get('load_average_after', ()))}. Took {results['seconds']} s.", ""]
    if "floor" in results:
        f = results["floor"]
        lines += [f"Gunicorn, {2 * m['cores']} workers, 127.0.0.1; {f['tool']} at "
                  f"{results['options']['clients']} connections for "
                  f"{results['options']['seconds']} s per page.", "",
                  "| database | page | req/s | p50 ms | p95 ms | p99 ms | p95 / floor | SQL |",
                  "|---|---|---|---|---|---|---|---|",
                  f"| - | floor (bare Flask + Jinja) | {f['requests_per_second']} | {f['p50_ms']} "
                  f"| {f['p95_ms']} | {f['p99_ms']} | 1.00 | 0 |"]
        for run in results["databases"]:
            counts = list(run["statements"].values())[-1]
            for name, p in run["pages"].items():
                lines.append(f"| {run['database']} | {name} | {p['requests_per_second']} | "
                             f"{p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} | "
                             f"{p['p95_ms'] / f['p95_ms']:.2f} | {counts[name]['statements']} |")
        lines.append("")
        for run in results["databases"]:
            s = run["seeded"]
            lines.append(f"{run['database']}: seeded {s['parents']} parents, {s['groups']} groups, "
                         f"{s['attendance']} marks, {s['responses']} responses, "
                         f"{s['messages']} texts in {s['seed_seconds']} s.")
        lines.append("")
    lines += report_lines(results.get("reports", {}).get("runs", []))
    lines += ["| check | value | ok |", "|---|---|---|"]
    lines += [f"| {v['check']} | {v['value']} | {'yes' if v['ok'] else '**NO**'} |"
              for v in results["verdicts"]]
    return "\n".join(lines) + "\n"


def report_lines(runs):
    """The reports benchmark: JSON report and each page, first view and repeat, per database."""
    if not runs:
        return []
    lines = ["| database | dyads | attendance marks | JSON report s | page: first view / "
             "repeat s |", "|---|---|---|---|---|"]
    for run in runs:
        pages = ", ".join(f"{_page_name(url)} {p['cold']} / {p['cached']}"
                          for url, p in run["page_seconds"].items())
        lines.append(f"| {run['database']} | {run['seeded']['dyads']} | "
                     f"{run['seeded']['attendance_rows']} | {run['json_report_seconds']} | "
                     f"{pages} |")
    return [*lines, ""]


def _page_name(url):
    """/staff/reports/outcomes -> outcomes; the section's first page is attendance."""
    return url.rstrip("/").rsplit("/", 1)[-1].replace("reports", "attendance")


def fmt(numbers):
    return ", ".join(f"{n:.1f}" for n in numbers)
