"""Recording through a real server: games played over real sockets are recorded, verify
tick for tick, and play back as exactly the frames their watchers got; the HTTP API lists
recordings and refuses anything that is not a recording id."""

from __future__ import annotations

import asyncio
import json
import random

import aiohttp
import msgspec
import pytest
from replay_helpers import until
from yarl import URL

from snakepit.client import Connection
from snakepit.client.autopilot import safe_directions, toward_digit
from snakepit.protocol.messages import Frame, Snapshot
from snakepit.replay import read, verify
from snakepit.settings import Settings

TICKS = 300


def plain(message: msgspec.Struct) -> dict:
    """A message as JSON values, without what a replay cannot know (time, watchers)."""
    value = msgspec.json.decode(msgspec.json.encode(message))
    value.pop("at", None)
    value.pop("watchers", None)
    return value


async def play_until(conn: Connection, name: str, last_tick: int, seed: int) -> None:
    """Join; steer (toward digits, sometimes at random) on every frame; join again after
    each death, until ``last_tick``."""
    rng = random.Random(seed)
    await conn.join()
    joining = True
    while True:
        message = await conn.receive()
        if type(message).__name__ == "Spawned":
            joining = False
        if not isinstance(message, Frame):
            continue
        if message.tick >= last_tick:
            return
        if conn.snake_id is None and not joining:
            await conn.join()
            joining = True
        elif conn.snake_id in conn.view.snakes:
            safe = safe_directions(conn.view, conn.snake_id)
            direction = (rng.choice(safe) if safe and rng.random() < 0.2
                         else toward_digit(conn.view, conn.snake_id))
            if direction and direction != conn.view.snakes[conn.snake_id].dir:
                await conn.turn(direction)


async def watch_until(conn: Connection, last_tick: int) -> dict[int, Frame | Snapshot]:
    """Every snapshot and frame ``conn`` receives, by tick, until ``last_tick``."""
    seen: dict[int, Frame | Snapshot] = {}
    while True:
        message = await conn.receive()
        if isinstance(message, Frame | Snapshot):
            seen[message.tick] = message
            if message.tick >= last_tick:
                return seen


async def get_json(server, path: str, status: int = 200):
    async with aiohttp.ClientSession() as http, http.get(server.make_url(path)) as response:
        assert response.status == status, await response.text()
        return await response.json()


@pytest.fixture
def settings(tmp_path) -> Settings:
    # Two bots join the two people: bots' joins are recorded too, with negative refs.
    return Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, bots=4)


async def test_a_game_over_real_sockets_is_recorded_verifies_and_replays_as_watched(
        server, hub, connect):
    watcher = await connect()
    await watcher.hello("Watcher")
    watching = asyncio.create_task(watch_until(watcher, TICKS))
    players = [await connect(name) for name in ("Ann", "Bob")]
    arena = hub.arenas.get("pit-1")
    assert arena is not None and arena.recorder is not None
    last = TICKS
    seen, *_ = await asyncio.wait_for(asyncio.gather(
        watching,
        *(play_until(p, f"P{i}", last, seed=i) for i, p in enumerate(players))), 60)

    # While the arena runs, the list shows its recording as live.
    listed = (await get_json(server, "/api/replays"))["replays"]
    assert [(r["id"], r["arena"], r["live"]) for r in listed] == [
        (arena.recorder.id, "pit-1", True)]
    assert {"Ann", "Bob", "Watcher"} >= set(listed[0]["players"]) >= {"Ann", "Bob"}
    assert len(listed[0]["bots"]) >= 2

    await players[0].close()  # Ann's snake leaves the world: a recorded leave
    await until(watcher, "frame", lambda f: any(d[1] == "left" for d in f.deaths))
    recorder = arena.recorder
    await server.close()  # the last tick, the end marker, the disk

    path = hub.replays.path(recorder.id)
    recording = read(path)
    assert recording.end is not None and recording.end.ticks == arena.world.tick
    people, bots = recording.players()
    assert {"Ann", "Bob"} <= set(people) and len(bots) >= 2
    verdict = verify(path)
    assert verdict.ok, str(verdict)
    assert verdict.ticks == arena.world.tick > TICKS

    # Played back, the recording is what the watcher saw: its snapshot, then every frame.
    start = min(seen)
    body = json.loads(hub.replays.window(recorder.id, start, last - start))
    assert body["snapshot"]["tick"] == start
    replayed = {f["tick"]: f for f in body["frames"]}
    assert plain(seen[start]) == {k: v for k, v in body["snapshot"].items()
                                  if k != "watchers"}
    for tick in range(start + 1, last + 1):
        expected = {k: v for k, v in replayed[tick].items() if k not in ("at", "watchers")}
        assert plain(seen[tick]) == expected, f"tick {tick}"
    assert any(s.get("bot") for f in body["frames"] for s in f.get("spawns", [])) or any(
        s.get("bot") for s in body["snapshot"]["snakes"])


