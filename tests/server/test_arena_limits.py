"""Naming new arenas is bounded per address, and nothing else pays for it (issue 29, row 11):
one client that names fresh arenas as fast as it can gets ``arena-limit`` after its
allowance, while newcomers still get a public arena, a player leaving a full public arena
still finds one, finished games' recordings stay, and no ArenaError escapes a session.
Every test talks to a real server over real sockets on 127.0.0.1 (one address)."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

import aiohttp
import pytest

from snakepit.client import Connection
from snakepit.protocol.messages import Ping
from snakepit.server import create_app
from snakepit.settings import Settings

from .playing import play, until


def limited(tmp_path, **changes) -> Settings:
    """The test server's settings with ``changes``; the arena limits are the defaults
    (4 arenas held, 10 new ones a minute per address) unless changed."""
    values = {"data_dir": tmp_path / "data", "tick_rate": 50, "seed": 7, "port": 0,
              "bots": 0}
    return Settings(**(values | changes))


async def name_arena(conn, arena: str):
    """Ask for ``arena`` (hello until welcomed, watch after); the welcome or the error."""
    if conn.welcome is None:
        await conn.hello("Namer", arena=arena)
    else:
        await conn.watch(arena)
    return await answer(conn)


async def answer(conn):
    """The next welcome or error."""
    while True:
        message = await asyncio.wait_for(conn.receive(), 15)
        if type(message).__name__ in ("Welcome", "Error"):
            return message


@asynccontextmanager
async def opened(url: str, source: str = "127.0.0.1"):
    """A connection to ``url`` from the loopback address ``source``, closed at the end."""
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(source, 0)))
    try:
        ws = await session.ws_connect(url, autoclose=False)
    except BaseException:
        await session.close()
        raise
    conn = Connection(session, ws)
    try:
        yield conn
    finally:
        await conn.close()


async def still_answers(conn) -> None:
    await conn.send(Ping(t=7))
    await until(conn, "pong", lambda p: p.t == 7)


def no_handler_failed(caplog) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


@pytest.fixture
def settings(tmp_path) -> Settings:
    return limited(tmp_path)


async def test_one_address_may_hold_four_named_arenas_then_gets_arena_limit(connect, caplog):
    namer = await connect()
    names = [f"fresh-{i}" for i in range(6)]
    answers = [await name_arena(namer, names[0])]
    answers += [await name_arena(namer, name) for name in names[1:]]
    kinds = [type(a).__name__ for a in answers]
    assert kinds == ["Welcome"] * 4 + ["Error"] * 2
    assert {a.code for a in answers[4:]} == {"arena-limit"}
    assert "at most 4 from one address" in answers[4].message
    # Another connection from the same address is held to the same count ...
    other = await connect()
    await other.hello("Other", arena="fresh-9")
    refused = await answer(other)
    assert (type(refused).__name__, refused.code) == ("Error", "arena-limit")
    # ... but may enter the arenas already open, and always a public one.
    await other.hello("Other", arena="fresh-0")
    assert (await answer(other)).arena == "fresh-0"
    await still_answers(namer)
    no_handler_failed(caplog)


async def test_naming_a_closed_public_arena_counts_as_naming_a_new_arena(connect):
    namer = await connect()
    answers = [await name_arena(namer, "pit-40")]
    answers += [await name_arena(namer, f"pit-{40 + i}") for i in range(1, 5)]
    assert [getattr(a, "arena", None) for a in answers[:4]] == ["pit-40", "pit-41", "pit-42",
                                                               "pit-43"]
    assert answers[4].code == "arena-limit"


async def test_new_arenas_per_address_are_limited_in_rate_too(snakepit_server, tmp_path):
    app = create_app(limited(tmp_path, arenas_per_address=0, new_arenas_per_minute=2))
    server = await snakepit_server(app)
    async with opened(str(server.make_url("/ws"))) as namer:
        answers = [await name_arena(namer, "quick-0")]
        answers += [await name_arena(namer, f"quick-{i}") for i in range(1, 4)]
    assert [type(a).__name__ for a in answers] == ["Welcome", "Welcome", "Error", "Error"]
    assert answers[2].code == "arena-limit"
    assert "at most 2 a minute from one address" in answers[2].message


async def test_after_arena_limit_the_connection_stays_usable_and_may_join(connect, caplog):
    namer = await connect()
    await name_arena(namer, "mine-0")
    for i in range(1, 4):
        await name_arena(namer, f"mine-{i}")
    refused = await name_arena(namer, "mine-4")
    assert refused.code == "arena-limit"
    await namer.join()  # in mine-3, the last arena it entered
    spawned = await until(namer, "spawned")
    await until(namer, "frame", lambda f: any(s.id == spawned.snake for s in f.spawns))
    await still_answers(namer)
    assert not namer.ws.closed
    no_handler_failed(caplog)


async def test_a_newcomer_gets_a_public_arena_whatever_named_arenas_exist(
        snakepit_server, tmp_path, caplog):
    server = await snakepit_server(create_app(limited(tmp_path, max_arenas=4)))
    url = str(server.make_url("/ws"))
    namer = await Connection.open(url)
    newcomer = await Connection.open(url)
    try:
        await name_arena(namer, "taken-0")
        for i in range(1, 4):
            await name_arena(namer, f"taken-{i}")
        refused = await name_arena(namer, "taken-4")  # the server's cap or the address's
        assert refused.code in ("no-arena", "arena-limit")
        await newcomer.hello("Newcomer")
        welcome = await answer(newcomer)
        assert type(welcome).__name__ == "Welcome" and welcome.arena == "pit-1"
        await play(newcomer)
    finally:
        await namer.close()
        await newcomer.close()
    no_handler_failed(caplog)


async def test_leaving_a_full_public_arena_finds_room_when_the_named_arenas_are_at_the_cap(
        snakepit_server, tmp_path, caplog):
    """The path of the issue's traceback: a join in a full public arena moves the player to
    a new public arena, which the cap on named arenas must not refuse."""
    server = await snakepit_server(create_app(limited(tmp_path, max_arenas=2, max_players=1)))
    url = str(server.make_url("/ws"))
    first, second, namer = [await Connection.open(url) for _ in range(3)]
    try:
        await first.hello("First")
        await second.hello("Second")
        assert (await answer(first)).arena == (await answer(second)).arena == "pit-1"
        await play(first)  # pit-1 is full (one player)
        await name_arena(namer, "cap-0")
        await name_arena(namer, "cap-1")
        assert (await name_arena(namer, "cap-2")).code == "no-arena"
        await second.join()
        moved = await answer(second)
        assert type(moved).__name__ == "Welcome" and moved.arena == "pit-2"
        await until(second, "spawned")
        await still_answers(second)
    finally:
        for conn in (first, second, namer):
            await conn.close()
    no_handler_failed(caplog)


async def test_a_finished_games_recording_is_kept_however_many_arenas_are_opened(
        snakepit_server, tmp_path):
    app = create_app(limited(tmp_path, keep_recordings=1, arena_grace=0.2, max_arenas=8))
    server = await snakepit_server(app)
    hub = app.hub
    url = str(server.make_url("/ws"))
    async with opened(url) as player:
        await player.hello("Player", arena="final")
        welcome = await answer(player)
        replay = welcome.replay
        await play(player)
    await until_complete(server, replay)
    assert await status(server, f"/api/replays/{replay}") == 200

    codes = []
    for n in (1, 2, 3):  # three addresses, each naming arenas until refused
        async with opened(url, f"127.0.0.{n}") as namer:
            answers = [await name_arena(namer, f"flood-{n}-{i}") for i in range(6)]
            codes += [getattr(a, "code", "welcome") for a in answers]
    await asyncio.to_thread(hub.replays.writer.wait)
    assert await status(server, f"/api/replays/{replay}") == 200
    # 8 arenas opened (the cap), the rest refused by the cap or by their address's limit.
    assert codes.count("welcome") == 8
    assert {"arena-limit", "no-arena"} <= set(codes)
    listed = await get_json(server, "/api/replays")
    assert replay in {r["id"] for r in listed["replays"]}


async def until_complete(server, replay: str) -> None:
    """Wait (at most 20 s) until the list says recording ``replay`` has its end marker."""
    for _ in range(400):
        listed = (await get_json(server, "/api/replays"))["replays"]
        if any(r["id"] == replay and r["complete"] for r in listed):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"recording {replay} never ended: {listed}")


async def status(server, path: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(server.make_url(path)) as response:
        return response.status


async def get_json(server, path: str):
    async with aiohttp.ClientSession() as http, http.get(server.make_url(path)) as response:
        assert response.status == 200
        return await response.json()
