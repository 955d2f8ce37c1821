"""A minimal WebSocket client protocol for load generation: cheap enough for thousands.

It does the opening handshake, splits incoming frames and hands each text message to a
callback, and sends masked text frames. It keeps no per-message objects beyond the bytes
it is given. (Masks are all zero: RFC 6455 requires a mask, not a secret one, and a load
generator talking to 127.0.0.1 needs no protection from cache poisoning.)
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections.abc import Callable
from typing import cast

_MASK = b"\x00\x00\x00\x00"


class WsClient(asyncio.Protocol):
    """One connection. ``on_text(payload)`` is called for every text message."""

    def __init__(self, host: str, port: int, on_text: Callable[[bytes], None],
                 on_open: Callable[[WsClient], None], on_close: Callable[[WsClient], None]):
        self._host, self._port = host, port
        self._on_text, self._on_open, self._on_close = on_text, on_open, on_close
        self._buffer = b""
        self._upgraded = False
        self._closing = False
        self.transport: asyncio.Transport | None = None
        self.bytes_in = 0
        self.closed = False
        #: The HTTP status of the handshake's answer (0: none yet, -1: not HTTP at all).
        self.status = 0
        #: The close code of the server's close frame (1005: it had none), once one came.
        self.close_code: int | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        key = base64.b64encode(os.urandom(16)).decode()
        self.transport.write(
            f"GET /ws HTTP/1.1\r\nHost: {self._host}:{self._port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )

    def data_received(self, data: bytes) -> None:
        self.bytes_in += len(data)
        buffer = self._buffer + data if self._buffer else data
        if not self._upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self._buffer = buffer
                return
            words = buffer[:end].split(b" ", 2)
            self.status = int(words[1]) if buffer.startswith(b"HTTP/") and \
                len(words) > 1 and words[1].isdigit() else -1
            if self.status != 101:
                self.close()
                return
            self._upgraded = True
            buffer = buffer[end + 4:]
            self._on_open(self)
        at, size = 0, len(buffer)
        while size - at >= 2:
            opcode, length, head = buffer[at] & 0x0F, buffer[at + 1] & 0x7F, 2
            if length == 126:
                if size - at < 4:
                    break
                length, head = struct.unpack_from("!H", buffer, at + 2)[0], 4
            elif length == 127:
                if size - at < 10:
                    break
                length, head = struct.unpack_from("!Q", buffer, at + 2)[0], 10
            if size - at < head + length:
                break
            if opcode == 0x1:
                self._on_text(buffer[at + head:at + head + length])
            elif opcode == 0x9:  # a ping: answer it, as browsers do, or be closed as gone
                self._send(0x8A, buffer[at + head:at + head + length])
            elif opcode == 0x8:  # the server's close, or its answer to ours: hang up
                if self.close_code is None:
                    self.close_code = (int.from_bytes(buffer[at + head:at + head + 2], "big")
                                       if length >= 2 else 1005)
                if not self._closing:
                    self._closing = True
                    self._send(0x88, buffer[at + head:at + head + min(length, 2)])
                if self.transport is not None:
                    self.transport.close()
            at += head + length
        self._buffer = buffer[at:]

    def send_text(self, payload: bytes) -> None:
        self._send(0x81, payload)

    def _send(self, first: int, payload: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        size = len(payload)
        if size < 126:
            header = bytes((first, 0x80 | size))
        else:
            header = struct.pack("!BBH", first, 0x80 | 126, size)
        self.transport.write(header + _MASK + payload)

    def close(self) -> None:
        """Say goodbye as a browser does: a close frame (1000: the game ends now, it is not
        kept for a resume); the connection ends when the server answers it (or ``abort``)."""
        if self.transport is None or self.transport.is_closing():
            return
        if not self._upgraded or self._closing:
            self.transport.close()
            return
        self._closing = True
        self._send(0x88, (1000).to_bytes(2, "big"))

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._on_close(self)
