"""The front door of every TCP connection: each GET request's head decides who serves it.

- A WebSocket upgrade (``GET`` with ``Upgrade: websocket``) to one of the game's paths is
  answered here, and the connection becomes a bare :class:`~.websocket.WebSocket`: no
  aiohttp request, task or queue stays behind for the hours a player may stay. This holds
  for an upgrade on a kept-alive connection too (a reverse proxy may reuse one): aiohttp,
  which served the earlier requests, lets go of the connection first.
- Everything else (the page, its files, the JSON API, the metrics) is handed to aiohttp's
  own protocol, request by request, and served by the aiohttp application.
- **Header deadline.** A client that trickles a request's head in a byte at a time could
  otherwise hold a socket open for ever (and many such clients, all of them): a connection
  whose request head is not complete within ``header_timeout`` seconds of the connection
  (or, on a kept-alive connection, of the next request's first byte) is closed.

Only GET requests without a body are looked at: after any other request the connection is
aiohttp's to the end (an upgrade is always a GET).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

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


class LentTransport:
    """The connection's transport as lent to aiohttp: everything passes through until the
    connection is taken back for a WebSocket; from then on what aiohttp does to it (close
    it, write its goodbyes) is ignored, so it can let go of the connection cleanly."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self.taken_back = False

    def __getattr__(self, name: str) -> object:  # get_extra_info, buffer sizes, ...
        return getattr(self._transport, name)

    def write(self, data: bytes) -> None:
        if not self.taken_back:
            self._transport.write(data)

    def writelines(self, data: list[bytes]) -> None:
        if not self.taken_back:
            self._transport.writelines(data)

    def close(self) -> None:
        if not self.taken_back:
            self._transport.close()

    def abort(self) -> None:
        if not self.taken_back:
            self._transport.abort()

    def is_closing(self) -> bool:
        return self.taken_back or self._transport.is_closing()

    def pause_reading(self) -> None:
        if not self.taken_back:
            self._transport.pause_reading()

    def resume_reading(self) -> None:
        if not self.taken_back:
            self._transport.resume_reading()


class FrontDoor(asyncio.Protocol):
    """Reads the head of every GET request on its connection before anyone else does: an
    upgrade to a game path is handed to its route (taking the connection back from aiohttp
    if aiohttp served earlier requests on it: a proxy may reuse a kept-alive connection for
    a WebSocket); any other request goes to aiohttp's protocol. Once a request with a body
    (or not a GET) comes, the rest of the connection is aiohttp's alone."""

    def __init__(self, make_http: Callable[[], asyncio.Protocol],
                 upgrades: dict[str, Upgrade], timeout: float) -> None:
        self._make_http = make_http
        self._upgrades = upgrades
        self._timeout = timeout
        self._inner: asyncio.Protocol | None = None
        self._lent: LentTransport | None = None
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._head = b""
        #: At a request boundary: the next bytes are a request's head, read here first.
        self._reading_heads = True
        #: The connection was given to an upgrade route (served, or refused and closing).
        self._served = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # a stream's: uvloop's or asyncio's
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._served:
            return  # an upgrade was refused: the connection is closing, read no more
        if not self._reading_heads:
            assert self._inner is not None
            self._inner.data_received(data)
            return
        if not self._head and self._inner is not None:
            self._arm()  # the first byte of a later request: its head has a deadline too
        self._head += data
        while self._head and self._reading_heads and not self._served:
            if not self._next_head():
                return

    def _next_head(self) -> bool:
        """Deal with the request whose head begins ``self._head``; False while its head is
        still incomplete."""
        if self._head[:4] != b"GET "[:len(self._head)]:  # not a GET: never an upgrade
            self._to_http(self._head, reading_heads=False)
            return True
        end = self._head.find(_END)
        if end < 0:
            if len(self._head) > HEAD_LIMIT:  # aiohttp will refuse it
                self._to_http(self._head, reading_heads=False)
                return True
            return False
        self._disarm()
        head = parse_head(self._head[:end])
        if head is not None and head.path in self._upgrades \
                and "websocket" in head.header("upgrade").lower():
            rest, self._head = self._head[end + 4:], b""
            self._take_back()
            self._served = True
            assert self._transport is not None
            self._upgrades[head.path](head, self._transport, rest)
            return True
        has_body = head is None or "transfer-encoding" in head.headers or \
            head.header("content-length", "0") != "0"
        if has_body:
            self._to_http(self._head, reading_heads=False)
        else:  # served by aiohttp; what follows it is the next request's head
            request, self._head = self._head[:end + 4], self._head[end + 4:]
            self._to_http(request, reading_heads=True)
            if self._head:
                self._arm()
        return True

    def _to_http(self, data: bytes, *, reading_heads: bool) -> None:
        if self._inner is None:
            assert self._transport is not None
            self._lent = LentTransport(self._transport)
            self._inner = self._make_http()
            # Duck-typed: every attribute it does not define is the real transport's.
            self._inner.connection_made(cast(asyncio.Transport, self._lent))
        if not reading_heads:
            self._disarm()
            self._head = b""
        self._reading_heads = reading_heads
        self._inner.data_received(data)

    def _take_back(self) -> None:
        """aiohttp served earlier requests on this connection: it lets go of it now."""
        if self._inner is None or self._lent is None:
            return
        self._lent.taken_back = True
        inner, self._inner = self._inner, None
        inner.connection_lost(None)

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
        if self._reading_heads and not self._served and self._transport is not None:
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
        self._app = runner.app
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
        upgrades = self._app.get(UPGRADES, {})
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
