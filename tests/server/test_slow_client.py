"""A client that stops reading is cut off; it never holds up the tick or anyone else."""

from __future__ import annotations

import asyncio
import base64
import os
import socket

import pytest

from snakepit.settings import Settings

from .playing import play, until


@pytest.fixture
def settings(tmp_path) -> Settings:
    # Small buffers so a stalled reader fills them within seconds.
    return Settings(data_dir=tmp_path / "data", tick_rate=100, seed=7, port=0,
                    send_buffer_limit=16 * 1024, socket_send_buffer=4096)


def masked_text(payload: bytes) -> bytes:
    mask = os.urandom(4)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes((0x81, 0x80 | len(payload))) + mask + body


def open_stalled_client(host: str, port: int) -> socket.socket:
    """A raw WebSocket client that says hello, joins, and then never reads again."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    sock.sendall(masked_text(b'{"type":"hello","protocol":1,"name":"Stalled"}'))
    sock.sendall(masked_text(b'{"type":"join"}'))
    return sock


async def test_a_client_that_never_reads_is_dropped_while_others_get_every_frame(
    server, hub, connect
):
    player = await connect("Reader")
    await play(player)
    stalled = open_stalled_client(server.host, server.port)
    try:
        await until(player, "frame", lambda f: len(hub.runner.clients) == 2)

        async def stalled_is_gone() -> None:
            while len(hub.runner.clients) > 1:
                await until(player, "frame")

        # Every frame the reader gets is checked to follow the one before (no tick lost).
        await asyncio.wait_for(stalled_is_gone(), 60)
        tick = player.view.tick
        await until(player, "frame", lambda f: player.view.tick >= tick + 20)
    finally:
        stalled.close()
