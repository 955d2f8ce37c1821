"""The server side of one upgraded WebSocket connection (RFC 6455), as a bare protocol.

No task, no future and no timer per connection: bytes are parsed into frames as they
arrive, each message goes to the handler at once, and writes go straight to the
transport. What that saves is what a server with thousands of connections pays for most:
memory (an aiohttp ``WebSocketResponse`` with its request, reader, queue, writer, two tasks
and ten coroutine frames costs about 76 objects and 18 KB per connection; this, a few
hundred bytes) and the per-message round trip through a queue and a task.

What it promises:

- Client frames must be masked and use no reserved bits (no extension is ever negotiated,
  so no compression): otherwise close 1002. Unknown opcodes, fragmented or long control
  frames, a continuation of nothing, a new message inside a fragmented one: 1002.
- A message (all its fragments) larger than ``max_message`` bytes closes the connection with
  1009 as soon as its length is known, before it is read: it never costs more memory.
- Text must be UTF-8 (1007 otherwise); binary messages are handed over as such.
- Pings are answered with pongs; any frame from the peer counts as a sign of life
  (``heard``), which the heartbeat sweep of :mod:`snakepit.server.connections` reads.
- Closing: a close frame from the peer is answered with the same code and the connection
  closed; :meth:`WebSocket.close` sends one, waits ``CLOSE_GRACE`` seconds for the answer
  and then aborts. Nothing is written after a close frame.
- When unsent bytes pass ``send_buffer_limit`` (the transport's high-water mark), the
  handler is told (``on_backlog``) as soon as the write that passed it is queued; nothing
  is checked per write.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from .wsframe import close_frame

OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10
#: Close codes a peer may send (RFC 6455 7.4.1 and the IANA registry); 3000-4999 are free.
_VALID_CLOSE = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014}
#: The code a close frame without a code stands for, and the one for no close frame at all.
NO_STATUS, ABNORMAL = 1005, 1006
#: Seconds a closing connection waits for the peer's close frame before it is aborted.
CLOSE_GRACE = 2.0


class Handler(Protocol):
    """What a :class:`WebSocket` tells the layer above it."""

    def on_text(self, text: str) -> None: ...
    def on_binary(self) -> None: ...
    def on_protocol_error(self, code: int) -> None:
        """The peer broke the protocol; the connection is being closed with ``code``."""
    def on_closing(self) -> None:
        """A close frame went out or came in: write nothing more."""
    def on_backlog(self) -> None:
        """Unsent bytes passed the bound: the peer is not reading."""
    def on_closed(self, code: int) -> None:
        """The connection is over; ``code`` is the close code (1006 if none was sent)."""


def _ignore(data: bytes) -> None:
    pass


def unmask(payload: bytes, mask: bytes) -> bytes:
    """``payload`` XOR the repeated 4-byte ``mask`` (one big-integer operation)."""
    size = len(payload)
    if not size:
        return b""
    key = int.from_bytes((mask * ((size + 3) >> 2))[:size], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")


def control_frame(opcode: int, payload: bytes = b"") -> bytes:
    return bytes((0x80 | opcode, len(payload))) + payload


PING = control_frame(OP_PING)


class WebSocket(asyncio.Protocol):
    """One connection after the handshake; becomes the transport's protocol."""

    __slots__ = (
        "_abort",
        "_buffer",
        "_done",
        "_part_op",
        "_part_size",
        "_parts",
        "close_code",
        "closing",
        "handler",
        "heard",
        "interval",
        "max_message",
        "peer",
        "pinged",
        "transport",
        "write",
    )

    def __init__(self, transport: asyncio.Transport, peer: str, *, max_message: int,
                 send_buffer_limit: int, interval: float) -> None:
        self.transport = transport
        self.handler: Handler | None = None
        self.peer = peer
        self.max_message = max_message
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
        self._buffer = b""
        self._parts: list[bytes] | None = None  # the fragments of a message, while it lasts
        self._part_op = 0
        self._part_size = 0
        self._abort: asyncio.TimerHandle | None = None
        #: The peer's close frame came, or the peer broke the protocol: read no more.
        self._done = False
        transport.set_write_buffer_limits(high=send_buffer_limit)

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
        self.transport.write(close_frame(code, reason))
        self._abort = asyncio.get_running_loop().call_later(CLOSE_GRACE, self.transport.abort)

    def _stop_writing(self, code: int) -> None:
        self.closing = True
        self.close_code = code
        self.write = _ignore
        if self.handler is not None:
            self.handler.on_closing()

    def _fail(self, code: int, reason: str) -> None:
        """The peer broke the protocol: close with ``code`` now, without waiting."""
        self._done = True
        if self.closing:
            self.transport.close()
            return
        if self.handler is not None:
            self.handler.on_protocol_error(code)
        self._stop_writing(code)
        self.transport.write(close_frame(code, reason))
        self.transport.close()

    # -- reading -----------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        self.heard = time.monotonic()
        self.pinged = 0.0
        buffer = self._buffer + data if self._buffer else data
        size = len(buffer)
        pos = 0
        while size - pos >= 2 and not self._done:
            first, second = buffer[pos], buffer[pos + 1]
            length = second & 0x7F
            head = pos + 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(buffer[head:head + 2], "big")
                head += 2
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buffer[head:head + 8], "big")
                head += 8
            opcode = first & 0x0F
            if first & 0x70:
                return self._fail(1002, "reserved bits set: no extension was negotiated")
            if not second & 0x80:
                return self._fail(1002, "frames from a client must be masked")
            if opcode >= 8:
                if not first & 0x80 or length > 125:
                    return self._fail(1002, "control frames are short and never fragmented")
            elif opcode > 2:
                return self._fail(1002, f"unknown opcode {opcode}")
            elif (self._part_size if opcode == OP_CONTINUATION else 0) + length > self.max_message:
                return self._fail(1009, f"messages are at most {self.max_message} bytes")
            end = head + 4 + length
            if end > size:
                break
            payload = unmask(buffer[head + 4:end], buffer[head:head + 4])
            pos = end
            self._frame(first & 0x80, opcode, payload)
        self._buffer = buffer[pos:] if pos < size and not self._done else b""

    def _frame(self, fin: int, opcode: int, payload: bytes) -> None:
        if opcode == OP_TEXT or opcode == OP_BINARY:
            if self._part_op:
                return self._fail(1002, "a new message began inside a fragmented one")
            if fin:
                return self._message(opcode, payload)
            self._part_op, self._parts, self._part_size = opcode, [payload], len(payload)
        elif opcode == OP_CONTINUATION:
            if not self._part_op or self._parts is None:
                return self._fail(1002, "a continuation frame with no message to continue")
            self._parts.append(payload)
            self._part_size += len(payload)
            if fin:
                opcode, whole = self._part_op, b"".join(self._parts)
                self._part_op, self._parts, self._part_size = 0, None, 0
                self._message(opcode, whole)
        elif opcode == OP_CLOSE:
            self._peer_closed(payload)
        elif opcode == OP_PING:
            self.write(control_frame(OP_PONG, payload))
        # a pong: its arrival (any data) was the sign of life

    def _message(self, opcode: int, payload: bytes) -> None:
        handler = self.handler
        if handler is None or self.closing:
            return
        if opcode == OP_BINARY:
            return handler.on_binary()
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            return self._fail(1007, "text messages must be UTF-8")
        handler.on_text(text)

    def _peer_closed(self, payload: bytes) -> None:
        self._done = True
        code = NO_STATUS
        if payload:
            code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 0
            if not (code in _VALID_CLOSE or 3000 <= code <= 4999):
                return self._fail(1002, f"invalid close code {code}")
            try:
                payload[2:].decode("utf-8")
            except UnicodeDecodeError:
                return self._fail(1007, "the close reason must be UTF-8")
        if not self.closing:  # the peer began: answer with its code, then hang up
            self._stop_writing(code)
            answer = close_frame(code) if code != NO_STATUS else control_frame(OP_CLOSE)
            self.transport.write(answer)
        self.close_code = self.close_code or code
        self.transport.close()

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
