"""The benchmark's CPU count of a page in turn with the floor's (bench/cpu.py), on the floor
served twice by gunicorn on 127.0.0.1: each side counted over its own requests, all 200."""

from bench import cpu, server


def test_a_page_and_the_floor_are_counted_in_turn_over_their_own_requests():
    with server.gunicorn_process("bench.floor:app", workers=2) as (port, master), \
            server.gunicorn_process("bench.floor:app", workers=2) as (floor_port, floor_master):
        page, floor = cpu.measure_in_turn((master, port, "/", None),
                                          (floor_master, floor_port, "/", None),
                                          count=600, rounds=3, connections=2)
    assert page["cpu_requests"] == 600 and page["cpu_rounds"] == 3
    assert page["cpu_non_200"] == 0
    # The same bare page on both sides: each costs CPU, and neither is counted for the other.
    assert page["cpu_ms_per_request"] > 0 and floor > 0
    assert 0.2 < page["cpu_ms_per_request"] / floor < 5
