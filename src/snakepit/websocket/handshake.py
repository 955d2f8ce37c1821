"""The opening handshake (RFC 6455, section 4): the keys, and the client's side of it.

The server's side is an HTTP request like any other until it is accepted, so the server's
HTTP layer (h11) reads it; what this module adds there is :func:`accept_key`. A client of
ours (the bench's, the fault injector's, the tests') uses :class:`ClientHandshake`, which
lets h11 write the request and read the answer, so no one here parses HTTP by hand.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable

import h11

#: RFC 6455's fixed GUID, hashed with the client's key to prove the upgrade was understood.
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a handshake's ``Sec-WebSocket-Key`` (4.2.2)."""
    return base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest()).decode()


def new_key() -> str:
    """A fresh ``Sec-WebSocket-Key``: 16 random bytes in base64."""
    return base64.b64encode(os.urandom(16)).decode()


class HandshakeError(Exception):
    """The server's answer was not an HTTP response at all."""


class ClientHandshake:
    """A client's opening handshake: the request to write, then the answer, read from
    whatever bytes come back until its head is complete.

    After :meth:`receive_data` returned True: ``status`` is the answer's status (101:
    upgraded, and ``accepted`` says whether the accept key was right), ``headers`` its
    headers (lower-case names), ``body`` what came with a refusal so far, and ``rest`` the
    bytes after a 101's head (the server's first frames).
    """

    def __init__(self, host: str, path: str = "/ws", *,
                 headers: Iterable[tuple[str, str]] = (), key: str | None = None) -> None:
        self.key = key or new_key()
        self._http = h11.Connection(h11.CLIENT)
        fields = [("Host", host), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
                  ("Sec-WebSocket-Key", self.key), ("Sec-WebSocket-Version", "13"),
                  *headers]
        #: The request's bytes, to be written first.
        self.request = self._http.send(h11.Request(method="GET", target=path, headers=fields))
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""
        self.rest = b""

    @property
    def accepted(self) -> bool:
        """A 101 whose ``Sec-WebSocket-Accept`` answers this handshake's key."""
        return self.status == 101 and self.headers.get("sec-websocket-accept") == \
            accept_key(self.key)

    def receive_data(self, data: bytes) -> bool:
        """Read ``data`` (b"" when the server closed the connection); True once the answer's
        head was read (or the connection ended without one: ``status`` stays 0)."""
        if self.status:
            if self.status != 101:
                self.body += data
            return True
        try:
            self._http.receive_data(data)
            event = self._http.next_event()
        except h11.RemoteProtocolError as exc:
            raise HandshakeError(f"not an HTTP answer: {exc}") from None
        if event is h11.NEED_DATA:
            return False
        if isinstance(event, h11.ConnectionClosed):
            return True
        if not isinstance(event, h11.InformationalResponse | h11.Response):
            raise HandshakeError(f"not an HTTP answer: {event!r}")
        self.status = event.status_code
        for name, value in event.headers:
            key, text = name.decode("latin-1").lower(), value.decode("latin-1")
            self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text
        if self.status == 101:
            self.rest = self._http.trailing_data[0]
        else:
            while isinstance(event := self._http.next_event(), h11.Data):
                self.body += event.data
        return True
