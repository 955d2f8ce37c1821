"""One connected client as the game loop sees it: a phase, a snake, and a socket to write to.

Writing never awaits. Every message goes straight into the transport's buffer; a client
whose unsent bytes pass the limit is cut off at once (close code 1013), so a reader that
stalls can never delay a tick or anyone else's frames.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import msgspec

from ..protocol import encode
from ..protocol.messages import Died, Saved, Spawned
from .lifecycle import Phase, advance
from .wsframe import close_frame, text_frame

if TYPE_CHECKING:
    from .metrics import Metrics

log = logging.getLogger("snakepit.client")

#: Seconds a cut connection gets to take its close frame before the socket is aborted.
CLOSE_GRACE = 2.0
#: What a suspended client is told when it comes back: the news of its own game.
_KEPT = (Spawned, Died, Saved)


class Client:
    """A connection's game-side state. ``send`` and ``send_frame`` are safe to call any time."""

    #: Server bots are clients too (:class:`snakepit.server.bots.BotClient`).
    is_bot = False

    def __init__(self, client_id: int, transport: asyncio.Transport | None, peer: str,
                 send_buffer_limit: int, metrics: Metrics | None = None) -> None:
        self.id = client_id
        self.peer = peer
        self.phase = Phase.GREETING
        self.name = ""
        self.snake_id: int | None = None
        #: Has joined a game in its current arena (a player, alive or between games).
        self.played = False
        #: The last tick a ``late`` warning went out for (one per tick at most).
        self.warned_tick = -1
        #: Why the connection was cut by the server, once it was.
        self.dropped: str | None = None
        self._transport = transport
        self._limit = send_buffer_limit
        #: Told of every drop (``cut``), by reason.
        self._metrics = metrics
        #: The connection dropped and the session waits to be resumed (see resume.py).
        self.suspended = False
        #: Messages about its own game that came while suspended.
        self.missed: list[msgspec.Struct] = []

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._transport

    def suspend(self) -> None:
        """The connection is gone but the session may be resumed: send nothing for now."""
        self._transport = None
        self.suspended = True

    def rebind(self, transport: asyncio.Transport | None) -> list[msgspec.Struct]:
        """Carry on over a new connection; return the messages kept meanwhile."""
        self._transport = transport
        self.suspended = False
        self.dropped = None
        missed, self.missed = self.missed, []
        return missed

    def advance(self, event: str) -> None:
        """Move along the life-cycle table (raises IllegalMove for a move it lacks)."""
        self.phase = advance(self.phase, event)

    def send(self, message: msgspec.Struct) -> bool:
        """Encode and send one message to this client only. While the client is suspended,
        the messages about its own game (spawned, died, saved) are kept for its return."""
        if self.suspended:
            if isinstance(message, _KEPT):
                self.missed.append(message)
            return True
        return self.send_frame(text_frame(encode(message)))

    def send_frame(self, frame: bytes) -> bool:
        """Write an already framed message; False if the client is (now) gone. A client
        whose connection is closing, or suspended (waiting to be resumed), stays: what its
        connection's handler decides when the connection ends is what happens to it."""
        transport = self._transport
        if self.dropped is not None:
            return False
        if transport is None:
            return self.suspended
        if transport.is_closing():
            return True
        if transport.get_write_buffer_size() > self._limit:
            self.cut("slow", code=1013, message="too slow: not reading what the server sends")
            return False
        transport.write(frame)
        return True

    def cut(self, reason: str, code: int = 1008, message: str = "") -> None:
        """Drop the connection now: queue a close frame (``code``) behind what is waiting,
        stop sending anything else, and abort the socket if it has not closed within
        ``CLOSE_GRACE`` seconds (a client that reads nothing never gets the frame)."""
        if self.dropped is not None:
            return
        self.dropped = reason
        log.info("drop client=%d peer=%s reason=%s", self.id, self.peer, reason)
        if self._metrics is not None:
            self._metrics.dropped(reason)
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        transport.write(close_frame(code, message))
        transport.close()
        asyncio.get_running_loop().call_later(CLOSE_GRACE, transport.abort)
