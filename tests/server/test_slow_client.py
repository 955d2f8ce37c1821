"""A client that stops reading is cut off; it never holds up the tick or anyone else."""

from __future__ import annotations

import asyncio

import pytest

from snakepit.settings import Settings
from snakepit.websocket import Close, Text

from .playing import play, until
from .rawclient import open_raw_client, read_frames

HELLO_AND_JOIN = (b'{"type":"hello","protocol":1,"name":"Stalled"}', b'{"type":"join"}')


@pytest.fixture
def settings(tmp_path) -> Settings:
    # Small buffers so a stalled reader fills them within seconds.
    return Settings(data_dir=tmp_path / "data", tick_rate=100, seed=7, port=0, bots=0,
                    send_buffer_limit=16 * 1024, socket_send_buffer=4096)


async def test_a_client_that_never_reads_is_dropped_while_others_get_every_frame(
    server, hub, connect
):
    player = await connect("Reader")
    await play(player)
    arena = hub.arenas.get(player.welcome.arena)
    stalled = open_raw_client(server.host, server.port, *HELLO_AND_JOIN)
    try:
        await until(player, "frame", lambda f: len(arena.clients) == 2)

        async def stalled_is_gone() -> None:
            while len(arena.clients) > 1:
                await until(player, "frame")

        # Every frame the reader gets is checked to follow the one before (no tick lost).
        await asyncio.wait_for(stalled_is_gone(), 60)
        tick = player.view.tick
        await until(player, "frame", lambda f: player.view.tick >= tick + 20)
    finally:
        stalled.close()


async def test_a_client_too_slow_to_keep_up_gets_close_code_1013_after_its_backlog(
    server, hub, connect, monkeypatch
):
    monkeypatch.setattr("snakepit.server.websocket.CLOSE_GRACE", 60.0)
    player = await connect("Reader")
    arena = hub.arenas.get(player.welcome.arena)
    stalled = open_raw_client(server.host, server.port, *HELLO_AND_JOIN)
    try:
        await until(player, "frame", lambda f: len(arena.clients) == 2)
        while len(arena.clients) > 1:
            await until(player, "frame")
        # Now it reads at last: its backlog, then the close frame, then the end.
        frames = await asyncio.to_thread(read_frames, stalled, None)
    finally:
        stalled.close()
    assert isinstance(frames[-1], Close) and frames[-1].code == 1013
    assert all(isinstance(frame, Text) for frame in frames[:-1])
