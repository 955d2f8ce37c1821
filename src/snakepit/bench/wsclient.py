"""A WebSocket client protocol for load generation: cheap enough for thousands.

The handshake and the framing are :mod:`snakepit.websocket`'s (client role), the same code
the server reads frames with; this is only the asyncio glue. Each text message goes to a
callback as bytes. (Masks are all zero: RFC 6455 requires a mask, not a secret one, and a
load generator talking to 127.0.0.1 needs no protection from cache poisoning.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import cast

from ..websocket import (
    ZERO_MASK,
    ClientHandshake,
    Close,
    Connection,
    Failure,
    HandshakeError,
    Role,
    State,
    Text,
)


def _zero_mask() -> bytes:
    return ZERO_MASK


class WsClient(asyncio.Protocol):
    """One connection. ``on_text(payload)`` is called for every text message."""

    def __init__(self, host: str, port: int, on_text: Callable[[bytes], None],
                 on_open: Callable[[WsClient], None], on_close: Callable[[WsClient], None]):
        self._handshake: ClientHandshake | None = ClientHandshake(f"{host}:{port}")
        self._ws = Connection(Role.CLIENT, max_message=1 << 24, mask=_zero_mask)
        self._on_text, self._on_open, self._on_close = on_text, on_open, on_close
        self.transport: asyncio.Transport | None = None
        self.bytes_in = 0
        self.closed = False
        #: The HTTP status of the handshake's answer (0: none yet, -1: not HTTP at all).
        self.status = 0
        #: The close code of the server's close frame (1005: it had none), once one came.
        self.close_code: int | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        assert self._handshake is not None
        self.transport.write(self._handshake.request)

    def data_received(self, data: bytes) -> None:
        self.bytes_in += len(data)
        handshake = self._handshake
        if handshake is not None:
            try:
                if not handshake.receive_data(data):
                    return
            except HandshakeError:
                handshake.status = -1
            self.status = handshake.status
            self._handshake = None
            if self.status != 101:
                self.close()
                return
            data = handshake.rest
            self._on_open(self)
        ws = self._ws
        ws.receive_data(data)
        for event in ws.events():
            if type(event) is Text:
                self._on_text(event.text.encode())
            elif isinstance(event, Close | Failure):  # the server's close, or its answer
                if self.close_code is None:
                    self.close_code = event.code
        self._flush()  # pongs for its pings (as browsers answer them), the close's answer
        if ws.state is State.CLOSED and self.transport is not None:
            self.transport.close()

    def _flush(self) -> None:
        data = self._ws.data_to_send()
        if data and self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def send_text(self, payload: bytes) -> None:
        self._ws.send_text(payload)
        self._flush()

    def close(self) -> None:
        """Say goodbye as a browser does: a close frame (1000: the game ends now, it is not
        kept for a resume); the connection ends when the server answers it (or ``abort``)."""
        if self.transport is None or self.transport.is_closing():
            return
        if self._handshake is not None or self.status != 101 or \
                self._ws.state is not State.OPEN:
            self.transport.close()
            return
        self._ws.send_close(1000)
        self._flush()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._on_close(self)
