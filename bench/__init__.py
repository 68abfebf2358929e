"""Benchmarks: run each as `.venv/bin/python -m bench.<name>`.

Results go to bench/results-*.json."""
