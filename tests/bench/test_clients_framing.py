"""The bench's C clients (clients.c) read frames however the bytes arrive: a frame split
across several reads (even inside its header), a payload longer than one read takes, a
ping cut in two, a ping in the same read as the handshake's answer. Against a scripted
server on 127.0.0.1 that writes exactly such pieces (its frames made and read by
snakepit.websocket)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from snakepit.bench.generators import clients_program
from snakepit.websocket import (
    OP_PING,
    Close,
    Connection,
    Event,
    Pong,
    Role,
    Text,
    close_frame,
    encode_frame,
    text_frame,
)

pytestmark = pytest.mark.skipif(clients_program() is None,
                                reason="no C compiler or libwslay here")


class ClientFrames:
    """What the client sends, read as the server side of the connection reads it."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.reader = reader
        self.connection = Connection(Role.SERVER)  # the client's frames must be masked
        self.pending: list[Event] = []

    async def next(self) -> tuple[int, bytes]:
        """The next frame's opcode and payload."""
        while not self.pending:
            data = await self.reader.read(65536)
            assert data, "the client closed the socket"
            self.connection.receive_data(data)
            self.pending = self.connection.events()
        event = self.pending.pop(0)
        if isinstance(event, Text):
            return 0x1, event.text.encode()
        if isinstance(event, Pong):
            return 0xA, event.payload
        assert isinstance(event, Close), event
        return 0x8, event.code.to_bytes(2, "big")


async def test_a_frame_in_pieces_and_longer_than_a_read_is_counted_once(tmp_path):
    went = asyncio.Event()
    seen: list[tuple[int, bytes]] = []
    frame_bytes = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal frame_bytes
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     b"Connection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n"
                     + encode_frame(OP_PING, b"hi"))  # in the same write as the answer
        frames = ClientFrames(reader)
        seen.append(await frames.next())  # the hello
        seen.append(await frames.next())  # its pong
        await went.wait()
        await asyncio.sleep(0.2)  # inside the window
        text = json.dumps({"type": "frame", "at": int(time.time() * 1000),
                           "pad": "x" * 10_000}, separators=(",", ":")).encode()
        frame = text_frame(text)  # the 16-bit length form
        frame_bytes = len(frame)
        ping = encode_frame(OP_PING, b"ping")
        # The frame's header cut after one byte, its payload in three pieces, then a
        # ping cut in two.
        for piece in (frame[:1], frame[1:3000], frame[3000:7000], frame[7000:] + ping[:3],
                      ping[3:]):
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.05)
        seen.append(await frames.next())  # the pong
        seen.append(await frames.next())  # the goodbye
        writer.write(close_frame(1000))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    program = clients_program()
    assert program is not None
    clients = await asyncio.create_subprocess_exec(
        str(program), "127.0.0.1", str(port), "0", "1", "1", "0",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert clients.stdin is not None and clients.stdout is not None
    try:
        assert (await asyncio.wait_for(clients.stdout.readline(), 30)).split() == [b"ready", b"1"]
        started = time.monotonic()
        clients.stdin.write(f"go {started} {started + 2.0}\n".encode())
        await clients.stdin.drain()
        went.set()
        result = json.loads(await asyncio.wait_for(clients.stdout.readline(), 30))
        assert await clients.wait() == 0
    finally:
        if clients.returncode is None:
            clients.kill()
            await clients.wait()
        server.close()

    assert seen[0][0] == 0x1 and json.loads(seen[0][1])["name"] == "s0"
    assert seen[1] == (0xA, b"hi"), "what came with the handshake's answer is read"
    assert seen[2] == (0xA, b"ping"), "the ping is answered with its payload"
    assert seen[3] == (0x8, b"\x03\xe8"), "the goodbye is a close frame, code 1000"
    assert result["frames"] == 1 and sum(result["delay"].values()) == 1
    assert result["bytes"] == frame_bytes
    assert result["errors"] == 0 and result["closed_by_server"] == 0
