"""Games waiting for a resume count against the per-address cap (issue 29, row 7).

A player whose connection drops keeps its snake in the world for the resume grace: a ghost.
Each address may hold ``max_connections_per_address`` games (open ones plus ghosts); a new
game past that ends the address's oldest ghost, so joining, dropping and rejoining in a loop
never fills the world from one address, and nobody is locked out by their own ghosts. Every
test here plays on real sockets from 127.0.0.1 (and 127.0.0.2, another address)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp
import pytest

from snakepit.client import Connection
from snakepit.settings import Settings

from .playing import play, until

CAP = 3


@pytest.fixture
def settings(tmp_path, request) -> Settings:
    values = {"max_connections_per_address": CAP, "resume_grace": 60.0}
    values.update(getattr(request, "param", {}))
    return Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, bots=0, **values)


def drop(conn: Connection) -> None:
    """Lose the connection as a network would: no close frame, the socket just goes."""
    conn.ws._response.connection.transport.abort()


async def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``check()`` holds (the server notices a dropped socket within a moment)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "the condition never came true"
        await asyncio.sleep(0.02)


def names_in_play(hub) -> list[str]:
    """The players in the arenas: games on open connections and ghosts alike."""
    return sorted(c.name for r in hub.arenas.runners.values() for c in r.clients.values())


@pytest.fixture
async def connect_from(server):
    """Open connections from a given local address (127.0.0.x), closed after the test."""
    opened: list[Connection] = []

    async def open_(address: str) -> Connection:
        http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)))
        try:
            ws = await http.ws_connect(str(server.make_url("/ws")), autoclose=False)
        except BaseException:
            await http.close()
            raise
        opened.append(Connection(http, ws))
        return opened[-1]

    yield open_
    for conn in opened:
        await conn.close()


async def drop_and_wait(server, conn: Connection) -> None:
    """Drop ``conn`` and wait until the server has noticed (its socket is gone)."""
    before = len(server.app.sockets)
    drop(conn)
    await eventually(lambda: len(server.app.sockets) < before)


async def resume(conn: Connection, name: str, token: str):
    """Say hello with ``token``; the welcome that answers (its token is ``token`` if the game
    was resumed, a new one if it started afresh)."""
    await conn.hello(name, resume=token)
    return await until(conn, "welcome")


# Row 7: join, drop, rejoin (a resume pending for the dropped game), in a loop.
async def test_joining_dropping_and_rejoining_in_a_loop_never_holds_more_games_than_the_cap(
        server, hub, connect):
    for n in range(3 * CAP):
        conn = await connect(f"Loop{n}")  # upgraded every time: ghosts lock nobody out
        await play(conn)
        await drop_and_wait(server, conn)
        assert len(names_in_play(hub)) <= CAP
    # The youngest ghosts are the ones left, each still waiting for its resume.
    assert names_in_play(hub) == [f"Loop{n}" for n in range(2 * CAP, 3 * CAP)]


async def test_at_the_cap_a_new_game_ends_the_oldest_ghost_of_its_address(
        server, hub, connect, connect_from):
    ghosts = {}
    for name in ("Ada", "Bob", "Cy"):
        conn = await connect(name)
        await play(conn)
        ghosts[name] = conn.welcome.token
        await drop_and_wait(server, conn)
    newcomer = await connect("Dee")  # three ghosts, no open game: the cap is reached
    await play(newcomer)
    assert names_in_play(hub) == ["Bob", "Cy", "Dee"]  # Ada's snake is gone
    # Ada's game is over: its token starts afresh (from another address, whose cap is its own).
    elsewhere = await connect_from("127.0.0.2")
    welcome = await resume(elsewhere, "Ada", ghosts["Ada"])
    assert welcome.token != ghosts["Ada"]
    # Bob's is not: it comes back to the same game, and nobody else is ended for it.
    back = await connect()
    welcome = await resume(back, "Bob", ghosts["Bob"])
    assert welcome.token == ghosts["Bob"]
    assert names_in_play(hub) == ["Ada", "Bob", "Cy", "Dee"]


async def test_a_resume_within_the_grace_moves_the_seat_and_counts_once(server, hub, connect):
    ada = await connect("Ada")
    await play(ada)
    token = ada.welcome.token
    await drop_and_wait(server, ada)
    back = await connect()
    welcome = await resume(back, "Ada", token)
    assert welcome.token == token
    await until(back, "snapshot")
    addresses = server.app.connections.addresses
    assert (addresses.seats("127.0.0.1"), addresses.ghosts("127.0.0.1")) == (1, 0)
    # Two more games fill the address exactly: nobody is ended, and the next socket is refused.
    others = [await connect(name) for name in ("Bob", "Cy")]
    for conn in others:
        await play(conn)
    assert names_in_play(hub) == ["Ada", "Bob", "Cy"]
    assert addresses.seats("127.0.0.1") == CAP
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await connect()
    assert refused.value.status == 429


@pytest.mark.parametrize("settings", [{"max_connections_per_address": 1}], indirect=True)
async def test_with_a_cap_of_one_a_player_still_gets_its_own_game_back(server, hub, connect):
    ada = await connect("Ada")
    await play(ada)
    token = ada.welcome.token
    await drop_and_wait(server, ada)
    back = await connect()  # the address's only seat is Ada's own ghost
    welcome = await resume(back, "Ada", token)
    assert welcome.token == token
    assert names_in_play(hub) == ["Ada"]


async def test_a_resume_from_another_address_takes_the_seat_there(
        server, hub, connect, connect_from):
    ada = await connect("Ada")
    await play(ada)
    token = ada.welcome.token
    await drop_and_wait(server, ada)
    back = await connect_from("127.0.0.2")  # the phone left the Wi-Fi for the mobile network
    welcome = await resume(back, "Ada", token)
    assert welcome.token == token
    addresses = server.app.connections.addresses
    assert (addresses.seats("127.0.0.1"), addresses.seats("127.0.0.2")) == (0, 1)


@pytest.mark.parametrize("settings", [{"resume_grace": 2.0}], indirect=True)
async def test_a_ghost_whose_grace_ends_gives_its_seat_back(server, hub, connect):
    ada = await connect("Ada")
    await play(ada)
    await drop_and_wait(server, ada)
    addresses = server.app.connections.addresses
    assert (addresses.seats("127.0.0.1"), addresses.ghosts("127.0.0.1")) == (1, 1)
    await eventually(lambda: names_in_play(hub) == [])  # the grace is over: Ada's game ends
    assert addresses.seats("127.0.0.1") == 0
    # The whole cap is free again: as many games as the cap, none ended for another.
    players = [await connect(name) for name in ("Bob", "Cy", "Dee")]
    for conn in players:
        await play(conn)
    assert names_in_play(hub) == ["Bob", "Cy", "Dee"]
