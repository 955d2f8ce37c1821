"""Recording an arena: what a recording holds, and that a busy game re-simulates exactly."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from replay_helpers import BUSY, busy_intents, lines_of, record_busy_game

from snakepit.engine import Join, World
from snakepit.replay import Recorder, full_digest, read, tick_digest, verify
from snakepit.replay.recording import FULL_EVERY, PARTS, differing_parts

TICKS = 400


def test_a_busy_arena_recorded_for_hundreds_of_ticks_verifies_tick_for_tick(tmp_path: Path):
    path, played = record_busy_game(tmp_path, TICKS)

    seen: Counter = Counter()
    for intents, report in played:
        seen.update(type(i).__name__ for i in intents)
        seen.update(d.cause.value for d in report.deaths)
        seen["spawns"] += len(report.spawns)
        seen["stones"] += len(report.stones_added)
    # The game really was busy: people and bots came and went, snakes died every way.
    assert seen["Join"] > 40 and seen["Turn"] > 500 and seen["Leave"] > 10, seen
    assert seen["spawns"] > 40 and seen["stones"] > 10, seen
    assert {"wall", "self", "left"} <= set(seen), seen

    verdict = verify(path)
    assert verdict.ok, str(verdict)
    assert verdict.ticks == TICKS
    assert str(verdict) == f"ok: {TICKS} ticks identical"


def test_a_recording_is_a_header_then_one_line_per_tick_then_an_end_marker(tmp_path: Path):
    ticks = 2 * FULL_EVERY + 5
    path, played = record_busy_game(tmp_path, ticks)
    lines = lines_of(path)
    assert len(lines) == 1 + ticks + 1

    header = json.loads(lines[0])
    assert header["snakepit_replay"] == 1
    assert header["arena"] == "busy"
    assert header["seed"] == 11
    assert header["config"]["width"] == BUSY.width and header["config"]["corpse_ttl"] == 40
    assert header["tick_rate"] == 10 and header["start_tick"] == 0
    assert header["full_every"] == FULL_EVERY
    assert header["start_full"] == full_digest(World(BUSY, seed=11))[0]

    for number, (line, (intents, report)) in enumerate(zip(lines[1:-1], played), start=1):
        tick, recorded, digest, *full = json.loads(line)
        assert tick == report.tick == number
        assert len(recorded) == len(intents)
        assert len(digest) == 16
        if tick % FULL_EVERY == 0:  # the full digest, and one per part of the state
            assert len(full[0]) == 16 and len(full[1]) == 4 * len(PARTS)
        else:
            assert full == []

    end = json.loads(lines[-1])
    assert end["ticks"] == ticks
    assert len(end["full"]) == 16 and len(end["parts"]) == 4 * len(PARTS)
    people, bots = read(path).players()
    assert end["people"] == people and end["bots"] == bots
    assert people and all(name.startswith("player") for name in people)
    assert bots and all(name.startswith("bot") for name in bots)


def test_intents_are_recorded_exactly_as_they_entered_the_engine(tmp_path: Path):
    path, played = record_busy_game(tmp_path, 120)
    recording = read(path)
    assert [list(t.intents) for t in recording.ticks] == [intents for intents, _ in played]


class FakeWriter:
    """Stands in for the disk writer: keeps what it was asked to write, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[Path, bytes, bool]] = []

    def append(self, path: Path, data: bytes, *, create: bool = False) -> None:
        self.calls.append((path, data, create))


def test_the_recorder_hands_the_writer_one_batch_per_batch_of_ticks_and_never_a_file(
        tmp_path: Path):
    writer = FakeWriter()
    world = World(BUSY, seed=1)
    recorder = Recorder(tmp_path / "x.jsonl", world, arena="a", tick_rate=10,
                        writer=writer, batch=10)  # type: ignore[arg-type]
    assert [c[2] for c in writer.calls] == [True]  # the header, as a new file
    for _ in range(25):
        intents = [Join(1, "Ann")] if world.tick == 0 else []
        recorder.record(world.step(intents).tick, intents, world)
    assert [c[1].count(b"\n") for c in writer.calls[1:]] == [10, 10]
    recorder.close()
    assert [c[1].count(b"\n") for c in writer.calls[1:]] == [10, 10, 5 + 1]
    assert not (tmp_path / "x.jsonl").exists()  # only the writer touches the disk
    recorder.close()
    recorder.record(26, [], world)
    assert len(writer.calls) == 4  # nothing after the end


