"""A WebSocket connection on a plain socket, for clients that misbehave on purpose.

:class:`RawWs` sends exactly the bytes it is given (a cut message, a frame no library
would make, headers a byte at a time) and reads the server's frames as they come, so a
fault can be written as the bytes it sends and the answer it expects. :class:`Target`
is the server under test with the limits it was started with (the defaults of
:class:`~snakepit.settings.Settings` unless said). Used by :mod:`snakepit.bench.faults`.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections import deque
from dataclasses import dataclass

from ..settings import Settings
from ..websocket import (
    ZERO_MASK,
    ClientHandshake,
    Close,
    Connection,
    Event,
    Failure,
    Role,
    Text,
    encode_frame,
)

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
    """One connection on a plain socket: exact bytes out, WebSocket frames in.

    It writes only what it is told to: the frames it reads go through the client side of
    :mod:`snakepit.websocket` (so a ping is seen, but never answered by itself)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.loop = asyncio.get_running_loop()
        self.reader = Connection(Role.CLIENT, max_message=1 << 26)
        self.events: deque[Event] = deque()

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
        shake = ClientHandshake(f"{target.host}:{target.port}", headers=headers.items())
        await self.send(shake.request)
        while not shake.receive_data(await self.recv()):
            pass
        if not shake.status:
            raise Unexpected("connection closed during the handshake")
        self.reader.receive_data(shake.rest)
        return shake.status

    async def send(self, data: bytes) -> None:
        await self.loop.sock_sendall(self.sock, data)

    async def send_frame(self, payload: bytes, opcode: int = 0x1) -> None:
        """One masked, final frame (the mask is zero: see ``wsclient``)."""
        await self.send(encode_frame(opcode, payload, mask=ZERO_MASK))

    async def recv(self) -> bytes:
        """The next bytes from the socket; b"" at the end of the stream (or a reset)."""
        try:
            return await self.loop.sock_recv(self.sock, 65536)
        except ConnectionError:
            return b""

    async def fill(self) -> bool:
        """Read more frames' bytes; False at the end of the stream (or a reset)."""
        data = await self.recv()
        self.reader.receive_data(data)
        self.events.extend(self.reader.events())
        self.reader.data_to_send()  # a raw client answers nothing by itself
        return bool(data)

    async def event(self) -> Event | None:
        """The next thing the server sent (a message, a ping, its close...); None once the
        stream has ended."""
        while not self.events:
            if not await self.fill():
                return None
        return self.events.popleft()

    async def answer(self) -> str:
        """Read up to the first error or close: ``error <code>``, ``close <code> <reason>``
        or ``eof`` (pongs and other messages are skipped)."""
        while True:
            event = await self.event()
            if event is None:
                return "eof"
            if isinstance(event, Close):
                return f"close {event.code} {event.reason}".strip()
            if isinstance(event, Failure):
                raise Unexpected(f"the server's frames were broken: {event.reason}")
            if isinstance(event, Text) and event.text.startswith('{"type":"error"'):
                return f"error {json.loads(event.text)['code']}"

    async def until(self, kind: str) -> None:
        """Read until a text message of type ``kind`` arrives."""
        while True:
            event = await self.event()
            if event is None or isinstance(event, Close | Failure):
                raise Unexpected(f"closed while waiting for {kind}")
            if isinstance(event, Text) and event.text.startswith('{"type":"%s"' % kind):
                return

    async def hello(self, arena: str) -> None:
        await self.send_frame(b'{"type":"hello","protocol":1,"name":"fault","arena":"%s"}'
                              % arena.encode())
        await self.until("snapshot")

    def close(self, reset: bool = False) -> None:
        if reset:  # an RST instead of a FIN: the peer is gone without a word
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
