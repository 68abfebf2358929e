"""What the numbers were measured on."""

import os
import platform
import sqlite3


def cpu_model():
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb():
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        return None


def postgres_version(url):
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=2) as connection:
            return connection.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - no server is an answer, not an error
        return None


def describe():
    from bench.__main__ import POSTGRES

    return {"cpu": cpu_model(), "cores": os.cpu_count(), "memory_gb": memory_gb(),
            "os": platform.platform(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "postgresql": postgres_version(POSTGRES),
            "load_average_before": os.getloadavg()}
