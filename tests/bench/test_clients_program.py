"""The bench's C clients (clients.c) against a real server. Watchers connect, count what a
watcher is sent, stay alive through the server's pings, and say goodbye with a close.
Players play: they are placed by matchmaking, steer (their turns timed until a frame shows
them), and join again after each death."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time

import pytest

from snakepit.bench.generators import clients_program
from snakepit.server import create_app
from snakepit.settings import Settings

pytestmark = pytest.mark.skipif(clients_program() is None,
                                reason="no C compiler or libwslay here")


async def run_clients(port: int, players: int, watchers: int, arenas: int,
                      seconds: float) -> dict:
    """Run the program with this many clients, measure ``seconds``, return its results."""
    program = clients_program()
    assert program is not None
    clients = await asyncio.create_subprocess_exec(
        str(program), "127.0.0.1", str(port), str(players), str(watchers), str(arenas), "0",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert clients.stdin is not None and clients.stdout is not None
    ready = (await clients.stdout.readline()).decode().split()
    assert ready == ["ready", str(players + watchers)]
    started = time.monotonic() + 0.3
    clients.stdin.write(f"go {started} {started + seconds}\n".encode())
    await clients.stdin.drain()
    result = json.loads(await asyncio.wait_for(clients.stdout.readline(), 30))
    assert await clients.wait() == 0
    return result


async def test_watchers_count_frames_answer_pings_and_close_when_done(snakepit_server, tmp_path):
    # Pings after 0.2-0.3 s of silence, and a connection that does not answer within half
    # that is aborted: a watcher that ignored pings would be gone long before the end.
    settings = Settings(data_dir=tmp_path / "data", tick_rate=50, seed=3, port=0, bots=0,
                        heartbeat=0.25, max_connections_per_address=0, max_http_per_address=0)
    server = await snakepit_server(create_app(settings))
    result = await run_clients(server.port, 0, 12, 3, 2.0)

    assert result["clients"] == 12 and result["spectators"] == 12 and result["errors"] == 0
    assert result["closed_by_server"] == 0, "a watcher was dropped: pings unanswered?"
    # 12 watchers, 50 frames a second for 2 s (give or take a tick at either end)...
    assert 12 * 95 <= result["frames"] <= 12 * 101
    # ...each with its time stamp, and every text message's bytes counted.
    assert sum(result["delay"].values()) == result["frames"]
    assert result["bytes"] > result["frames"] * 20
    # They said goodbye: the server has no connection left.
    connections = server.app.connections
    for _ in range(250):
        if not connections.open:
            break
        await asyncio.sleep(0.02)
    assert not connections.open


async def test_players_are_placed_steer_and_join_again_after_each_death(snakepit_server,
                                                                         tmp_path):
    # Eight players on a 14 x 10 board: they meet each other (and die) often, and a border
    # is never more than a few cells ahead, so every snake has to turn.
    settings = Settings(data_dir=tmp_path / "data", tick_rate=40, seed=5, port=0, bots=0,
                        width=14, height=10, max_players=8, max_connections_per_address=0,
                        max_http_per_address=0)
    server = await snakepit_server(create_app(settings))
    result = await run_clients(server.port, 8, 2, 1, 3.0)

    assert result["clients"] == 10 and result["players"] == 8 and result["errors"] == 0
    assert result["closed_by_server"] == 0
    # Every client read the frames (the watchers of pit-1, the players of their arena:
    # matchmaking put the eight in one) and stamped their delays.
    assert sum(result["delay"].values()) == result["frames"] > 0
    # Players turned, and saw their turns in frames: the input-to-frame latency was timed.
    assert sum(result["latency"].values()) > 0
    # They died and, answering each `died` with a `join`, played again: the store holds
    # more of their games than there are players.
    assert result["deaths"] > 0
    assert await games_stored(tmp_path / "data" / "scores.sqlite3", "p%") > 8


async def games_stored(path, names: str) -> int:
    """How many games of players named like ``names`` the store holds (waiting up to 10 s
    for the ones still on their way to the file)."""
    count = 0
    for _ in range(100):
        with sqlite3.connect(path) as db:
            count = db.execute("SELECT count(*) FROM games WHERE name LIKE ?",
                               (names,)).fetchone()[0]
        if count > 8:
            break
        await asyncio.sleep(0.1)
    return count
