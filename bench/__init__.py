"""Benchmarks. `python -m bench` (`make bench`) runs them all and writes bench/results.md and
bench/results.json; each part also runs alone: `python -m bench.sms_dispatch`,
`python -m bench.reports` (bench/results-*.json)."""
