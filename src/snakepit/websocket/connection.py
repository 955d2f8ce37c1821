"""One side of a WebSocket connection (RFC 6455) after the handshake: bytes in, events out.

A :class:`Connection` owns no socket, no task and no clock. The caller hands it what the
peer sent (:meth:`Connection.receive_data`), takes the events that makes
(:meth:`Connection.events`) and writes what it asks to be sent
(:meth:`Connection.data_to_send`): the pongs that answer pings (unless ``auto_pong`` is
off), the answer to a close, the close frame that ends a broken connection, and whatever
was sent with the ``send_*`` methods. The server, the bench's clients, the fault injector
and the tests all read frames through it; the only other code that touches frame bytes is
:mod:`.frames`.

What it promises:

- **Work is bounded per call.** :meth:`~Connection.events` parses at most ``max_frames``
  frames and stops once ``max_bytes`` of payload have been read; whatever is left stays
  buffered (``stalled`` says so) for the next call. Nothing is parsed twice.
- **Memory is bounded.** A message whose length (all its fragments) passes
  ``max_message``, or that comes in more than ``max_fragments`` fragments, fails with 1009
  as soon as the header that passes the bound is read, before its payload.
- **Every violation is a close code, never an exception:** the connection fails, a close
  frame with the code is queued (unless one went out already), a :class:`Failure` event
  is the last event, and nothing more is read. 1002 for broken framing (reserved bits with
  no extension, reserved opcodes, a server's frame masked or a client's not, fragmented or
  long control frames, a continuation of nothing, a new message inside a fragmented one, a
  bad close payload or code); 1007 for text (or a close reason) that is not UTF-8,
  checked fragment by fragment; 1009 for the bounds above.
- **Closing** (7.1): a close from the peer is answered with its code (a close without a
  code with an empty close) and the connection is closed; a close sent first waits for
  the peer's. After a close went out, no data message is reported and nothing but that
  close is sent.
"""

from __future__ import annotations

import codecs
import enum
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from .frames import (
    INVALID_DATA,
    MESSAGE_TOO_BIG,
    NO_STATUS,
    OP_BINARY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    PROTOCOL_ERROR,
    close_payload,
    encode_frame,
    is_sendable_close_code,
    unmask,
)


class Role(enum.Enum):
    SERVER = "server"  #: reads masked frames, sends unmasked ones
    CLIENT = "client"  #: reads unmasked frames, sends masked ones


class State(enum.Enum):
    OPEN = "open"
    CLOSING = "closing"  #: a close went out; waiting for the peer's
    CLOSED = "closed"  #: a close came in (and was answered), or the connection failed


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Binary:
    data: bytes


@dataclass(frozen=True, slots=True)
class Ping:
    payload: bytes


@dataclass(frozen=True, slots=True)
class Pong:
    payload: bytes


@dataclass(frozen=True, slots=True)
class Close:
    """The peer's close frame: its code (``NO_STATUS`` if it had none) and reason."""

    code: int
    reason: str


@dataclass(frozen=True, slots=True)
class Failure:
    """The peer broke the protocol (or a bound): the connection failed with ``code``."""

    code: int
    reason: str


Event = Text | Binary | Ping | Pong | Close | Failure

_NO_LIMIT = sys.maxsize


class _Violation(Exception):
    def __init__(self, code: int, reason: str) -> None:
        self.code, self.reason = code, reason


def _random_mask() -> bytes:
    return os.urandom(4)


