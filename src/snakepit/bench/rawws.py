"""A WebSocket connection on a plain socket, for clients that misbehave on purpose.

:class:`RawWs` sends exactly the bytes it is given (a cut message, a frame no library
would make, headers a byte at a time) and reads the server's frames as they come, so a
fault can be written as the bytes it sends and the answer it expects. :class:`Target`
is the server under test with the limits it was started with (the defaults of
:class:`~snakepit.settings.Settings` unless said). Used by :mod:`snakepit.bench.faults`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
from dataclasses import dataclass

from ..settings import Settings

_DEFAULTS = Settings()


@dataclass(frozen=True)
class Target:
    """The server under test and the limits it was started with."""

    port: int
    host: str = "127.0.0.1"
    cap: int = _DEFAULTS.max_connections_per_address
    header_timeout: float = _DEFAULTS.header_timeout
    heartbeat: float = _DEFAULTS.heartbeat
    max_message_bytes: int = _DEFAULTS.max_message_bytes
    #: Seconds a dropped session is kept for a resume (it stays in its arena meanwhile).
    resume_grace: float = _DEFAULTS.resume_grace
    #: A lively arena for the reader that stops reading (its frames fill the backlog).
    busy_arena: str = "pit-1"


class Unexpected(Exception):
    """The server's answer was not the one promised (the text says what came instead)."""


class RawWs:
    """One connection on a plain socket: exact bytes out, WebSocket frames in."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.loop = asyncio.get_running_loop()
        self.buffer = b""

    @classmethod
    async def connect(cls, target: Target, source: str, rcvbuf: int | None = None) -> RawWs:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        if rcvbuf is not None:  # before connecting, so the window is small from the start
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        try:
            sock.bind((source, 0))
            await asyncio.get_running_loop().sock_connect(sock, (target.host, target.port))
        except OSError:
            sock.close()
            raise
        return cls(sock)

    async def handshake(self, target: Target, **headers: str) -> int:
        """Ask for the upgrade; the HTTP status of the answer (101: upgraded)."""
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        await self.send(
            f"GET /ws HTTP/1.1\r\nHost: {target.host}:{target.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\n{extra}\r\n".encode())
        while b"\r\n\r\n" not in self.buffer:
            if not await self.fill():
                raise Unexpected("connection closed during the handshake")
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        return int(head.split(b" ", 2)[1])

    async def send(self, data: bytes) -> None:
        await self.loop.sock_sendall(self.sock, data)

    async def send_frame(self, payload: bytes, opcode: int = 0x1) -> None:
        """One masked, final frame (the mask is zero: see ``wsclient``)."""
        size = len(payload)
        if size < 126:
            header = bytes((0x80 | opcode, 0x80 | size))
        elif size < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
        await self.send(header + b"\x00\x00\x00\x00" + payload)

    async def fill(self) -> bool:
        """Read more into the buffer; False at the end of the stream (or a reset)."""
        try:
            data = await self.loop.sock_recv(self.sock, 65536)
        except ConnectionError:
            return False
        self.buffer += data
        return bool(data)

    async def frame(self) -> tuple[int, bytes] | None:
        """The next frame as (opcode, payload); None once the stream has ended."""
        while True:
            buf = self.buffer
            if len(buf) >= 2:
                size, at = buf[1] & 0x7F, 2
                if size == 126 and len(buf) >= 4:
                    size, at = struct.unpack_from("!H", buf, 2)[0], 4
                elif size == 127 and len(buf) >= 10:
                    size, at = struct.unpack_from("!Q", buf, 2)[0], 10
                if (size < 126 or at > 2) and len(buf) >= at + size:
                    self.buffer = buf[at + size:]
                    return buf[0] & 0x0F, buf[at:at + size]
            if not await self.fill():
                return None

    async def answer(self) -> str:
        """Read up to the first error or close: ``error <code>``, ``close <code> <reason>``
        or ``eof`` (pongs and other messages are skipped)."""
        while True:
            got = await self.frame()
            if got is None:
                return "eof"
            opcode, payload = got
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                return f"close {code} {payload[2:].decode(errors='replace')}".strip()
            if opcode == 0x1 and payload.startswith(b'{"type":"error"'):
                return f"error {json.loads(payload)['code']}"

    async def until(self, kind: bytes) -> None:
        """Read until a text message of type ``kind`` arrives."""
        while True:
            got = await self.frame()
            if got is None or got[0] == 0x8:
                raise Unexpected(f"closed while waiting for {kind.decode()}")
            if got[1].startswith(b'{"type":"%s"' % kind):
                return

    async def hello(self, arena: str) -> None:
        await self.send_frame(b'{"type":"hello","protocol":1,"name":"fault","arena":"%s"}'
                              % arena.encode())
        await self.until(b"snapshot")

    def close(self, reset: bool = False) -> None:
        if reset:  # an RST instead of a FIN: the peer is gone without a word
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
