"""The server side of one upgraded WebSocket connection, as a bare asyncio protocol.

The framing is :class:`snakepit.websocket.Connection`'s (sans-I/O, server role); this
module only moves bytes between it and the transport. No task, no future and no timer per
connection: frames are parsed as they arrive, each message goes to the handler at once,
and writes go straight to the transport. What that saves is what a server with thousands
of connections pays for most: memory (an aiohttp ``WebSocketResponse`` with its request,
reader, queue, writer, two tasks and ten coroutine frames costs about 76 objects and 18 KB
per connection; this, a few hundred bytes) and the per-message round trip through a queue
and a task.

What it promises, beyond the framing rules of :mod:`snakepit.websocket.connection`:

- **No read holds up the loop.** One call parses at most ``frames_per_read`` frames and
  ``bytes_per_read`` bytes of payload; the rest waits, with reading paused, for the next
  turn of the event loop (so every arena's tick due meanwhile runs first).
- **No frame is free.** Frames that are not a whole message by themselves (pings, pongs,
  closes, fragments, empty ones too) spend the connection's :class:`Allowance`, the same
  one its session spends a token of for every message; a peer that runs out is closed
  with 1008 at once.
- Pings are answered with pongs, in order: after what the handler wrote for the messages
  before the ping, before what it writes for those after. Any bytes from the peer count as
  a sign of life (``heard``), which the heartbeat sweep of
  :mod:`snakepit.server.connections` reads.
- Closing: a close frame from the peer is answered with its code and the connection
  closed; :meth:`WebSocket.close` sends one, waits ``CLOSE_GRACE`` seconds for the answer
  and then aborts. Nothing is written after a close frame.
- A handler that raises is a bug, not the peer's fault: it is logged once and the
  connection closed with 1011; it never reaches the event loop.
- When unsent bytes pass ``send_buffer_limit`` (the transport's high-water mark), the
  handler is told (``on_backlog``) as soon as the write that passed it is queued; nothing
  is checked per write.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

from ..websocket import (
    ABNORMAL,
    Binary,
    Close,
    Connection,
    Failure,
    Ping,
    Role,
    State,
    Text,
)
from ..websocket.frames import (
    INTERNAL_ERROR,
    OP_PING,
    OP_PONG,
    POLICY_VIOLATION,
    encode_frame,
)
from .allowance import Allowance

log = logging.getLogger("snakepit.http")

#: Seconds a closing connection waits for the peer's close frame before it is aborted.
CLOSE_GRACE = 2.0
#: What one read may cost at most before the event loop gets a turn (see the module's doc).
FRAMES_PER_READ = 64
BYTES_PER_READ = 64 * 1024


class Handler(Protocol):
    """What a :class:`WebSocket` tells the layer above it."""

    def on_text(self, text: str) -> None: ...
    def on_binary(self, data: bytes) -> None: ...
    def on_protocol_error(self, code: int) -> None:
        """The peer broke the protocol (or its allowance); the connection is being closed
        with ``code``."""
    def on_closing(self) -> None:
        """A close frame went out or came in: write nothing more."""
    def on_backlog(self) -> None:
        """Unsent bytes passed the bound: the peer is not reading."""
    def on_closed(self, code: int) -> None:
        """The connection is over; ``code`` is the close code (1006 if none was sent)."""


def _ignore(data: bytes) -> None:
    pass


PING = encode_frame(OP_PING)


class WebSocket(asyncio.Protocol):
    """One connection after the handshake; becomes the transport's protocol."""

    __slots__ = (
        "_abort",
        "_broken",
        "_paused",
        "_scheduled",
        "_ws",
        "allowance",
        "bytes_per_read",
        "close_code",
        "closing",
        "frames_per_read",
        "handler",
        "heard",
        "interval",
        "peer",
        "pinged",
        "transport",
        "write",
    )

    def __init__(self, transport: asyncio.Transport, peer: str, *, max_message: int,
                 send_buffer_limit: int, interval: float, allowance: Allowance | None = None,
                 max_fragments: int = 64, frames_per_read: int = FRAMES_PER_READ,
                 bytes_per_read: int = BYTES_PER_READ) -> None:
        self.transport = transport
        self.handler: Handler | None = None
        self.peer = peer
        self._ws = Connection(Role.SERVER, max_message=max_message, max_fragments=max_fragments,
                              auto_pong=False)  # pongs are written in order, in _read
        #: What the peer may send (None: no bound on frames, as for the Autobahn endpoint).
        self.allowance = allowance
        self.frames_per_read = frames_per_read
        self.bytes_per_read = bytes_per_read
        #: The close code, once a close frame went either way (or the protocol was broken).
        self.close_code: int | None = None
        self.closing = False
        #: ``time.monotonic()`` when the peer last sent anything, and when we last pinged
        #: it without an answer since (0: not waiting for one).
        self.heard = time.monotonic()
        self.pinged = 0.0
        #: Seconds of silence after which this connection is pinged.
        self.interval = interval
        #: Writes bytes to the peer (the transport's own ``write`` until closing).
        self.write = transport.write
        self._abort: asyncio.TimerHandle | None = None
        self._paused = False  # reading paused: parsed bytes are waiting for their turn
        self._scheduled = False
        self._broken = False  # the peer broke the protocol (or its allowance)
        transport.set_write_buffer_limits(high=send_buffer_limit)

    @property
    def max_message(self) -> int:
        return self._ws.max_message

    def start(self, handler: Handler, pending: bytes = b"") -> None:
        """Take over the transport; ``pending`` is what arrived after the handshake."""
        self.handler = handler
        self.transport.set_protocol(self)
        if pending:
            self.data_received(pending)

    # -- writing -----------------------------------------------------------------------------

    def ping(self) -> None:
        if not self.closing:
            self.pinged = time.monotonic()
            self.write(PING)

    def close(self, code: int, reason: str = "") -> None:
        """Send a close frame (after whatever is queued), wait for the peer's answer for
        ``CLOSE_GRACE`` seconds, then abort. Nothing more is written."""
        if self.closing:
            return
        self._stop_writing(code)
        self._ws.send_close(code, reason)
        self._flush()
        self._abort = asyncio.get_running_loop().call_later(CLOSE_GRACE, self.transport.abort)

    def _stop_writing(self, code: int) -> None:
        self.closing = True
        self.close_code = code
        self.write = _ignore
        if self.handler is not None:
            self.handler.on_closing()

    def _flush(self) -> None:
        """Write what the framing layer queued (pongs, close frames)."""
        data = self._ws.data_to_send()
        if data:
            self.transport.write(data)

    # -- reading -----------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        self.heard = time.monotonic()
        self.pinged = 0.0
        self._ws.receive_data(data)
        if not self._scheduled:
            self._read()

    def _read(self) -> None:
        """Parse and hand over one budget's worth of what the peer sent."""
        ws = self._ws
        frames, messages = ws.frames_received, ws.messages_received
        events = ws.events(self.frames_per_read, self.bytes_per_read)
        overhead = (ws.frames_received - frames) - (ws.messages_received - messages)
        if overhead and self.allowance is not None and not self.allowance.take(overhead) \
                and ws.state is not State.CLOSED:
            return self._fail(POLICY_VIOLATION, "too many frames (pings, pongs or fragments)")
        pongs: list[bytes] = []  # the answers to pings, written before what follows them
        try:
            for event in events:
                if type(event) is Ping:
                    pongs.append(encode_frame(OP_PONG, event.payload))
                    continue
                if pongs:  # in one write, after the replies to the messages before them
                    self.write(b"".join(pongs))
                    pongs.clear()
                if type(event) is Text:
                    if self.handler is not None and not self.closing:
                        self.handler.on_text(event.text)
                elif isinstance(event, Binary):
                    if self.handler is not None and not self.closing:
                        self.handler.on_binary(event.data)
                elif isinstance(event, Close):
                    self._peer_closed(event.code)
                elif isinstance(event, Failure):
                    self._failed(event.code)
                # a pong was a sign of life
        except Exception:  # a bug of ours, not the peer's: it must not reach the loop
            log.exception("handler failed peer=%s", self.peer)
            return self._fail(INTERNAL_ERROR, "internal error")
        if pongs:
            self.write(b"".join(pongs))
        self._flush()
        if ws.state is State.CLOSED:
            if self._broken:
                self._hang_up()
            else:
                self.transport.close()
        elif ws.stalled:
            self._later()

    def _later(self) -> None:
        """The budget ran out with frames still buffered: pause reading, go on next turn."""
        if not self._paused:
            self._paused = True
            self.transport.pause_reading()
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._go_on)

    def _go_on(self) -> None:
        self._scheduled = False
        if self._ws.state is State.CLOSED or self.transport.is_closing():
            return
        self._read()
        if self._paused and not self._scheduled and not self._broken \
                and not self.transport.is_closing():
            self._paused = False
            self.transport.resume_reading()

    def _fail(self, code: int, reason: str) -> None:
        """Close with ``code`` now, without waiting for an answer (a flood, a bug)."""
        self._ws.data_to_send()  # pongs queued for a flood are not worth sending
        self._ws.fail(code, reason)
        self._failed(code)
        self._hang_up()

    def _hang_up(self) -> None:
        """After a failure: the close frame goes out, then the end of our side of the
        stream; nothing more is read, and the socket is aborted ``CLOSE_GRACE`` seconds
        later. (Closing a socket with unread bytes in it, as a flooder's has, resets it
        at once and drops the close frame before the peer could read its code.)"""
        transport = self.transport
        if transport.is_closing() or self._abort is not None:
            return
        if not transport.can_write_eof():
            transport.close()
            return
        if not self._paused:
            self._paused = True
            transport.pause_reading()
        transport.write_eof()
        self._abort = asyncio.get_running_loop().call_later(CLOSE_GRACE, transport.abort)

    def _failed(self, code: int) -> None:
        """The connection failed; the framing layer queued the close frame (if it may)."""
        self._broken = True
        if not self.closing:
            if self.handler is not None:
                self.handler.on_protocol_error(code)
            self._stop_writing(code)
        self._flush()

    def _peer_closed(self, code: int) -> None:
        if not self.closing:  # the peer began: the framing layer queued the answer
            self._stop_writing(code)
        self.close_code = self.close_code or code

    # -- the transport's news ----------------------------------------------------------------

    def pause_writing(self) -> None:
        # Called from inside a write, before its bytes are queued: act once they are.
        asyncio.get_running_loop().call_soon(self._backlogged)

    def _backlogged(self) -> None:
        if self.handler is not None and not self.closing:
            self.handler.on_backlog()

    def resume_writing(self) -> None:
        pass

    def eof_received(self) -> bool:
        return False  # a half-closed peer is gone: close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        if self._abort is not None:
            self._abort.cancel()
            self._abort = None
        self.closing = True
        self.write = _ignore
        code = self.close_code if self.close_code is not None else ABNORMAL
        self.close_code = code
        handler, self.handler = self.handler, None
        if handler is not None:
            handler.on_closing()
            handler.on_closed(code)
