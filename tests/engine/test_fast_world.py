"""FastWorld plays the same game as World.

:class:`snakepit.engine.fast.FastWorld` is the rules engine written in C. Its whole promise
is that, made with the same rules and seed and given the same intents each tick, it *is*
:class:`~snakepit.engine.World` as far as anyone can tell:

- ``step(intents)`` returns an equal :class:`~snakepit.engine.TickReport`, of the same types
  throughout (``Move`` named tuples, ``Death`` and ``Spawn`` dataclasses, ``Cause`` members,
  cells as ``(x, y)`` tuples, ``grew`` a ``bool``);
- after every tick ``fingerprint()`` is equal, and so are ``tick``, ``seed``, ``config``,
  ``snakes``, ``digits``, ``stones``, ``_digit_expiry`` (the dicts in the same insertion
  order, which the recordings' digests read), ``_next_id`` and the state of ``rng`` (a
  ``random.Random``);
- the recordings' ``tick_digest`` and ``full_digest`` are equal, so a game recorded with
  one verifies with the other;
- intents that World ignores (turns and leaves for snakes that do not exist, turns that
  repeat or reverse the heading, turns beyond the queue) are ignored alike.

Every test here plays both engines side by side and compares them after every tick (see
:class:`engine_duel.Duel`); a difference fails naming the tick and the first part that
differs, e.g.
``tick 37: report.deaths[1].cause differs: World Cause.SNAKE, FastWorld Cause.HEAD_ON``.

The tests skip when the compiled extension is not built (``AVAILABLE`` is false). CI builds
it (``pip install -e .`` compiles ``_fastworld.c``), so there they must never skip.
"""

from __future__ import annotations

import msgspec
import pytest
from engine_duel import (
    EVERY_EVENT,
    EXAMPLES,
    NAMES,
    Crowd,
    Duel,
    Mismatch,
    Script,
    Tally,
    configs,
    crowds,
    play_crowd,
    record_events,
    scripts,
    seeds,
    state_difference,
)
from hypothesis import given, note, settings
from hypothesis import strategies as st

from snakepit.engine import DIRECTIONS, Cause, Direction, Join, Leave, Turn, World, WorldConfig
from snakepit.engine.fast import AVAILABLE, FastWorld
from snakepit.protocol import encode
from snakepit.protocol import frames as wire
from snakepit.replay import DiskWriter
from snakepit.replay.recorder import Recorder
from snakepit.replay.recording import full_digest, read, tick_digest
from snakepit.replay.verify import verify

pytestmark = pytest.mark.skipif(
    not AVAILABLE, reason="the C extension snakepit.engine._fastworld is not built")



# -- the differential games -------------------------------------------------------------------


@EXAMPLES
@given(configs, seeds, scripts)
def test_fast_world_plays_every_scripted_game_as_world_does(
    config: WorldConfig, seed: int, script: Script
) -> None:
    duel, tally = Duel(config, seed), Tally()
    try:
        script.play(duel, tally)
        duel.finish()
    except Mismatch:
        note(duel.reproduction())
        raise
    record_events(tally)


@settings(EXAMPLES, max_examples=40)
@given(configs, seeds, crowds, st.integers(50, 200))
def test_fast_world_plays_every_crowded_game_as_world_does(
    config: WorldConfig, seed: int, crowd: Crowd, ticks: int
) -> None:
    duel = Duel(config, seed)
    try:
        tally = play_crowd(duel, crowd, ticks)
    except Mismatch:
        note(duel.reproduction())
        raise
    record_events(tally)


LONG_GAME = 3000


def test_a_long_game_on_the_default_board_with_16_players_is_the_same_game() -> None:
    duel = Duel(WorldConfig(), seed=2026)
    tally = play_crowd(duel, Crowd(seed=7, players=16, join=0.3, steer=0.7, wander=0.15,
                                   leave=0.005, stray=0.05), LONG_GAME)
    assert duel.tick == LONG_GAME
    # It was a long, busy game: snakes died in every way and the board kept changing.
    assert tally["spawn"] >= 100 and tally["eaten"] >= 500, tally
    assert all(tally[cause.value] for cause in Cause), tally
    assert tally["stone added"] and tally["stone crumbled"] and tally["corpse digit"], tally


