"""Many arenas in one process: matchmaking, named arenas, spectators, closing, the list."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from snakepit.settings import Settings

from .playing import play, until


@pytest.fixture
def settings(tmp_path) -> Settings:
    # Every test client comes from 127.0.0.1: no per-address limit on naming arenas here
    # (test_arena_limits.py is about those).
    return Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, max_players=2,
                    bots=0, arena_grace=0.2, max_arenas=4, arenas_per_address=0,
                    new_arenas_per_minute=0)


async def arenas_list(server) -> list[dict]:
    async with aiohttp.ClientSession() as http:
        async with http.get(server.make_url("/api/arenas")) as response:
            assert response.status == 200
            return (await response.json())["arenas"]


async def until_closed(hub, name: str) -> None:
    """Wait (at most 10 s) until the arena ``name`` has closed."""
    async def closed() -> None:
        while hub.arenas.get(name) is not None:
            await asyncio.sleep(0.05)
    await asyncio.wait_for(closed(), 10)


async def test_matchmaking_fills_an_arena_before_opening_another(connect):
    first, second = await connect("First"), await connect("Second")
    assert first.welcome.arena == second.welcome.arena == "pit-1"
    await play(first)
    await play(second)
    third = await connect("Third")
    assert third.welcome.arena == "pit-2"


async def test_matchmaking_picks_the_fullest_arena_that_has_room(connect):
    a, b = await connect("A"), await connect("B")
    await play(a)
    await play(b)  # pit-1 is full
    c = await connect("C")
    await play(c)  # pit-2 has one player
    await a.close()  # pit-1 has one player again, and is older
    d = await connect("D")
    assert d.welcome.arena in {"pit-1", "pit-2"}
    await play(d)
    e = await connect("E")
    assert e.welcome.arena in {"pit-1", "pit-2"} - {d.welcome.arena}


async def test_joining_a_public_arena_that_filled_up_moves_the_player_to_one_with_room(connect):
    watcher = await connect("Watcher")
    assert watcher.welcome.arena == "pit-1"
    a, b = await connect("A"), await connect("B")
    await play(a)
    await play(b)
    await watcher.join()
    welcome = await until(watcher, "welcome")
    assert welcome.arena == "pit-2"
    await until(watcher, "spawned")


async def test_a_named_arena_is_shared_by_its_name_and_ignored_by_matchmaking(connect):
    host = await connect("Host", arena="Friday-Night")
    guest = await connect("Guest", arena="friday-night")
    assert host.welcome.arena == guest.welcome.arena == "friday-night"
    stranger = await connect("Stranger")
    assert stranger.welcome.arena == "pit-1"


@pytest.mark.parametrize("name", ["", "-x", "a b", "x" * 33, "<script>", "pit/1"])
async def test_a_bad_arena_name_is_refused(connect, name):
    conn = await connect()
    await conn.hello("Namer", arena=name)
    error = await until(conn, "error")
    assert error.code == "bad-arena"


async def test_the_number_of_named_arenas_is_capped(connect):
    for i in range(4):
        await connect(f"P{i}", arena=f"room{i}")
    conn = await connect()
    await conn.hello("Late", arena="room9")
    error = await until(conn, "error")
    assert error.code == "no-arena"


async def test_an_empty_arena_closes_after_the_grace_period(connect, server, hub):
    conn = await connect("Visitor", arena="brief")
    assert "brief" in {a["id"] for a in await arenas_list(server)}
    await conn.close()
    await until_closed(hub, "brief")
    assert "brief" not in {a["id"] for a in await arenas_list(server)}
    # Naming it again opens a fresh one.
    again = await connect("Again", arena="brief")
    assert again.welcome.arena == "brief"


async def test_matchmaking_numbers_a_new_arena_with_the_lowest_free_number(connect, hub):
    a, b = await connect("A"), await connect("B")
    await play(a)
    await play(b)
    c = await connect("C")
    assert c.welcome.arena == "pit-2"
    await a.close()
    await b.close()
    await until_closed(hub, "pit-1")
    await play(c)
    d = await connect("D")
    await play(d)  # pit-2 is full again, pit-1 is gone
    e = await connect("E")
    assert e.welcome.arena == "pit-1"


async def test_spectators_are_counted_get_the_same_frames_and_cannot_steer(connect):
    player = await connect("Player", arena="show")
    snake_id = await play(player)
    spectator = await connect("Fan", arena="show")
    frame = await until(player, "frame", lambda f: f.watchers == 1)
    assert frame.watchers == 1
    # A spectator's turn is ignored quietly: no snake of its own, no error, frames go on.
    await spectator.turn("left")
    tick = spectator.view.tick
    await until(spectator, "frame", lambda f: spectator.view.tick >= tick + 5)
    assert spectator.snake_id is None
    assert snake_id in spectator.view.snakes
    assert spectator.view.snakes.keys() == player.view.snakes.keys()
    await spectator.close()
    await until(player, "frame", lambda f: f.watchers == 0)


async def test_watch_moves_a_spectator_to_another_arena(connect):
    conn = await connect("Roamer", arena="one")
    await conn.watch("two")
    welcome = await until(conn, "welcome")
    assert welcome.arena == "two"
    snapshot = await until(conn, "snapshot")
    assert snapshot.watchers == 1


async def test_the_arena_list_gives_players_spectators_and_the_best_score(connect, server):
    player = await connect("Player", arena="listed")
    await play(player)
    await connect("Fan", arena="listed")
    arenas = {a["id"]: a for a in await arenas_list(server)}
    assert arenas["listed"]["players"] == 1
    assert arenas["listed"]["spectators"] == 1
    assert arenas["listed"]["public"] is False
    assert arenas["listed"]["best"] == 0


async def test_arenas_tick_at_different_phases_within_the_period(hub):
    period = 1 / hub.settings.tick_rate
    runners = [hub.arenas.named(f"phase{i}") for i in range(4)]
    phases = [r.phase for r in runners]
    assert all(0 <= p < period for p in phases)
    assert len(set(phases)) == len(phases)
