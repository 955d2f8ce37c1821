"""One connected client as the game loop sees it: a phase, a snake, and a socket to write to.

Writing never awaits and checks nothing per frame: ``write`` is the socket's own write
while the connection is open, and a function that drops the bytes once it is closing,
closed, cut or suspended. A client whose unsent bytes pass the bound is told by its
transport (``WebSocket.on_backlog``) and cut off at once (close code 1013), so a reader
that stalls can never delay a tick or anyone else's frames.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec

from ..protocol import encode
from ..protocol.messages import Died, Saved, Spawned
from .lifecycle import Phase, advance
from ..websocket.frames import text_frame

if TYPE_CHECKING:
    from .metrics import Metrics
    from .websocket import WebSocket

log = logging.getLogger("snakepit.client")

#: What a suspended client is told when it comes back: the news of its own game.
_KEPT = (Spawned, Died, Saved)


def discard(frame: bytes) -> None:
    """A ``write`` that writes nothing (a client closing, cut, suspended, or a bot)."""


def unwired() -> None:
    """The ``on_rewire`` of a client no arena is listening to."""


class Client:
    """A connection's game-side state. ``write``, ``send`` and ``send_frame`` are safe to
    call any time, from anywhere, and never raise."""

    #: Server bots are clients too (:class:`snakepit.server.bots.BotClient`).
    is_bot = False

    def __init__(self, client_id: int, socket: WebSocket | None, peer: str,
                 metrics: Metrics | None = None) -> None:
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
        #: The connection this client is written to (None: a bot, or suspended).
        self.socket = socket
        #: Writes framed bytes to the connection (or drops them when there is none).
        self._out = socket.write if socket is not None else discard
        #: What the arena's fan-out calls with each tick's frame bytes. Whenever it changes,
        #: ``on_rewire`` is called (the arena keeps a list of its clients' writes).
        self.write = self._fan_out_writer()
        self.on_rewire: Callable[[], None] = unwired
        #: Told of every drop (``cut``), by reason.
        self._metrics = metrics
        #: The connection dropped and the session waits to be resumed (see resume.py).
        self.suspended = False
        #: Messages about its own game that came while suspended (a list only once there
        #: are any: thousands of clients, each object fewer for the garbage collector).
        self.missed: list[msgspec.Struct] | tuple[()] = ()

    def _fan_out_writer(self) -> Callable[[bytes], object]:
        """What ``write`` is while connected: the socket's write itself, for a plain client."""
        return self._out

    def suspend(self) -> None:
        """The connection is gone but the session may be resumed: send nothing for now."""
        self.socket = None
        self.write = self._out = discard
        self.suspended = True
        self.on_rewire()

    def rebind(self, socket: WebSocket | None) -> list[msgspec.Struct]:
        """Carry on over a new connection; return the messages kept meanwhile."""
        self.socket = socket
        self._out = socket.write if socket is not None else discard
        self.write = self._fan_out_writer()
        self.on_rewire()
        self.suspended = False
        self.dropped = None
        missed, self.missed = list(self.missed), ()
        return missed

    def socket_closing(self, socket: WebSocket) -> None:
        """``socket`` is closing: if it is still this client's, write nothing more to it."""
        if self.socket is socket:
            self.write = self._out = discard
            self.on_rewire()

    def advance(self, event: str) -> None:
        """Move along the life-cycle table (raises IllegalMove for a move it lacks)."""
        self.phase = advance(self.phase, event)

    def send(self, message: msgspec.Struct) -> bool:
        """Encode and send one message to this client only. While the client is suspended,
        the messages about its own game (spawned, died, saved) are kept for its return."""
        if self.suspended:
            if isinstance(message, _KEPT):
                self.missed = [*self.missed, message]
            return True
        return self.send_frame(text_frame(encode(message)))

    def send_frame(self, frame: bytes) -> bool:
        """Write already framed bytes; False if the client was cut off."""
        if self.dropped is not None:
            return False
        self._out(frame)
        return True

    def cut(self, reason: str, code: int = 1008, message: str = "") -> None:
        """Drop the connection now: stop sending anything, queue a close frame (``code``)
        behind what is waiting, and abort the socket if the peer has not answered it
        within ``websocket.CLOSE_GRACE`` seconds (a client that reads nothing never will)."""
        if self.dropped is not None:
            return
        self.dropped = reason
        log.info("drop client=%d peer=%s reason=%s", self.id, self.peer, reason)
        if self._metrics is not None:
            self._metrics.dropped(reason)
        self.write = self._out = discard
        self.on_rewire()
        if self.socket is not None:
            self.socket.close(code, message)