#: Small, crowded worlds and busy crowds in which, between them, everything happens.
CROWDED = [
    (WorldConfig(width=12, height=10, start_length=4, turn_queue=2, digits_base=5,
                 digits_per_snake=3, corpse_step=1, corpse_max_digit=9, corpse_ttl=15,
                 stone_interval=3, stone_cap=6, stone_ttl=12, spawn_head_distance=3,
                 stone_head_distance=2, spawn_margin=1),
     -(2**65) - 11, Crowd(seed=1, players=10, join=0.5, rush=0.05, steer=0.7, wander=0.25,
                          leave=0.02, stray=0.2)),
    (WorldConfig(width=20, height=14, start_length=2, turn_queue=3, digits_base=2,
                 digits_per_snake=1, corpse_step=2, corpse_max_digit=3, corpse_ttl=30,
                 stone_interval=1, stone_cap=None, stone_ttl=5, spawn_head_distance=1,
                 stone_head_distance=1, spawn_margin=0),
     2**64 + 99, Crowd(seed=2, players=20, join=0.8, rush=0.02, steer=0.5, wander=0.4,
                       leave=0.05, stray=0.3)),
]


def test_crowded_games_show_every_rule_and_are_the_same_game() -> None:
    tally = Tally()
    for config, seed, crowd in CROWDED:
        play_crowd(Duel(config, seed), crowd, 400, tally)
    missing = [name for name in EVERY_EVENT if not tally[name]]
    assert not missing, f"these never happened: {missing} ({tally})"


# -- particular cases -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, -1, 7, 2**32, 2**64 + 1, -(2**70), 10**40])
def test_a_new_fast_world_is_the_new_world_of_its_seed(seed: int) -> None:
    config = WorldConfig(width=17, height=11, stone_cap=3)
    for fast in (FastWorld(config, seed), FastWorld(config, seed=seed),
                 FastWorld(config=config, seed=seed)):
        python = World(config, seed=seed)
        assert state_difference(python, fast) is None, state_difference(python, fast)
        assert full_digest(fast) == full_digest(python)
        assert tick_digest(fast) == tick_digest(python)


def test_a_fast_world_has_worlds_defaults() -> None:
    python, fast = World(), FastWorld()
    assert fast.config == WorldConfig() and fast.seed == 0
    assert state_difference(python, fast) is None, state_difference(python, fast)
    assert FastWorld(None, 5).config == WorldConfig()
    assert python.step([Join(1, "a")]) == fast.step([Join(1, "a")])
    assert state_difference(python, fast) is None, state_difference(python, fast)


def test_step_takes_any_iterable_of_intents_or_none() -> None:
    duel = Duel(WorldConfig(width=15, height=12), seed=3)
    python, fast = duel.python.step(), duel.fast.step()
    assert python == fast
    duel.check_state()
    kinds = (tuple, iter, list, lambda intents: (i for i in intents))
    for make, intents in zip(kinds, ([Join(1, "a"), Join(2, "b")], [Join(3, "c")],
                                     [Turn(1, Direction.LEFT), Turn(1, Direction.UP)], [])):
        python, fast = duel.python.step(make(intents)), duel.fast.step(make(intents))
        assert python == fast, f"tick {duel.tick}"
        duel.check_state()
    duel.finish()


ODD_IDS = [0, -1, -(2**31), 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, -(2**63) - 1, 2**64,
           10**30, -(10**30)]


def test_turns_and_leaves_for_any_id_that_is_no_snake_are_ignored_alike() -> None:
    duel = Duel(WorldConfig(width=14, height=12, spawn_margin=1), seed=11)
    duel.step([Join(1, "a"), Join(2, "b")])
    for sid in ODD_IDS:
        duel.step([Turn(sid, Direction.LEFT), Leave(sid), Turn(sid, Direction.UP)])
    duel.finish()