async def test_the_viewer_api_serves_a_live_recording_in_windows(server, hub, connect):
    player = await connect("Ann")
    await player.join()
    arena = hub.arenas.get("pit-1")
    assert arena is not None and arena.recorder is not None
    await until(player, "frame", lambda f: f.tick > 150)
    await asyncio.to_thread(hub.replays.writer.wait)  # the batches handed over are on disk

    body = await get_json(server, f"/api/replays/{arena.recorder.id}?from=20&count=30")
    assert (body["arena"], body["from"], body["live"]) == ("pit-1", 20, True)
    assert body["snapshot"]["type"] == "snapshot"
    assert [f["tick"] for f in body["frames"]] == list(range(21, 51))
    assert body["ticks"] >= 100 and "Ann" in body["people"]


@pytest.mark.parametrize("raw_path, status", [
    ("/api/replays/..", 404),  # the client sends /api/: the router knows no such page
    ("/api/replays/..%2F..%2Fscores.sqlite3", 400),
    ("/api/replays/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 400),
    ("/api/replays/20261125-143012-pit-1-3fa9c2.jsonl", 400),
    ("/api/replays/20261125-143012-..-3fa9c2", 400),
    ("/api/replays/scores.sqlite3", 400),
    ("/api/replays/20261125-143012-pit-1-3fa9c2", 404),
    ("/api/replays/20261125-143012-pit-1-3fa9c2?from=x", 400),
    ("/api/replays?limit=all", 400),
])
async def test_the_api_refuses_anything_but_a_recording_id(server, raw_path, status):
    async with aiohttp.ClientSession() as http:
        url = server.make_url("/").join(URL(raw_path, encoded=True))
        async with http.get(url) as response:
            assert response.status == status
            assert "sqlite" not in (await response.text()).lower()


async def test_an_arena_that_closes_when_empty_ends_its_recording(snakepit_server, tmp_path):
    from snakepit.server import create_app

    settings = Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, bots=0,
                        arena_grace=0.2)
    server = await snakepit_server(create_app(settings))
    conn = await Connection.open(str(server.make_url("/ws")))
    await conn.hello("Ann")
    await conn.join()
    await until(conn, "frame", lambda f: f.tick > 60)
    hub = server.app.hub
    recorder = hub.arenas.get("pit-1").recorder
    await conn.close()
    for _ in range(100):
        await asyncio.sleep(0.05)
        if hub.arenas.get("pit-1") is None:
            break
    assert hub.arenas.get("pit-1") is None and recorder.closed
    assert await asyncio.to_thread(hub.replays.writer.wait)  # the end marker is on disk
    assert verify(hub.replays.path(recorder.id)).ok
    assert read(hub.replays.path(recorder.id)).end is not None


async def test_with_recording_off_nothing_is_recorded(snakepit_server, tmp_path):
    from snakepit.server import create_app

    settings = Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, bots=0,
                        record=False)
    server = await snakepit_server(create_app(settings))
    conn = await Connection.open(str(server.make_url("/ws")))
    await conn.hello("Ann")
    await conn.join()
    await until(conn, "frame", lambda f: f.tick > 30)
    assert server.app.hub.arenas.get("pit-1").recorder is None
    await conn.close()
    await server.close()
    assert not (tmp_path / "data" / "replays").exists()