def test_a_recorder_only_starts_with_a_new_world(tmp_path: Path):
    world = World(BUSY, seed=1)
    world.step([])
    try:
        Recorder(tmp_path / "x.jsonl", world, arena="a", tick_rate=10,
                 writer=FakeWriter())  # type: ignore[arg-type]
    except ValueError as exc:
        assert "tick 0" in str(exc)
    else:
        raise AssertionError("a recorder accepted a world already under way")


def test_two_replays_of_the_same_recording_store_everything_in_the_same_order():
    """The digest reads the world in storage order: the same seed and intents give the same
    digests tick for tick, and the digest follows every part of the fingerprint."""
    import random

    worlds = [World(BUSY, seed=3), World(BUSY, seed=3)]
    rng = random.Random(2)
    refs = [0]
    assert len(worlds[0].fingerprint()) == len(PARTS), "a new part of the state: digest it"
    for _ in range(200):
        intents = busy_intents(worlds[0], rng, refs)
        for world in worlds:
            world.step(intents)
        assert tick_digest(worlds[0]) == tick_digest(worlds[1])
        assert full_digest(worlds[0]) == full_digest(worlds[1])


def test_the_per_tick_digest_sees_every_change_to_a_snake_and_the_full_one_everything():
    import copy
    import random

    world = World(BUSY, seed=3)
    rng = random.Random(2)
    refs = [0]
    for _ in range(150):
        world.step(busy_intents(world, rng, refs))
    assert world.snakes and world.digits and world.stones

    def changed(change) -> tuple[bool, list[str]]:
        """Whether the per-tick digest sees ``change``, and the full parts that do."""
        other = copy.deepcopy(world)
        change(other)
        full, parts = full_digest(other)
        assert full != full_digest(world)[0]
        return tick_digest(other) != tick_digest(world), differing_parts(
            full_digest(world)[1], parts)

    snake = min(world.snakes)
    some_digit = next(iter(world.digits))
    free = next((x, y) for x in range(BUSY.width) for y in range(BUSY.height)
                if (x, y) not in world.digits and (x, y) not in world.occupancy
                and (x, y) not in world.stones)
    some_stone = next(iter(world.stones))
    assert changed(lambda w: setattr(w.snakes[snake], "score", 1000)) == (True, ["snakes"])
    assert changed(lambda w: w.snakes[snake].turns.append(
        w.snakes[snake].direction)) == (True, ["snakes"])
    assert changed(lambda w: setattr(w.snakes[snake], "grow", 7)) == (True, ["snakes"])
    # A digit moved elsewhere, a stone that crumbles later, the generator one draw on:
    # the counts stay, so only the full digest sees them.
    assert changed(lambda w: w.digits.__setitem__(free, w.digits.pop(some_digit))) == (
        False, ["digits"])
    assert changed(lambda w: w.stones.__setitem__(some_stone, 10**6)) == (False, ["stones"])
    assert changed(lambda w: w.rng.random()) == (False, ["random generator"])


def test_a_tick_that_never_reached_the_recorder_ends_the_recording_where_it_was_whole(
        tmp_path: Path):
    """A tick that failed in the engine (the game loop logs it and goes on) cannot be
    re-simulated: the recording stops before it, readable, without an end marker."""
    writer = FakeWriter()
    world = World(BUSY, seed=1)
    recorder = Recorder(tmp_path / "x.jsonl", world, arena="a", tick_rate=10,
                        writer=writer, batch=100)  # type: ignore[arg-type]
    for _ in range(5):
        recorder.record(world.step([]).tick, [], world)
    world.step([])  # tick 6 failed half-way: never recorded
    recorder.record(world.step([]).tick, [], world)
    assert recorder.closed and recorder.ticks == 5
    (tmp_path / "x.jsonl").write_bytes(b"".join(c[1] for c in writer.calls))
    recording = read(tmp_path / "x.jsonl")
    assert (recording.last_tick, recording.end) == (5, None)
    assert verify(recording).ok
