"""The arenas' frames: ``frames.frame_json`` gives the bytes ``encode(frames.frame(...))``
gives, whichever engine made the tick (FastWorld writes them in C). The side-by-side engine
games (tests/engine/engine_duel.py) compare the two on every tick they play; these are the
cases worth naming."""

from __future__ import annotations

import json

import pytest

from snakepit.engine import Join, Leave, World, WorldConfig
from snakepit.engine.fast import AVAILABLE, FastWorld
from snakepit.protocol import encode
from snakepit.protocol import frames as wire

pytestmark = pytest.mark.skipif(not AVAILABLE, reason="the C engine is not built")

#: Names a JSON writer must escape, and ones it must leave alone.
AWKWARD = ["quote \" and backslash \\", "".join(map(chr, range(32))), "del \x7f",
           "é, 😀 and \u2028", ""]


def both(intents: list) -> tuple:
    python, fast = World(WorldConfig(), seed=7), FastWorld(WorldConfig(), seed=7)
    return python, python.step(intents), fast, fast.step(intents)


def test_a_spawn_with_awkward_names_is_written_as_msgspec_writes_it() -> None:
    python, expected, fast, actual = both([Join(i, name) for i, name in enumerate(AWKWARD)])
    bots = {actual.spawns[0].snake_id}
    written = wire.frame_json(actual, fast, 1_764_000_000_123, 12, bots)
    assert written == encode(wire.frame(expected, python, 1_764_000_000_123, 12, bots))
    decoded = json.loads(written)
    assert [s["name"] for s in decoded["spawns"]] == AWKWARD
    assert [s.get("bot", False) for s in decoded["spawns"]] == [True] + [False] * 4


def test_empty_lists_and_an_unchanged_watcher_count_are_left_out() -> None:
    python, expected, fast, actual = both([])  # no snakes: nothing moves, dies or scores
    written = wire.frame_json(actual, fast, 5)
    assert written == encode(wire.frame(expected, python, 5))
    assert set(json.loads(written)) == {"type", "tick", "at", "digits"}


def test_a_death_names_its_cause_and_no_killer_as_null() -> None:
    python, _, fast, _ = both([Join(1, "ada")])
    expected, actual = python.step([Leave(1)]), fast.step([Leave(1)])
    written = wire.frame_json(actual, fast, 0)
    assert written == encode(wire.frame(expected, python, 0))
    assert json.loads(written)["deaths"] == [[1, "left", None]]


def test_a_report_that_is_not_the_worlds_last_is_refused() -> None:
    _, _, fast, first = both([Join(1, "ada")])
    fast.step([])
    with pytest.raises(ValueError, match="a report of tick 1, not this world's last"):
        wire.frame_json(first, fast, 0)
