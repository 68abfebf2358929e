"""Load from a separate process: wrk (Debian package) at 20 connections, or, when wrk is
missing, a small threaded http.client loop. Either way: requests/s and p50/p95/p99 in ms."""

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "seconds": %.3f, "errors": %d, "non_2xx_3xx": %d, '
    .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "bytes": %d}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.bytes))
end
"""
HEADERS = {"Accept-Encoding": "br, gzip", "User-Agent": "pairs-bench"}


def run(port, path, cookie=None, clients=20, seconds=10):
    headers = dict(HEADERS, **({"Cookie": cookie} if cookie else {}))
    result = with_wrk(port, path, headers, clients, seconds) if shutil.which("wrk") else \
        with_threads(port, path, headers, clients, seconds)
    result["requests_per_second"] = round(result["requests"] / result["seconds"], 1)
    return result


def with_wrk(port, path, headers, clients, seconds):
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        script.write_text(REPORT)
        command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s",
                   "-s", str(script)]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        out = subprocess.run(  # noqa: S603 - our own fixed command line
            command + [f"http://127.0.0.1:{port}{path}"], capture_output=True,
            text=True, timeout=seconds + 30, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return dict(result, tool="wrk")


def with_threads(port, path, headers, clients, seconds):
    """Fallback load: `clients` threads, each one keep-alive connection, for `seconds`."""
    latencies, errors, stop = [], [0], time.monotonic() + seconds
    lock = threading.Lock()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started) if ok else None
                errors[0] += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 15)
    elapsed, ordered = time.perf_counter() - started, sorted(latencies) or [0.0]

    def pick(q):
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"requests": len(latencies), "seconds": round(elapsed, 3), "errors": errors[0],
            "p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "tool": "python threads"}
