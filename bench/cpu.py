"""CPU milliseconds per request: the user + system CPU of the gunicorn master and all its
workers (threads included), read from /proc before and after exactly N requests, divided by N.
The load comes from this process (a few keep-alive connections), so its own CPU is not counted.
Linux only (/proc); every loop bounded."""

import http.client
import os
import threading
from pathlib import Path

from bench.load import HEADERS

TICK = 1 / os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(parent pid, user + system CPU seconds) of one process, threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) * TICK


def processes(master):
    """The master's pid and its children's (gunicorn's workers)."""
    found = {master}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if _stat(int(entry.name))[0] == master:
                    found.add(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile, or not a process we can read
    return found


def cpu_seconds(pids):
    return sum(_stat(pid)[1] for pid in pids)


def requests(port, path, headers, count, connections, method="GET", bodies=None):
    """Exactly `count` requests over `connections` keep-alive connections; the statuses seen.
    `bodies(n)` gives the n-th request's (body, extra headers) for a POST."""
    lock, statuses, taken = threading.Lock(), [], [0]

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if taken[0] >= count:
                    break
                number, taken[0] = taken[0], taken[0] + 1
            body, extra = bodies(number) if bodies else (None, {})
            try:
                connection.request(method, path, body=body, headers={**headers, **extra})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            with lock:
                statuses.append(status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return statuses


def measure(master, port, path, cookie=None, count=1000, connections=4):
    """CPU ms per request of `path` (each answer must be 200), with the processes checked to be
    the same before and after (a worker restarted mid-run would hide its CPU)."""
    headers = dict(HEADERS, **({"Cookie": cookie} if cookie else {}))
    requests(port, path, headers, 4 * connections, connections)  # every worker warm
    before_pids = processes(master)
    before = cpu_seconds(before_pids)
    statuses = requests(port, path, headers, count, connections)
    after = cpu_seconds(before_pids)
    if processes(master) != before_pids:
        raise RuntimeError(f"a gunicorn worker was replaced while {path} was measured")
    return {"cpu_ms_per_request": round((after - before) * 1000 / count, 3),
            "cpu_requests": count, "cpu_connections": connections,
            "cpu_non_200": sum(status != 200 for status in statuses)}


def measure_in_turn(page, floor, count=1000, rounds=5, connections=4):
    """({CPU ms per request of the page}, the floor's CPU ms per request) counted in turn:
    `rounds` rounds of count/rounds page requests, each followed by three times as many of the
    floor's. `page` and `floor` are (master, port, path, cookie). A machine's speed drifts by a
    third within minutes here; counted in turn, page and floor meet the same machine."""
    chunk = max(1, count // rounds)
    pages, floors = [], []
    for _round in range(rounds):
        pages.append(measure(*page, count=chunk, connections=connections))
        floors.append(measure(*floor, count=3 * chunk, connections=connections))
    found = {"cpu_ms_per_request": round(sum(m["cpu_ms_per_request"] for m in pages) / rounds, 3),
             "cpu_requests": chunk * rounds, "cpu_connections": connections,
             "cpu_rounds": rounds, "cpu_non_200": sum(m["cpu_non_200"] for m in pages)}
    return found, round(sum(m["cpu_ms_per_request"] for m in floors) / rounds, 3)
