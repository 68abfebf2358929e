"""The web entry points settle the process for serving: what was loaded at start is frozen out
of the garbage collector's walks, and its young generation collects at 7,000 objects, not 700."""

import os
import subprocess
import sys

import pytest

from pairs_group import PROJECT_ROOT
from pairs_group.config import ENVIRONMENT_SETTINGS
from pairs_group.serving import YOUNG_GENERATION_THRESHOLD

REPORT = "import gc, {module}; print(gc.get_threshold()[0], gc.get_freeze_count())"


@pytest.mark.parametrize(("module", "environ"), [
    ("wsgi", {}),
    ("bench.served", {"BENCH_DATABASE_URL": "sqlite://", "BENCH_SECRET_KEY": "k" * 40}),
])
def test_a_served_app_is_settled_for_serving(module, environ):
    env = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT_SETTINGS}
    result = subprocess.run(
        [sys.executable, "-c", REPORT.format(module=module)], cwd=PROJECT_ROOT,
        env={**env, **environ, "PYTHONPATH": str(PROJECT_ROOT)}, capture_output=True, text=True,
        timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    threshold, frozen = map(int, result.stdout.split()[-2:])
    assert threshold == YOUNG_GENERATION_THRESHOLD
    assert frozen > 10_000  # modules, mappers, templates: tens of thousands of objects
