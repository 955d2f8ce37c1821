"""WebSocket (RFC 6455) without I/O: frames, a connection's state machine, the handshake.

Bytes in, events and bytes out; no sockets, no asyncio, no clock. The server
(:mod:`snakepit.server.websocket`) and every Python client of ours (the bench's load
generator, the fault injector, the tests' raw clients, the Autobahn echo endpoint) read and
write frames through this package, so there is one implementation of the framing to test,
fuzz and hold to Autobahn|Testsuite (docs/reliability.md).
"""

from .connection import (
    Binary,
    Close,
    Connection,
    Event,
    Failure,
    Ping,
    Pong,
    Role,
    State,
    Text,
)
from .frames import (
    ABNORMAL,
    NO_STATUS,
    OP_BINARY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    ZERO_MASK,
    close_frame,
    encode_frame,
    text_frame,
    unmask,
)
from .handshake import ClientHandshake, HandshakeError, accept_key, new_key

__all__ = [
    "ABNORMAL",
    "NO_STATUS",
    "OP_BINARY",
    "OP_CLOSE",
    "OP_CONTINUATION",
    "OP_PING",
    "OP_PONG",
    "OP_TEXT",
    "ZERO_MASK",
    "Binary",
    "ClientHandshake",
    "Close",
    "Connection",
    "Event",
    "Failure",
    "HandshakeError",
    "Ping",
    "Pong",
    "Role",
    "State",
    "Text",
    "accept_key",
    "close_frame",
    "encode_frame",
    "new_key",
    "text_frame",
    "unmask",
]
