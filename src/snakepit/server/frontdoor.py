"""The front door of every TCP connection: the head of its first request decides who serves it.

- A WebSocket upgrade (``GET`` with ``Upgrade: websocket``) to one of the game's paths is
  answered here, and the connection becomes a bare :class:`~.websocket.WebSocket`: no
  aiohttp request, task or queue stays behind for the hours a player may stay.
- Everything else (the page, its files, the JSON API, the metrics) is handed to aiohttp's
  own protocol, with the bytes read so far, and served by the aiohttp application.
- **Header deadline.** A client that trickles a request's head in a byte at a time could
  otherwise hold a socket open for ever (and many such clients, all of them): a connection
  whose request head is not complete within ``header_timeout`` seconds of the connection
  (or, on a kept-alive connection, of the next request's first byte) is closed.

Browsers always open a new connection for a WebSocket, so deciding on the first request
is enough; an upgrade sent later on a kept-alive HTTP connection reaches aiohttp, whose
route for the path answers 426.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

log = logging.getLogger("snakepit.guards")

_END = b"\r\n\r\n"
#: Bytes of a request head read here at most; a longer one goes to aiohttp, which refuses it.
HEAD_LIMIT = 16 * 1024


@dataclass(frozen=True, slots=True)
class RequestHead:
    """The parts of a request's head the front door and the upgrade look at."""

    method: str
    path: str
    query: str
    version: str
    #: Header names in lower case; repeated headers joined with ", ".
    headers: dict[str, str]

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)


def parse_head(raw: bytes) -> RequestHead | None:
    """The request line and headers of ``raw`` (up to, not including, the blank line), or
    None when it is not a well-formed HTTP/1.x request head."""
    try:
        text = raw.decode("latin-1")
    except UnicodeDecodeError:  # pragma: no cover -- latin-1 decodes any bytes
        return None
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return None
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or " " in name:
            return None
        key = name.lower()
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    path, _, query = target.partition("?")
    return RequestHead(method, path, query, version, headers)


#: Serves an upgrade: (the request's head, the transport, bytes that came after the head).
Upgrade = Callable[[RequestHead, asyncio.Transport, bytes], None]


class FrontDoor(asyncio.Protocol):
    """One connection until its first request's head is read; then aiohttp's protocol (with
    a header deadline for every further request) or a game WebSocket."""

    def __init__(self, make_http: Callable[[], asyncio.Protocol],
                 upgrades: dict[str, Upgrade], timeout: float) -> None:
        self._make_http = make_http
        self._upgrades = upgrades
        self._timeout = timeout
        self._inner: asyncio.Protocol | None = None
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._head = b""
        self._waiting = True  # for the end of a request head
        #: The first request was an upgrade, served (or refused) by its route.
        self._served = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._inner is None:
            if not self._served:
                self._first(data)
            return  # an upgrade was refused: the connection is closing, read no more
        if not self._waiting:  # the first bytes of the next request on this connection
            self._waiting, self._head = True, b""
            self._arm()
        if self._waiting:
            self._head = (self._head + data)[-HEAD_LIMIT:]
            if _END in self._head:
                self._waiting = False
                self._disarm()
        self._inner.data_received(data)

    def _first(self, data: bytes) -> None:
        """Read the first request's head; then serve the upgrade or hand over to aiohttp."""
        transport = self._transport
        assert transport is not None
        self._head += data
        end = self._head.find(_END)
        if end < 0 and len(self._head) <= HEAD_LIMIT:
            return
        self._disarm()
        if end >= 0:
            head = parse_head(self._head[:end])
            if head is not None and head.method == "GET" and head.path in self._upgrades \
                    and "websocket" in head.header("upgrade").lower():
                rest, self._head = self._head[end + 4:], b""
                self._served = True
                self._upgrades[head.path](head, transport, rest)
                return
        buffered, self._head = self._head, b""
        self._waiting = end < 0
        if self._waiting:
            self._arm()
        self._inner = self._make_http()
        self._inner.connection_made(transport)
        self._inner.data_received(buffered)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._inner is not None:
            self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
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


#: The app's WebSocket routes: path -> what serves an upgrade to it (see connections.py).
UPGRADES = web.AppKey("upgrades", dict)


class SnakepitSite(web.TCPSite):
    """A TCP site whose connections come in through the :class:`FrontDoor`: the app's
    WebSocket routes (``app[UPGRADES]``) are served there, the rest by aiohttp."""

    def __init__(self, runner: web.AppRunner, host: str, port: int, *,
                 header_timeout: float) -> None:
        super().__init__(runner, host, port)
        self._header_timeout = header_timeout

    @property
    def port(self) -> int:
        """The port it listens on (the one picked when asked for port 0)."""
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        app = self._runner.app  # type: ignore[attr-defined]
        upgrades = app.get(UPGRADES, {}) if app is not None else {}
        timeout = self._header_timeout
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: FrontDoor(server, upgrades, timeout), self._host, self._port,
            reuse_address=True, backlog=4096)


async def start_site(app: web.Application, host: str, port: int, *,
                     header_timeout: float = 5.0) -> tuple[web.AppRunner, SnakepitSite]:
    """Run ``app`` on ``host:port`` behind the front door (as ``snakepit serve`` does);
    ``runner.cleanup()`` stops it."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = SnakepitSite(runner, host, port, header_timeout=header_timeout)
    await site.start()
    return runner, site