def test_joins_echo_any_ref_alike() -> None:
    duel = Duel(WorldConfig(width=10, height=10, start_length=5, spawn_margin=0), seed=5)
    report = duel.step([Join(ref, f"r{i}") for i, ref in enumerate(ODD_IDS * 3)])
    assert report.spawns and report.rejected  # some fitted, the rest found the board full
    duel.finish()


def test_repeated_reversed_and_surplus_turns_are_ignored_alike() -> None:
    duel = Duel(WorldConfig(width=24, height=18, turn_queue=2, digits_base=0,
                            digits_per_snake=0, stone_cap=0), seed=1)
    (spawn,) = duel.step([Join(1, "a")]).spawns
    sid = spawn.snake_id
    heading = duel.python.snakes[sid].direction
    side = next(d for d in DIRECTIONS if d not in (heading, heading.opposite))
    for turns in ([heading], [heading.opposite], [side, side, side.opposite, heading,
                                                  side, heading.opposite, side],
                  [side.opposite] * 5, list(DIRECTIONS) * 3, []):
        duel.step([Turn(sid, d) for d in turns])
    duel.finish()


def test_names_of_every_kind_come_back_alike() -> None:
    duel = Duel(WorldConfig(spawn_head_distance=1, spawn_margin=0), seed=9)
    report = duel.step([Join(i, name) for i, name in enumerate(NAMES)])
    assert len(report.spawns) == len(NAMES)
    for sid in list(duel.python.snakes):
        duel.step([Leave(sid)])
        assert duel.fast.snakes.keys() == duel.python.snakes.keys()


def test_reading_a_fast_world_between_ticks_changes_nothing() -> None:
    """The duels read every attribute after every tick; a FastWorld nobody reads plays on
    the same (so reading has no effect on the game)."""
    config = WorldConfig(width=18, height=14, stone_interval=3, stone_ttl=20, corpse_ttl=25)
    duel, unread = Duel(config, seed=21), FastWorld(config, seed=21)
    players = Crowd(seed=21, players=10, rush=0.02, wander=0.3, leave=0.02, stray=0.1).play()
    next(players)
    for _ in range(300):
        intents = players.send(duel.python)
        report = duel.step(intents)
        assert unread.step(intents) == report, f"tick {duel.tick}"
    assert unread.fingerprint() == duel.python.fingerprint()
    assert full_digest(unread) == full_digest(duel.python)


#: Valid rules (WorldConfig checks only a few fields) far beyond any sensible setting: more
#: digits than cells, negative points and distances, times and margins near or past 32 bits,
#: snakes longer than the board, the biggest and the narrowest boards.
EXTREMES = {
    "negative kill points": dict(kill_points=-5),
    "kill points 2**31-1": dict(kill_points=2**31 - 1),
    "kill points 2**70": dict(kill_points=2**70),
    "more digits than cells": dict(digits_base=500),
    "digits base 2**40": dict(digits_base=2**40),
    "negative digits": dict(digits_base=-3, digits_per_snake=-2),
    "no stone cap to speak of": dict(stone_cap=10**6, stone_interval=1, stone_ttl=3),
    "negative stone cap": dict(stone_cap=-1, stone_interval=1),
    "ttls 2**31-1": dict(corpse_ttl=2**31 - 1, stone_ttl=2**31 - 1, stone_interval=1),
    "ttls 2**40": dict(corpse_ttl=2**40, stone_ttl=2**40, stone_interval=1),
    "stone interval 2**40": dict(stone_interval=2**40),
    "margin 2**31-1": dict(spawn_margin=2**31 - 1),
    "margin 3 * 2**29": dict(spawn_margin=3 * 2**29),
    "margin 2**40": dict(spawn_margin=2**40),
    "negative margin": dict(spawn_margin=-2),
    "no head distances": dict(spawn_head_distance=0, stone_head_distance=0, stone_interval=1),
    "negative head distances": dict(spawn_head_distance=-3, stone_head_distance=-3),
    "head distances 2**31-1": dict(spawn_head_distance=2**31 - 1,
                                   stone_head_distance=2**31 - 1, stone_interval=1),
    "snakes longer than the board": dict(start_length=50),
    "queue and corpse step 10**9": dict(turn_queue=10**9, corpse_step=10**9),
    "1000 x 1000": dict(width=1000, height=1000),
    "10 x 1000": dict(width=10, height=1000, spawn_margin=0),
    "1000 x 10": dict(width=1000, height=10, stone_interval=1, spawn_margin=0),
}


