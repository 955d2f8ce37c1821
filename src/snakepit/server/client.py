"""One connected client as the game loop sees it: a phase, a snake, and a socket to write to.

Writing never awaits. Every message goes straight into the transport's buffer; a client
whose unsent bytes pass the limit is cut off at once, so a reader that stalls can never
delay a tick or anyone else's frames.
"""

from __future__ import annotations

import asyncio
import logging

import msgspec

from ..protocol import encode
from .lifecycle import Phase, advance
from .wsframe import text_frame

log = logging.getLogger("snakepit.client")


class Client:
    """A connection's game-side state. ``send`` and ``send_frame`` are safe to call any time."""

    def __init__(self, client_id: int, transport: asyncio.Transport | None, peer: str,
                 send_buffer_limit: int) -> None:
        self.id = client_id
        self.peer = peer
        self.phase = Phase.GREETING
        self.name = ""
        self.snake_id: int | None = None
        #: Why the connection was cut by the server, once it was.
        self.dropped: str | None = None
        self._transport = transport
        self._limit = send_buffer_limit

    def advance(self, event: str) -> None:
        """Move along the life-cycle table (raises IllegalMove for a move it lacks)."""
        self.phase = advance(self.phase, event)

    def send(self, message: msgspec.Struct) -> bool:
        """Encode and send one message to this client only."""
        return self.send_frame(text_frame(encode(message)))

    def send_frame(self, frame: bytes) -> bool:
        """Write an already framed message; False if the client is (now) gone."""
        transport = self._transport
        if transport is None or self.dropped is not None:
            return False
        if transport.is_closing():
            self.dropped = "closed"
            return False
        if transport.get_write_buffer_size() > self._limit:
            self.cut("slow")
            return False
        transport.write(frame)
        return True

    def cut(self, reason: str) -> None:
        """Drop the connection now, discarding whatever it has not read."""
        if self.dropped is None:
            self.dropped = reason
            log.info("drop client=%d peer=%s reason=%s", self.id, self.peer, reason)
        if self._transport is not None:
            self._transport.abort()