class Connection:
    """One side of one WebSocket connection, from the end of the handshake on."""

    __slots__ = (
        "_buffer",
        "_decoder",
        "_mask",
        "_masked",
        "_out",
        "_part_op",
        "_part_size",
        "_parts",
        "_texts",
        "auto_pong",
        "frames_received",
        "max_fragments",
        "max_message",
        "messages_received",
        "role",
        "stalled",
        "state",
    )

    def __init__(self, role: Role, *, max_message: int = 1 << 20, max_fragments: int = 64,
                 mask: Callable[[], bytes] = _random_mask, auto_pong: bool = True) -> None:
        self.role = role
        #: Most bytes one message may hold, all its fragments together.
        self.max_message = max_message
        #: Most frames one message may come in.
        self.max_fragments = max_fragments
        self.state = State.OPEN
        #: Frames read so far, of every kind; and the messages they made.
        self.frames_received = 0
        self.messages_received = 0
        #: The last :meth:`events` stopped at its budget with bytes still buffered.
        self.stalled = False
        self._masked = role is Role.SERVER  # the peer's frames must carry a mask
        self._mask = mask
        #: Queue a pong for every ping; False leaves answering (the :class:`Ping` event)
        #: to the caller, who can then write it in order with its own replies.
        self.auto_pong = auto_pong
        self._buffer = b""
        self._out: list[bytes] = []
        self._part_op = 0  # the opcode of the fragmented message being read (0: none)
        self._parts: list[bytes] = []  # the fragments of a binary message so far
        self._texts: list[str] = []  # those of a text message, decoded as they come
        self._part_size = 0
        self._decoder: codecs.IncrementalDecoder | None = None

    # -- receiving ---------------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        """Take bytes the peer sent (after the handshake). Nothing is parsed until
        :meth:`events` is called."""
        if self.state is not State.CLOSED and data:
            self._buffer = self._buffer + data if self._buffer else data

    def events(self, max_frames: int = _NO_LIMIT, max_bytes: int = _NO_LIMIT) -> list[Event]:
        """Parse the buffered bytes into events: at most ``max_frames`` frames, stopping
        once ``max_bytes`` of payload were read. A :class:`Failure` is always the last."""
        found: list[Event] = []
        self.stalled = False
        if self.state is State.CLOSED:
            self._buffer = b""
            return found
        buffer = self._buffer
        size = len(buffer)
        pos = frames = spent = 0
        try:
            while size - pos >= 2:
                if frames >= max_frames or spent >= max_bytes:
                    self.stalled = True
                    break
                first, second = buffer[pos], buffer[pos + 1]
                opcode = first & 0x0F
                self._check_header(first, second, opcode)
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
                    if length >> 63:
                        raise _Violation(PROTOCOL_ERROR, "a frame length's top bit must be 0")
                if opcode < 8:
                    self._check_size(opcode, length)
                if self._masked:
                    end = head + 4 + length
                    if end > size:
                        break
                    payload = unmask(buffer[head + 4:end], buffer[head:head + 4])
                else:
                    end = head + length
                    if end > size:
                        break
                    payload = buffer[head:end]
                pos = end
                frames += 1
                spent += length
                if first & 0x80 and (opcode == OP_TEXT or opcode == OP_BINARY):
                    found.append(self._message(opcode, payload))  # the common case
                else:
                    event = self._frame(first & 0x80, opcode, payload)
                    if event is not None:
                        found.append(event)
                    if self.state is State.CLOSED:
                        break
        except _Violation as violation:
            found.append(self.fail(violation.code, violation.reason))
        self.frames_received += frames
        if self.state is State.CLOSED:
            self._buffer = b""
            self.stalled = False
        else:
            self._buffer = buffer[pos:] if pos < size else b""
        if self.state is State.CLOSING:  # after our close, the peer's messages are moot
            found = [e for e in found if not isinstance(e, Text | Binary)]
        return found

    def _check_header(self, first: int, second: int, opcode: int) -> None:
        """What the first two bytes of a frame alone show to be wrong."""
        if first & 0x70:
            raise _Violation(PROTOCOL_ERROR, "reserved bits set: no extension was negotiated")
        if bool(second & 0x80) is not self._masked:
            raise _Violation(PROTOCOL_ERROR, "frames from a client must be masked"
                             if self._masked else "frames from a server must not be masked")
        if opcode >= 8:
            if opcode > OP_PONG:
                raise _Violation(PROTOCOL_ERROR, f"reserved opcode {opcode:#x}")
            if not first & 0x80 or second & 0x7F > 125:
                raise _Violation(PROTOCOL_ERROR, "control frames are short and never fragmented")
        elif opcode > OP_BINARY:
            raise _Violation(PROTOCOL_ERROR, f"reserved opcode {opcode:#x}")
        elif opcode == OP_CONTINUATION:
            if not self._part_op:
                raise _Violation(PROTOCOL_ERROR, "a continuation frame with no message to continue")
        elif self._part_op:
            raise _Violation(PROTOCOL_ERROR, "a new message began inside a fragmented one")

    def _check_size(self, opcode: int, length: int) -> None:
        """A data frame of ``length`` bytes must keep its message within the bounds."""
        if opcode == OP_CONTINUATION:
            if len(self._parts) + len(self._texts) >= self.max_fragments:
                raise _Violation(MESSAGE_TOO_BIG,
                                 f"messages come in at most {self.max_fragments} fragments")
            length += self._part_size
        if length > self.max_message:
            raise _Violation(MESSAGE_TOO_BIG, f"messages are at most {self.max_message} bytes")

    def _message(self, opcode: int, payload: bytes) -> Text | Binary:
        self.messages_received += 1
        if opcode == OP_BINARY:
            return Binary(payload)
        try:
            return Text(payload.decode("utf-8"))
        except UnicodeDecodeError:
            raise _Violation(INVALID_DATA, "text messages must be UTF-8") from None

    def _frame(self, fin: int, opcode: int, payload: bytes) -> Event | None:
        """Any frame but a final text or binary one."""
        if opcode == OP_TEXT or opcode == OP_BINARY:  # the first fragment of a message
            self._part_op, self._part_size = opcode, len(payload)
            if opcode == OP_TEXT:
                self._decoder = codecs.getincrementaldecoder("utf-8")()
                self._texts = [self._text_part(payload)]
            else:
                self._parts = [payload]
            return None
        if opcode == OP_CONTINUATION:
            self._part_size += len(payload)
            if self._part_op == OP_TEXT:
                self._texts.append(self._text_part(payload, final=bool(fin)))
            else:
                self._parts.append(payload)
            if not fin:
                return None
            op = self._part_op
            message: Text | Binary = Text("".join(self._texts)) if op == OP_TEXT \
                else Binary(b"".join(self._parts))
            self._part_op, self._parts, self._texts, self._part_size = 0, [], [], 0
            self._decoder = None
            self.messages_received += 1
            return message
        if opcode == OP_PING:
            if self.state is State.OPEN and self.auto_pong:
                self._send(OP_PONG, payload)
            return Ping(payload)
        if opcode == OP_PONG:
            return Pong(payload)
        return self._closed_by_peer(payload)

    def _text_part(self, payload: bytes, final: bool = False) -> str:
        decoder = self._decoder
        assert decoder is not None
        try:
            return decoder.decode(payload, final)
        except UnicodeDecodeError:
            raise _Violation(INVALID_DATA, "text messages must be UTF-8") from None

    def _closed_by_peer(self, payload: bytes) -> Close:
        code, reason = NO_STATUS, ""
        if payload:
            if len(payload) < 2:
                raise _Violation(PROTOCOL_ERROR, "a close payload holds a code of two bytes")
            code = int.from_bytes(payload[:2], "big")
            if not is_sendable_close_code(code):
                raise _Violation(PROTOCOL_ERROR, f"invalid close code {code}")
            try:
                reason = payload[2:].decode("utf-8")
            except UnicodeDecodeError:
                raise _Violation(INVALID_DATA, "the close reason must be UTF-8") from None
        if self.state is State.OPEN:  # the peer began: answer with its code
            self._send(OP_CLOSE, close_payload(code))
        self.state = State.CLOSED
        return Close(code, reason)

    def fail(self, code: int, reason: str) -> Failure:
        """End the connection with ``code`` now (a close frame is queued unless one went
        out already); nothing more is read. For the bounds the caller keeps too, such as a
        rate of frames."""
        if self.state is State.OPEN:
            self._send(OP_CLOSE, close_payload(code, reason))
        self.state = State.CLOSED
        self._buffer = b""
        self._parts, self._texts, self._decoder = [], [], None
        return Failure(code, reason)

    # -- sending -----------------------------------------------------------------------------

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = None if self._masked else self._mask()
        self._out.append(encode_frame(opcode, payload, mask=mask))

    def send_text(self, text: str | bytes) -> None:
        """Queue a text message (``bytes`` must be UTF-8 already)."""
        if self.state is State.OPEN:
            self._send(OP_TEXT, text.encode() if isinstance(text, str) else text)

    def send_binary(self, data: bytes) -> None:
        if self.state is State.OPEN:
            self._send(OP_BINARY, data)

    def send_ping(self, payload: bytes = b"") -> None:
        if self.state is State.OPEN:
            self._send(OP_PING, payload)

    def send_pong(self, payload: bytes = b"") -> None:
        if self.state is State.OPEN:
            self._send(OP_PONG, payload)

    def send_close(self, code: int = 1000, reason: str = "") -> None:
        """Begin the closing handshake (once; nothing else is sent after it)."""
        if self.state is State.OPEN:
            self._send(OP_CLOSE, close_payload(code, reason))
            self.state = State.CLOSING

    def data_to_send(self) -> bytes:
        """What is queued to go to the peer, in order (and forgotten here)."""
        if not self._out:
            return b""
        data = b"".join(self._out)
        self._out.clear()
        return data
