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
    arena = hub.arenas.get(player.welcome.arena)
    stalled = open_stalled_client(server.host, server.port)
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


def read_frames(sock: socket.socket) -> list[tuple[int, bytes]]:
    """Everything the server sent until it closed: (opcode, payload) per frame."""
    data = b""
    sock.settimeout(10)
    while chunk := sock.recv(65536):
        data += chunk
    data = data[data.index(b"\r\n\r\n") + 4:]
    frames = []
    while data:
        opcode, size, at = data[0] & 0x0F, data[1] & 0x7F, 2
        if size == 126:
            size, at = int.from_bytes(data[2:4], "big"), 4
        elif size == 127:
            size, at = int.from_bytes(data[2:10], "big"), 10
        frames.append((opcode, data[at:at + size]))
        data = data[at + size:]
    return frames


async def test_a_client_too_slow_to_keep_up_gets_close_code_1013_after_its_backlog(
    server, hub, connect, monkeypatch
):
    monkeypatch.setattr("snakepit.server.client.CLOSE_GRACE", 60.0)
    player = await connect("Reader")
    arena = hub.arenas.get(player.welcome.arena)
    stalled = open_stalled_client(server.host, server.port)
    try:
        await until(player, "frame", lambda f: len(arena.clients) == 2)
        while len(arena.clients) > 1:
            await until(player, "frame")
        # Now it reads at last: its backlog, then the close frame, then the end.
        frames = await asyncio.to_thread(read_frames, stalled)
    finally:
        stalled.close()
    opcode, payload = frames[-1]
    assert opcode == 0x8
    assert int.from_bytes(payload[:2], "big") == 1013
    assert all(op == 0x1 for op, _ in frames[:-1])
