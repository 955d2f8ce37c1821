"""The folder of recordings: ids that cannot name another file, retention, the list, and
the viewer's windows of a recording."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from replay_helpers import BUSY, record_busy_game

from snakepit.engine import Join, World
from snakepit.protocol import frames as wire
from snakepit.replay import BadReplayId, DiskWriter, Replayer, ReplayLibrary, read
from snakepit.replay.library import is_replay_id


@pytest.mark.parametrize("text", [
    "..", "../etc/passwd", "..%2F..%2Fetc", "20261125-143012-pit-1-3fa9c2.jsonl",
    "20261125-143012-../x-3fa9c2", "20261125-143012-Pit-1-3fa9c2", "", "/etc/passwd",
    "20261125-143012-pit-1-3fa9c2/../../x", "20261125-143012-pit-1-3FA9C2",
    "20261125-143012-pit-1-3fa9c2\n",
])
def test_only_exact_recording_ids_become_paths(tmp_path: Path, text: str):
    library = ReplayLibrary(tmp_path)
    assert not is_replay_id(text)
    with pytest.raises(BadReplayId):
        library.path(text)


def test_a_recording_id_names_a_file_in_the_folder(tmp_path: Path):
    library = ReplayLibrary(tmp_path)
    assert library.path("20261125-143012-pit-1-3fa9c2") == (
        tmp_path / "20261125-143012-pit-1-3fa9c2.jsonl")


def start_and_close(library: ReplayLibrary, arena: str, *, player: str | None = "Ann") -> str:
    """Record one tick in which ``player`` (a person; None: nobody) joins, then close."""
    world = World(BUSY, seed=1)
    recorder = library.start(arena, world, tick_rate=10)
    intents = [Join(0, player)] if player is not None else []
    recorder.record(world.step(intents).tick, intents, world)
    recorder.close()
    return recorder.id


def old_files(folder: Path, count: int) -> list[str]:
    """``count`` finished recordings older than any made now, and a file of someone else's."""
    names = [f"20260101-00000{i}-old-00000{i}.jsonl" for i in range(count)]
    for name in names:
        (folder / name).write_text("{}\n")
    (folder / "notes.txt").write_text("mine")
    return names


def test_nothing_is_deleted_when_recordings_start(tmp_path: Path):
    writer = DiskWriter()
    library = ReplayLibrary(tmp_path, keep=2, writer=writer)
    old = old_files(tmp_path, 3)
    live = [library.start(f"open{i}", World(BUSY, seed=1), tick_rate=10) for i in range(6)]
    writer.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*old, "notes.txt", *(f"{r.id}.jsonl" for r in live)])


def test_when_a_persons_recording_ends_the_newest_finished_ones_are_kept(tmp_path: Path):
    writer = DiskWriter()
    library = ReplayLibrary(tmp_path, keep=3, writer=writer)
    old = old_files(tmp_path, 5)
    live = [library.start(f"live{i}", World(BUSY, seed=1), tick_rate=10) for i in range(4)]
    newer = [start_and_close(library, f"a{i}") for i in range(2)]
    library.close()

    # Recordings being written are neither deleted nor counted: the newest 3 finished
    # ones are the two new games and the newest old file.
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([*(f"{r.id}.jsonl" for r in live), *(f"{i}.jsonl" for i in newer),
                           old[-1], "notes.txt"])

    # A library that records nothing (a restart) counts every file as finished.
    everything = sorted([old[-1].removesuffix(".jsonl"), *newer, *(r.id for r in live)])
    library = ReplayLibrary(tmp_path, keep=1)
    assert library.prune() == everything[:-1]
    assert library.ids() == everything[-1:]


def test_a_recording_nobody_played_in_is_deleted_as_it_ends(tmp_path: Path):
    writer = DiskWriter()
    library = ReplayLibrary(tmp_path, keep=0, writer=writer)
    kept = start_and_close(library, "played")
    world = World(BUSY, seed=1)
    bots_only = library.start("bots", world, tick_rate=10)
    intents = [Join(-1, "Bot")]
    bots_only.record(world.step(intents).tick, intents, world)
    bots_only.close()
    empty = start_and_close(library, "empty", player=None)
    library.close()
    assert library.ids() == [kept]
    assert empty not in library.ids()


def test_keep_0_keeps_every_recording_somebody_played_in(tmp_path: Path):
    library = ReplayLibrary(tmp_path, keep=0)
    ids = [start_and_close(library, f"a{i}") for i in range(4)]
    library.close()
    assert sorted(library.ids()) == sorted(ids)