@pytest.mark.parametrize("rules", EXTREMES.values(), ids=EXTREMES.keys())
def test_rules_at_their_extremes_are_played_alike_or_refused_up_front(rules: dict) -> None:
    """Any valid WorldConfig is played alike; the only way out is to refuse the rules when
    the FastWorld is made (OverflowError or ValueError: the caller can fall back to World),
    never to play another game."""
    config = WorldConfig(**{"width": 12, "height": 10, **rules})
    try:
        FastWorld(config, seed=5)
    except (OverflowError, ValueError):
        return
    play_crowd(Duel(config, seed=5), Crowd(seed=1, players=8, join=0.5, rush=0.05,
                                           wander=0.3, leave=0.02, stray=0.1), 100)


# -- the server's use: FastWorld plays, recordings verify with World ---------------------------


def test_a_game_recorded_from_a_fast_world_verifies_with_world(tmp_path) -> None:
    config = WorldConfig(width=30, height=20, stone_interval=5, stone_ttl=60, corpse_ttl=40)
    writer = DiskWriter()
    fast, python = FastWorld(config, seed=77), World(config, seed=77)
    fast_recorder = Recorder(tmp_path / "fast.jsonl", fast, arena="a", tick_rate=10,
                             writer=writer, full_every=25)
    python_recorder = Recorder(tmp_path / "python.jsonl", python, arena="a", tick_rate=10,
                               writer=writer, full_every=25)
    players = Crowd(seed=3, players=12, rush=0.01, wander=0.3, leave=0.02).play()
    next(players)
    bots = set()
    for _ in range(600):
        intents = players.send(python)  # (the players look at the board through World)
        report = fast.step(intents)
        fast_recorder.record(report.tick, intents, fast)
        assert python.step(intents) == report
        python_recorder.record(report.tick, intents, python)
        bots.update(s.snake_id for s in report.spawns if s.ref < 0)
        # What the game loop sends: the frame of each tick, and snapshots to newcomers.
        assert encode(wire.frame(report, fast, 1234, 2, bots)) == encode(
            wire.frame(report, python, 1234, 2, bots)), f"tick {report.tick}: frames differ"
        if report.tick % 50 == 0:
            assert encode(wire.snapshot(fast, 2, bots)) == encode(
                wire.snapshot(python, 2, bots)), f"tick {report.tick}: snapshots differ"
    fast_recorder.close()
    python_recorder.close()
    writer.close()

    verdict = verify(tmp_path / "fast.jsonl")  # re-simulated by World
    assert verdict.ok, str(verdict)
    assert verdict.ticks == 600
    recorded, reference = read(tmp_path / "fast.jsonl"), read(tmp_path / "python.jsonl")
    assert recorded.header.start_full == reference.header.start_full
    assert recorded.ticks == reference.ticks  # every tick's intents and digests
    assert (recorded.end.full, recorded.end.parts) == (reference.end.full, reference.end.parts)


def test_msgpack_of_the_state_is_the_same() -> None:
    """What ``full_digest`` hashes, compared as bytes (in case it gets a fast path for
    FastWorld, this keeps checking the generic encoding)."""
    duel = Duel(WorldConfig(width=16, height=12, stone_interval=2, corpse_ttl=9), seed=4)
    play_crowd(duel, Crowd(seed=4, players=6, wander=0.4, leave=0.03), 120)
    encoder = msgspec.msgpack.Encoder(enc_hook=lambda value: list(value))
    for name in ("snakes", "digits", "_digit_expiry", "stones"):
        assert encoder.encode(getattr(duel.fast, name)) == encoder.encode(
            getattr(duel.python, name)), name
