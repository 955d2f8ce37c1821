"""The bench's C watchers (spectators.c) against a real server: they connect, count what a
watcher is sent, stay alive through the server's pings, and say goodbye with a close."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from snakepit.bench.generators import spectators_program
from snakepit.server import create_app
from snakepit.server.app import CONNECTIONS
from snakepit.settings import Settings

pytestmark = pytest.mark.skipif(spectators_program() is None, reason="no C compiler here")


async def test_watchers_count_frames_answer_pings_and_close_when_done(snakepit_server, tmp_path):
    # Pings after 0.2-0.3 s of silence, and a connection that does not answer within half
    # that is aborted: a watcher that ignored pings would be gone long before the end.
    settings = Settings(data_dir=tmp_path / "data", tick_rate=50, seed=3, port=0, bots=0,
                        heartbeat=0.25, max_connections_per_address=0)
    server = await snakepit_server(create_app(settings))
    program = spectators_program()
    assert program is not None
    watchers = await asyncio.create_subprocess_exec(
        str(program), "127.0.0.1", str(server.port), "12", "3", "0",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert watchers.stdin is not None and watchers.stdout is not None
    assert (await watchers.stdout.readline()).decode().split() == ["ready", "12"]
    started = time.monotonic() + 0.3
    watchers.stdin.write(f"go {started} {started + 2.0}\n".encode())
    await watchers.stdin.drain()
    result = json.loads(await asyncio.wait_for(watchers.stdout.readline(), 30))
    assert await watchers.wait() == 0

    assert result["clients"] == 12 and result["errors"] == 0
    assert result["closed_by_server"] == 0, "a watcher was dropped: pings unanswered?"
    # 12 watchers, 50 frames a second for 2 s (give or take a tick at either end)...
    assert 12 * 95 <= result["frames"] <= 12 * 101
    # ...each with its time stamp, and every text message's bytes counted.
    assert sum(result["delay"].values()) == result["frames"]
    assert result["bytes"] > result["frames"] * 20
    # They said goodbye: the server has no connection left.
    connections = server.app[CONNECTIONS]
    for _ in range(250):
        if not connections.open:
            break
        await asyncio.sleep(0.02)
    assert not connections.open
