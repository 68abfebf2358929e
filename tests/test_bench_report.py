"""The benchmark's CPU verdicts divide each page by the floor counted beside it (just before and
after the page), not by one floor counted minutes earlier on a machine whose speed drifts."""

from bench.report import verdicts


def run_with(register):
    return {"database": "sqlite", "pages": {"register": register},
            "statements": {"500": {"register": {"statements": 7}},
                           "5000": {"register": {"statements": 7}}},
            "weight": {}, "sign_in": {}}


def register_verdict(register, floor=1.0):
    results = {"floor": {"cpu_ms_per_request": floor}, "databases": [run_with(register)]}
    return next(v for v in verdicts(results) if "register CPU" in v["check"])


def test_a_page_is_compared_with_the_floor_counted_beside_it():
    page = {"cpu_ms_per_request": 12.0, "errors": 0, "cpu_non_200": 0}
    # 12 ms against the run's floor of 1 ms is within 15x; against 0.5 ms counted beside it, not.
    assert register_verdict(page)["ok"]
    beside = register_verdict({**page, "floor_beside": 0.5})
    assert not beside["ok"]
    assert "(24.0 x)" in beside["value"]
    # and the other way round: a slow moment for both page and floor
    assert register_verdict({**page, "floor_beside": 1.2}, floor=0.6)["ok"]