def test_the_list_says_what_each_recording_is_newest_first(tmp_path: Path):
    path, _ = record_busy_game(tmp_path, 120)
    library = ReplayLibrary(tmp_path)
    live = library.start("open", World(BUSY, seed=2), tick_rate=10)
    (summary_live, summary), = [library.summaries()]
    assert summary_live.id == live.id and summary_live.live and not summary_live.complete
    assert summary.id == path.stem
    people, bots = read(path).players()
    assert summary.as_json() == {
        "id": path.stem, "arena": "busy", "started": read(path).header.started_at,
        "ticks": 120, "seconds": 12.0, "players": people, "bots": bots, "live": False,
        "complete": True,
    }
    live.close()
    library.close()


def test_a_recording_cut_short_is_listed_from_its_lines(tmp_path: Path):
    path, _ = record_busy_game(tmp_path, 80)
    data = path.read_bytes()
    path.write_bytes(data[:data.index(b"\n[61,") + 9])  # a crash in the middle of tick 61
    summary = ReplayLibrary(tmp_path).summary(path.stem)
    assert summary is not None
    assert (summary.ticks, summary.complete, summary.live) == (60, False, False)


def test_an_unreadable_file_is_left_out_of_the_list(tmp_path: Path):
    (tmp_path / "20260101-000000-x-000000.jsonl").write_text("garbage\n")
    assert ReplayLibrary(tmp_path).summaries() == []


# -- the viewer's windows ------------------------------------------------------------------


def test_a_window_holds_the_frames_live_clients_got_from_the_snapshot_at_its_start(
        tmp_path: Path):
    path, played = record_busy_game(tmp_path, 1200)
    recording = read(path)
    world = World(recording.header.config, seed=recording.header.seed)
    snapshots, frames = {}, {}
    bots: set[int] = set()
    for intents, _ in played:
        report = world.step(intents)
        bots |= {s.snake_id for s in report.spawns if s.ref < 0}
        bots -= {d.snake_id for d in report.deaths}
        frames[report.tick] = wire.frame(report, world, 0, None, bots)
        snapshots[report.tick] = wire.snapshot(world, 0, bots)
    assert any(s.bot for f in frames.values() for s in f.spawns)

    replayer = Replayer(recording)
    # forwards, across checkpoints, backwards, and past the end
    for start, count in ((0, 700), (1000, 100), (650, 3), (5, 10), (1150, 500)):
        snapshot, got = replayer.window(start, count)
        if start:
            assert snapshot == snapshots[start]
        assert snapshot.tick == start
        assert [f.tick for f in got] == list(range(start + 1, min(1200, start + count) + 1))
        assert [msgspec.structs.replace(f, at=0) for f in got] == [
            frames[f.tick] for f in got]


def test_the_library_serves_windows_as_json(tmp_path: Path):
    path, _ = record_busy_game(tmp_path, 300)
    body = json.loads(ReplayLibrary(tmp_path).window(path.stem, 100, 50))
    assert (body["id"], body["arena"], body["ticks"], body["from"]) == (path.stem, "busy",
                                                                       300, 100)
    assert (body["width"], body["height"], body["tick_rate"]) == (30, 20, 10)
    assert body["snapshot"]["type"] == "snapshot" and body["snapshot"]["tick"] == 100
    assert [f["tick"] for f in body["frames"]] == list(range(101, 151))
    assert body["live"] is False and body["people"]
    with pytest.raises(FileNotFoundError):
        ReplayLibrary(tmp_path).window("20260101-000000-x-000000", 0, 1)


def test_a_long_recording_keeps_a_bounded_number_of_world_copies(tmp_path: Path,
                                                                   monkeypatch):
    from snakepit.replay import viewer

    monkeypatch.setattr(viewer, "CHECKPOINT_EVERY", 10)
    monkeypatch.setattr(viewer, "MAX_CHECKPOINTS", 8)
    path, _ = record_busy_game(tmp_path, 400)
    replayer = Replayer(read(path))
    snapshot, _ = replayer.window(400, 0)
    assert len(replayer._checkpoints) <= 8
    assert snapshot == replayer.window(400, 0)[0]
    early, frames = replayer.window(3, 5)  # seeking back still works
    assert early.tick == 3 and [f.tick for f in frames] == [4, 5, 6, 7, 8]
