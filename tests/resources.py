"""Outside resources tests may need (PostgreSQL, Redis, Chromium), and what to do without one.

Locally a missing resource skips its tests; in CI (CI=true) it fails them, so a green CI run
always means the PostgreSQL, Redis and browser tests really ran.
"""

import os
import shutil
import socket
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def unavailable(reason):
    """Skip here, fail in CI."""
    if IN_CI:
        pytest.fail(f"required in CI but unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(url, default_port):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1",
                                       parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def redis_url():
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    if not port_open(url, 6379):
        unavailable(f"no Redis server at {url}")
    return url


def chromium_path():
    if not shutil.which(CHROMIUM):
        unavailable(f"no Chromium at {CHROMIUM}")
    return CHROMIUM


@contextmanager
def throwaway_postgres_database(server_url):
    """A new, empty database on the server, dropped afterwards: runs never share tables."""
    import psycopg

    if not port_open(server_url, 5432):
        unavailable(f"no PostgreSQL server at {server_url}")
    name = "pairs_test_" + uuid.uuid4().hex[:12]
    admin = psycopg.connect(server_url.replace("postgresql+psycopg://", "postgresql://"),
                            autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def wait_for(check, seconds=20):
    """Ask again (every 0.2 s, for at most `seconds`) until `check` says yes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    return check()


@contextmanager
def postgres_behind_a_proxy(server_url):
    """(database URL through a TcpProxy, the proxy): a throwaway PostgreSQL database a test can
    cut off and bring back by stopping and starting the proxy."""
    from tests.tcp_proxy import TcpProxy

    with throwaway_postgres_database(server_url) as url:
        parts = urlsplit(url)
        proxy = TcpProxy(parts.hostname, parts.port or 5432).start()
        try:
            yield urlunsplit(parts._replace(
                netloc=f"{parts.username}@127.0.0.1:{proxy.port}")), proxy
        finally:
            proxy.stop()
