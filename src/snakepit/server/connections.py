"""The game's WebSocket connections: the upgrade, each connection's life, the heartbeat.

:class:`Connections` answers upgrade requests to ``/ws`` (the protocol of docs/protocol.md)
and ``/connect`` (the 2016 protocol, docs/classic.md), as http.py hands them over:

- Before the upgrade: a malformed handshake gets 400 (426 for a WebSocket version other
  than 13), a stopping server 503, a page of another site 403, an address over its
  connection cap 429 (guards.py). Compression is never negotiated.
- After it, each connection is a :class:`GameConnection`: a bare :class:`WebSocket`, the
  game's :class:`Client` and its :class:`Session`. Messages go to the session as they are
  parsed; when the session asks for the connection to be closed (floods, strikes) it is.
- **Heartbeat.** One sweep every ``heartbeat / 8`` seconds looks at every connection: one
  silent for its interval (``heartbeat``, jittered by up to 25 % per connection so that
  clients who came together are not pinged together for ever) is pinged; one that stays
  silent for half an interval more has vanished, and its socket is aborted (its session
  may then be resumed). No connection has a timer of its own.
- At the end of a connection its session ends, or is kept for a resume when the
  connection dropped (no close frame: 1006) while the server is not stopping.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import random
import time
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from .classic import ClassicClient, ClassicInput
from .client import Client
from .guards import AddressCounter, HostNames, client_address, origin_allowed
from .http import Switch, Upgrade, set_send_buffer
from .session import Session
from .web import Request, Response, text_response
from .websocket import ABNORMAL, CLOSE_GRACE, WebSocket
from ..websocket import accept_key

if TYPE_CHECKING:
    from .hub import Hub

log = logging.getLogger("snakepit.http")

#: Seconds between two slices of the heartbeat's sweep (see ``Connections._heartbeat``).
SWEEP_SLICE = 0.1
#: Closes the WebSocket layer makes itself when a client breaks the protocol, by reason.
PROTOCOL_CLOSES = {1009: "too-big", 1007: "bad-utf8", 1002: "protocol-error", 1008: "flood",
                   1011: "internal-error"}


def handshake_problem(request: Request) -> Response | None:
    """Why ``request`` is not a WebSocket handshake this server takes (the answer to give
    it), or None if it is one."""
    if request.http_version != "1.1":
        return text_response(400, "a WebSocket handshake is an HTTP/1.1 request\n")
    if "upgrade" not in {t.strip().lower() for t in request.header("connection").split(",")}:
        return text_response(400, "a WebSocket handshake says Connection: Upgrade\n")
    if request.header("sec-websocket-version") != "13":
        return text_response(426, "this server speaks WebSocket version 13\n",
                             [("Sec-WebSocket-Version", "13")])
    try:
        key = base64.b64decode(request.header("sec-websocket-key"), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 16:
        return text_response(400, "Sec-WebSocket-Key must be 16 bytes in base64\n")
    return None


class Connections:
    """Every open game connection of this process."""

    def __init__(self, hub: Hub, addresses: AddressCounter, hosts: HostNames) -> None:
        self.hub = hub
        self.hosts = hosts
        self.settings = hub.settings
        self.addresses = addresses
        self.open: set[GameConnection] = set()
        #: The heartbeat looks at every connection every ``_every`` seconds, one of
        #: ``_slices`` (the connections by their hash) at a time.
        self._every = max(0.05, self.settings.heartbeat / 8)
        self._slices: list[set[GameConnection]] = [
            set() for _ in range(max(1, round(self._every / SWEEP_SLICE)))]
        self._sweeper: asyncio.Task[None] | None = None
        # Shared by every session (one object each, not one per connection).
        self.top_scores = lambda: hub.scoreboard.frame
        self.rejected = hub.metrics.rejected

    def routes(self) -> dict[str, Upgrade]:
        """The paths whose upgrades this object answers, and what answers each."""
        return {"/ws": partial(self.accept, classic=False),
                "/connect": partial(self.accept, classic=True)}

    def accept(self, request: Request, classic: bool = False) -> Response | Switch:
        """Check an upgrade request: an HTTP error to answer it with, or the 101's headers
        and what starts the game on the connection."""
        settings, metrics = self.settings, self.hub.metrics
        problem = handshake_problem(request)
        if problem is not None:
            return problem
        if self.hub.closing:
            return text_response(503, "the server is going down\n")
        origin = request.headers.get("origin")
        if not origin_allowed(origin, request.header("host"), settings.allowed_origins,
                              self.hosts):
            log.info("refused origin=%r peer=%s", origin, request.peer)
            metrics.rejected("origin")
            return text_response(403, f"pages of {origin} may not connect to this server\n")
        address = client_address(request.peer, request.header("x-forwarded-for"),
                                 settings.trust_proxy)
        if not self.addresses.acquire(address):
            log.info("refused peer=%s reason=too-many-connections", address)
            metrics.rejected("too-many-connections")
            return text_response(
                429, f"at most {self.addresses.limit} connections from one address\n")
        headers = [("Upgrade", "websocket"), ("Connection", "Upgrade"),
                   ("Sec-WebSocket-Accept", accept_key(request.header("sec-websocket-key")))]
        return Switch(headers, partial(self._start, address, classic))

    def _start(self, address: str, classic: bool, transport: asyncio.Transport,
               pending: bytes) -> None:
        """The 101 is on its way: the connection is a game's from here on."""
        settings = self.settings
        set_send_buffer(transport, settings.socket_send_buffer)
        socket = WebSocket(transport, address, max_message=settings.max_message_bytes,
                           send_buffer_limit=settings.send_buffer_limit,
                           interval=settings.heartbeat * random.uniform(0.75, 1.25))
        connection = GameConnection(self, socket, address, classic)
        self.open.add(connection)
        self._slices[hash(connection) % len(self._slices)].add(connection)
        socket.start(connection, pending)

    def closed(self, connection: GameConnection) -> None:
        self.open.discard(connection)
        self._slices[hash(connection) % len(self._slices)].discard(connection)
        self.addresses.release(connection.address)

    # -- heartbeat and goodbye ----------------------------------------------------------------

    def start(self) -> None:
        self._sweeper = asyncio.get_running_loop().create_task(self._heartbeat(),
                                                               name="heartbeat")

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
            self._sweeper = None

    async def _heartbeat(self) -> None:
        """Every connection is looked at every eighth of the heartbeat (at least every
        50 ms), a slice of them about every 0.1 s: with thousands of connections a whole
        sweep at once (and the pings it sends) would hold up the arenas' ticks for
        milliseconds."""
        part = 0
        while True:
            await asyncio.sleep(self._every / len(self._slices))
            self.sweep(time.monotonic(), self._slices[part])
            part = (part + 1) % len(self._slices)

    def sweep(self, now: float, connections: Iterable[GameConnection] | None = None) -> None:
        """Ping the connections silent for their interval; abort the ones that stayed
        silent half an interval after their ping. (All of them, or those given.)"""
        for connection in list(self.open if connections is None else connections):
            socket = connection.socket
            if socket.closing:
                continue
            if socket.pinged:
                if now - socket.pinged >= socket.interval / 2:
                    log.info("vanished client=%d peer=%s silent=%.1fs",
                             connection.session.client.id, connection.address,
                             now - socket.heard)
                    socket.transport.abort()
            elif now - socket.heard >= socket.interval:
                socket.ping()

    async def goodbye(self, code: int = 1001, text: str = "server shutting down") -> None:
        """Close every connection with ``code`` and wait (a little) until they are gone."""
        for connection in list(self.open):
            connection.socket.close(code, text)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLOSE_GRACE + 0.5
        while self.open and loop.time() < deadline:
            await asyncio.sleep(0.02)


