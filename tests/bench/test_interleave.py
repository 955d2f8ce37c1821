"""How ``snakepit bench`` orders its measurements: both servers at each count, in the same
minutes, until both ramps have ended (scripted outcomes, no server started)."""

from __future__ import annotations

import asyncio

from snakepit.bench.controller import Ramp, interleave
from snakepit.bench.verdict import capacity


class Scripted:
    """A server whose measurements hold or fail as a script says: ``{clients: [held?, ...]}``,
    one entry per measurement of that count (a count not in the script fails)."""

    def __init__(self, kind: str, script: dict[int, list[bool]]) -> None:
        self.kind = kind
        self.script = {n: list(outcomes) for n, outcomes in script.items()}


def run(counts, scripts, tries=2):
    """Interleave scripted ramps; return the ramps and the order of the measurements, as
    (kind, clients, try)."""
    ramps = tuple(Ramp(Scripted(kind, script)) for kind, script in scripts.items())
    order: list[tuple[str, int, int]] = []

    async def measure(ramp: Ramp, clients: int, attempt: int) -> None:
        outcomes = ramp.target.script.get(clients) or [False]
        order.append((ramp.target.kind, clients, attempt))
        ramp.steps.append({"clients": clients, "holds": outcomes.pop(0), "try": attempt})

    asyncio.run(interleave(tuple(counts), ramps, tries, measure))
    return {ramp.target.kind: ramp for ramp in ramps}, order


def test_each_count_is_measured_on_each_server_in_turn():
    ramps, order = run([1, 2], {"snakepit": {1: [True], 2: [True]},
                                "raw": {1: [True], 2: [True]}})
    assert order == [("snakepit", 1, 1), ("raw", 1, 1), ("snakepit", 2, 1), ("raw", 2, 1)]
    assert capacity(ramps["snakepit"].steps) == capacity(ramps["raw"].steps) == 2


def test_a_count_that_failed_is_tried_again_on_that_server_only_after_both_had_a_go():
    _, order = run([1], {"snakepit": {1: [False, True]}, "raw": {1: [True]}})
    assert order == [("snakepit", 1, 1), ("raw", 1, 1), ("snakepit", 1, 2)]


def test_a_count_is_measured_at_most_tries_times_on_each_server():
    _, order = run([1], {"snakepit": {}, "raw": {}}, tries=3)
    assert [kind for kind, _, _ in order] == ["snakepit", "raw"] * 3


def test_a_ramp_that_has_ended_is_still_measured_while_the_other_goes_on():
    # Snakepit fails 3 and 4 (its ramp has ended there) and holds 5 in a quick minute;
    # the raw server holds up to 6. Before 6 December 2026 the raw server went on alone.
    ramps, order = run(range(1, 9), {
        "snakepit": {1: [True], 2: [True], 5: [True]},
        "raw": {n: [True] for n in range(1, 7)},
    }, tries=1)
    assert [(kind, n) for kind, n, _ in order] == [
        (kind, n) for n in range(1, 9) for kind in ("snakepit", "raw")]
    assert capacity(ramps["snakepit"].steps) == 5
    assert capacity(ramps["raw"].steps) == 6


def test_the_bench_stops_once_both_ramps_have_ended():
    ramps, order = run(range(1, 20), {"snakepit": {1: [True]}, "raw": {1: [True], 2: [True]}},
                       tries=1)
    # Snakepit ended at 3 (2 and 3 failed), the raw server at 4 (3 and 4 failed).
    assert max(n for _, n, _ in order) == 4
    assert not any(ramp.going for ramp in ramps.values())


def test_it_is_the_same_whichever_server_ends_first():
    ramps, order = run(range(1, 20), {"snakepit": {n: [True] for n in range(1, 6)},
                                      "raw": {1: [True], 2: [True], 4: [True]}}, tries=1)
    assert max(n for _, n, _ in order) == 7
    assert ("raw", 7, 1) in order
    assert capacity(ramps["raw"].steps) == 4 and capacity(ramps["snakepit"].steps) == 5


def test_a_ramp_that_has_ended_is_measured_once_a_count_while_the_other_has_its_tries():
    # Snakepit has ended at 2 (1 and 2 failed twice each); at 3 the raw server fails once
    # and holds on its second try, Snakepit is measured once, beside the first.
    _, order = run([1, 2, 3], {"snakepit": {}, "raw": {1: [True], 2: [True], 3: [False, True]}})
    assert order[-3:] == [("snakepit", 3, 1), ("raw", 3, 1), ("raw", 3, 2)]
    assert order.count(("snakepit", 2, 2)) == 1


def test_an_ended_ramp_that_holds_a_count_goes_on_with_its_tries():
    ramps, order = run([1, 2, 3, 4], {"snakepit": {3: [True]},
                                      "raw": {n: [True] for n in range(1, 5)}})
    assert ramps["snakepit"].going  # 3 held: two counts in a row have not failed since
    assert ("snakepit", 4, 2) in order
