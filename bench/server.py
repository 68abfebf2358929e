"""Gunicorn on 127.0.0.1 at a free port, workers = 2 x cores, started and stopped by id."""

import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench.cpu import processes

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port, master, workers, seconds=120):
    """Until every worker is forked and the app answers: a few answered requests in a row. On a
    busy machine gunicorn may fork the last worker a second after the first have answered, and a
    worker appearing during a CPU count fails it."""
    deadline, answered = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and (answered < 8 or len(processes(master)) <= workers):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/")
            connection.getresponse().read()
            connection.close()
            answered += 1
            if answered >= 8:
                time.sleep(0.1)  # all answer; a worker is still being forked
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    if answered < 8:
        raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {seconds} s")


@contextmanager
def gunicorn(target, env=None, workers=None, port=None):
    """Serve `target` (module:app); yields the port."""
    with gunicorn_process(target, env, workers, port) as (port, _pid):
        yield port


@contextmanager
def gunicorn_process(target, env=None, workers=None, port=None):
    """Serve `target` (module:app); yields (port, the master's pid)."""
    port = port or free_port()
    workers = workers or 2 * (os.cpu_count() or 1)
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", target]
    process = subprocess.Popen(  # noqa: S603 - our own fixed command line
        command, cwd=ROOT, env={**os.environ, **(env or {})})
    try:
        wait_for(port, process.pid, workers)
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
