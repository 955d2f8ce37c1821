"""Who may connect, and how: the checks made before a WebSocket upgrade, and the deadline
for a request's headers.

- **Origin.** A browser sends the page's origin with every WebSocket handshake. A page on
  another site must not be able to play (or flood) in its visitors' names, so an ``Origin``
  that is neither this server's own address nor in the allow-list gets 403 before the
  upgrade. Clients that send no ``Origin`` (robots, the load generator, curl) are allowed:
  only browsers send one, and a browser always does.
- **Connections per address.** One address may hold ``limit`` open WebSockets; one more
  gets 429 before the upgrade. The address is the socket's peer, or the last hop of
  ``X-Forwarded-For`` when the operator says a proxy of theirs is in front.
- **Header deadline.** aiohttp waits for ever for a request's headers, so a client that
  trickles them in a byte at a time could hold a socket open for ever (and many such
  clients, all of them). :class:`GuardedSite` closes a connection whose request headers
  are not complete within ``header_timeout`` seconds of the connection (or, on a kept-alive
  connection, of the next request's first byte). Upgraded WebSocket connections are left
  alone: their liveness is the heartbeat's business.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from urllib.parse import urlsplit

from aiohttp import web

log = logging.getLogger("snakepit.guards")

_END = b"\r\n\r\n"
#: Bytes of a header block kept to look for the upgrade (aiohttp refuses far smaller ones).
_HEAD_LIMIT = 64 * 1024


def client_address(request: web.Request, trust_proxy: bool) -> str:
    """The client's address: the peer, or the last X-Forwarded-For hop if trusted."""
    if trust_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.remote or "?"


def origin_allowed(request: web.Request, allowed: tuple[str, ...]) -> bool:
    """No Origin, this server's own origin, or one of ``allowed``."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    origin = origin.strip().lower().rstrip("/")
    if origin in {a.lower().rstrip("/") for a in allowed}:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc == request.host.lower()


class AddressCounter:
    """Open connections per address, with a cap (0: none)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: Counter[str] = Counter()

    def acquire(self, address: str) -> bool:
        """Count one more connection from ``address``; False (not counted) if at the cap."""
        if self.limit and self.open[address] >= self.limit:
            return False
        self.open[address] += 1
        return True

    def release(self, address: str) -> None:
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]


class _HeaderDeadline(asyncio.Protocol):
    """Wraps aiohttp's protocol for one connection, closing it if a request's headers do not
    arrive in time. Everything else is passed through untouched."""

    def __init__(self, inner: asyncio.Protocol, timeout: float) -> None:
        self._inner = inner
        self._timeout = timeout
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._head = b""
        self._waiting = True  # for the end of a header block
        self._upgraded = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self._arm()
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self._upgraded:
            if not self._waiting:  # the first bytes of the next request on this connection
                self._waiting, self._head = True, b""
                self._arm()
            self._head = (self._head + data)[:_HEAD_LIMIT]
            if _END in self._head:
                self._waiting = False
                self._disarm()
                head = self._head[: self._head.index(_END)].lower()
                self._upgraded = b"\nupgrade: websocket" in head
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()

    def _arm(self) -> None:
        self._disarm()
        self._timer = asyncio.get_running_loop().call_later(self._timeout, self._expire)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self._timer = None
        if self._waiting and self._transport is not None:
            peer = self._transport.get_extra_info("peername")
            log.info("drop peer=%s reason=slow-headers timeout=%gs", peer and peer[0],
                     self._timeout)
            self._transport.abort()


class GuardedSite(web.TCPSite):
    """A TCP site whose connections must deliver each request's headers in time."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, *,
                 header_timeout: float) -> None:
        super().__init__(runner, host, port)
        self._header_timeout = header_timeout

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        timeout = self._header_timeout
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _HeaderDeadline(server(), timeout), self._host, self._port,
            reuse_address=True)
        sockets = self._server.sockets
        self._bound_port = sockets[0].getsockname()[1] if sockets else self._port