class GameConnection:
    """One player's (or spectator's, or robot's) connection: socket, client and session."""

    __slots__ = ("address", "connections", "input", "session", "socket")

    def __init__(self, connections: Connections, socket: WebSocket, address: str,
                 classic: bool) -> None:
        hub, settings = connections.hub, connections.settings
        self.connections = connections
        self.socket = socket
        self.address = address
        client = (ClassicClient if classic else Client)(
            hub.next_client_id(), socket, address, metrics=hub.metrics)
        session = Session(client, hub.arenas, max_strikes=settings.max_strikes,
                          top_scores=connections.top_scores,
                          max_message_bytes=settings.max_message_bytes,
                          message_rate=settings.message_rate,
                          message_burst=settings.message_burst,
                          on_refuse=connections.rejected, seats=connections.addresses,
                          resumes=None if classic else hub.resumes)  # classic: no tokens
        session.socket = socket
        socket.allowance = session.allowance  # frames and messages spend one allowance
        self.session = session
        #: The 2016 protocol's reader, for a classic connection.
        self.input = ClassicInput(session) if classic else None
        log.info("connect client=%d peer=%s", client.id, address)
        hub.metrics.connected()

    def on_text(self, text: str) -> None:
        if self.input is None:
            self.session.on_text(text)
        else:
            self.input.on_text(text)
        if self.session.close_with is not None:
            self._drop()

    def on_binary(self, data: bytes) -> None:
        self.session.on_binary(data)
        if self.session.close_with is not None:
            self._drop()

    def _drop(self) -> None:
        """The session asked for the connection to be closed (a flood, too many strikes)."""
        session = self.session
        assert session.close_with is not None
        code, reason, text = session.close_with
        session.leave()  # no frame may follow the close frame
        client = session.client
        if client.dropped is None:
            client.dropped = reason
            self.connections.hub.metrics.dropped(reason)
            log.info("drop client=%d peer=%s reason=%s", client.id, self.address, reason)
        self.socket.close(code, text)

    def on_protocol_error(self, code: int) -> None:
        client = self.session.client
        if client.dropped is None:
            client.dropped = PROTOCOL_CLOSES.get(code, "protocol-error")
            self.connections.hub.metrics.dropped(client.dropped)
            log.info("drop client=%d peer=%s reason=%s", client.id, self.address,
                     client.dropped)

    def on_closing(self) -> None:
        self.session.client.socket_closing(self.socket)

    def on_backlog(self) -> None:
        """The peer reads too slowly: cut it off, and out of its arena now (its snake
        leaves at the next tick), not when its socket finally closes."""
        session = self.session
        client = session.client
        if client.socket is self.socket and not session.handed_over:
            client.cut("slow", code=1013, message="too slow: not reading what the server sends")
            session.leave()

    def on_closed(self, code: int) -> None:
        hub = self.connections.hub
        self.connections.closed(self)
        session = self.session
        client = session.client
        # A close either side asked for ends the game now; a connection that dropped (no
        # close frame) may be resumed for a while.
        session.end(resumable=not hub.closing and code == ABNORMAL)
        log.info("disconnect client=%d reason=%s close_code=%s", client.id,
                 client.dropped or ("shutdown" if hub.closing else "client"), code)
