"""Every TCP connection of the server, from its first byte: HTTP/1.1 parsed by h11 (one
implementation owns the socket until it becomes a WebSocket, and then the WebSocket does).

- **One request at a time, in order.** Pipelined requests are answered one after the
  other, each in its own turn of the event loop, so a burst of them on one socket never
  holds up the arenas. Reading pauses while a request is being answered (at most one
  read's worth waits), and while more than ``WRITE_LIMIT`` bytes of answers wait for a
  peer that does not read them.
- **Upgrades.** A request to one of the ``upgrades`` paths that asks for an upgrade is
  answered by its route: a :class:`~.web.Response` (a refusal: sent, then the connection is
  closed) or a :class:`Switch` (101; the connection is handed over, with any bytes that
  came after the head).
- **Deadlines.** A request's whole head must arrive within ``header_timeout`` seconds of
  its first byte (of the connection, for the first request), whatever its method; a
  kept-alive connection idle for ``keepalive_timeout`` seconds between requests is closed.
- **Limits.** A head over ``HEAD_LIMIT`` bytes gets 431; a malformed one 400; a method
  other than GET or HEAD 405; a request with a body is answered and the connection closed.
  One address holds at most ``max_per_address`` HTTP connections (not counting the ones
  that became WebSockets: those have their own cap); one more is answered 429 and closed.
- **Names.** A request whose Host is not one of the server's names (guards.HostNames) gets
  421 before anything else looks at it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import socket as sockets
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from typing import cast

import h11

from .guards import AddressCounter, HostNames
from .web import HTTPError, Request, Response, Router, text_response

log = logging.getLogger("snakepit.http")

#: Bytes a request's head may take; a longer one gets 431.
HEAD_LIMIT = 16 * 1024
#: Bytes of answers waiting for the peer past which no further request is answered.
WRITE_LIMIT = 64 * 1024
#: Seconds a closing connection has to take its last answer before it is aborted.
DRAIN_GRACE = 10.0
#: Seconds a closing server lets running requests finish.
CLOSE_GRACE = 2.0


@dataclass(frozen=True, slots=True)
class Switch:
    """An upgrade's acceptance: the 101's headers, and what takes the connection over
    (``start(transport, bytes_after_the_head)``)."""

    headers: list[tuple[str, str]]
    start: Callable[[asyncio.Transport, bytes], None]


Upgrade = Callable[[Request], "Response | Switch"]


class _Date:
    """The Date header's value, worked out at most once a second."""

    def __init__(self) -> None:
        self._second = -1
        self._value = b""

    def __call__(self) -> bytes:
        now = int(asyncio.get_running_loop().time())
        if now != self._second:
            self._second = now
            self._value = formatdate(usegmt=True).encode()
        return self._value


class HttpServer:
    """The listening socket and its connections."""

    def __init__(self, router: Router, upgrades: dict[str, Upgrade], hosts: HostNames, *,
                 header_timeout: float = 5.0, keepalive_timeout: float = 30.0,
                 max_per_address: int = 32, on_refuse: Callable[[str], None] = lambda _: None,
                 ) -> None:
        self.router = router
        self.upgrades = upgrades
        self.hosts = hosts
        self.header_timeout = header_timeout
        self.keepalive_timeout = keepalive_timeout
        self.addresses = AddressCounter(max_per_address)
        self.on_refuse = on_refuse
        self.open: set[HttpConnection] = set()
        self.date = _Date()
        self._server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: HttpConnection(self), host, port,
                                                reuse_address=True, backlog=4096)

    @property
    def addresses_listening(self) -> list[tuple[str, int]]:
        assert self._server is not None
        return [cast(tuple[str, int], s.getsockname()[:2]) for s in self._server.sockets]

    @property
    def port(self) -> int:
        return self.addresses_listening[0][1]

    def stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()

    async def close(self) -> None:
        """Stop listening, close the idle connections, give running requests a moment."""
        self.stop_listening()
        for connection in list(self.open):
            connection.close_when_idle()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLOSE_GRACE
        while self.open and loop.time() < deadline:
            await asyncio.sleep(0.02)
        for connection in list(self.open):
            connection.abort()
        if self._server is not None:
            await self._server.wait_closed()


class HttpConnection(asyncio.Protocol):
    """One TCP connection while it speaks HTTP."""

    def __init__(self, server: HttpServer) -> None:
        self.server = server
        self._h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=HEAD_LIMIT)
        self._transport: asyncio.Transport | None = None
        self.peer = "?"
        self._counted = False
        self._timer: asyncio.TimerHandle | None = None
        #: Waiting between requests (the keep-alive deadline runs), not inside one.
        self._idle = False
        self._request: Request | None = None
        self._keep_alive = True
        self._task: asyncio.Task[None] | None = None
        self._scheduled = False
        self._paused = False
        self._write_paused = False  # answers wait for the peer: answer no more for now
        self._done = False  # switched to another protocol, or closing
        self._closing_when_idle = False

    # -- asyncio.Protocol ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport = cast(asyncio.Transport, transport)
        peername = transport.get_extra_info("peername")
        self.peer = str(peername[0]) if peername else "?"
        if not self.server.addresses.acquire(self.peer):
            log.info("refused peer=%s reason=too-many-http", self.peer)
            self.server.on_refuse("too-many-http")
            body = (f"at most {self.server.addresses.limit} HTTP connections from one "
                    "address\n").encode()
            transport.write(b"HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\n"
                            b"Content-Type: text/plain; charset=utf-8\r\n"
                            b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            self._done = True
            transport.close()
            return
        self._counted = True
        self.server.open.add(self)
        transport.set_write_buffer_limits(high=WRITE_LIMIT)
        self._arm(self.server.header_timeout)

    def data_received(self, data: bytes) -> None:
        if self._done:
            return
        if self._idle:  # the first byte of the next request: its head has a deadline
            self._idle = False
            self._arm(self.server.header_timeout)
        self._h11.receive_data(data)
        if self._ready():
            self._advance()
        else:  # busy answering: what came waits, and nothing more is read meanwhile
            self._pause()

    def eof_received(self) -> bool | None:
        if self._done:
            return None
        self._h11.receive_data(b"")
        if self._ready():
            self._advance()
        return True  # the answers being written are still sent; then it closes

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        self._kick()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._task is not None:
            self._task.cancel()
        self._release()
        self._done = True

    # -- requests ------------------------------------------------------------------------------

    def _ready(self) -> bool:
        """Free to take the next request: none is being answered or waiting its turn."""
        return not (self._done or self._task is not None or self._scheduled
                    or self._write_paused)

    def _kick(self) -> None:
        """Take the next request (if any is buffered) in a turn of its own."""
        if self._ready():
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._advance)

    def _advance(self) -> None:
        """Read events until a request is being answered or more bytes are needed."""
        self._scheduled = False
        while self._ready():
            try:
                event = self._h11.next_event()
            except h11.RemoteProtocolError as exc:
                status = exc.error_status_hint
                text = "request head too large" if status == 431 else "malformed request"
                self._keep_alive = False
                self._answer_error(status, f"{text}: {exc}")
                return
            if event is h11.NEED_DATA:
                if self._h11.their_state is h11.DONE and self._h11.our_state is h11.DONE:
                    return
                self._resume()
                return
            if event is h11.PAUSED:
                # After an upgrade request (answered, or waiting for an earlier answer).
                return
            if isinstance(event, h11.ConnectionClosed):
                self._close()
                return
            if isinstance(event, h11.Request):
                self._idle = False
                self._disarm()
                self._begin(event)
            elif isinstance(event, h11.EndOfMessage):
                request, self._request = self._request, None
                if request is not None:
                    self._dispatch(request)
            # Data of a body: ignored (such a request was already answered).

    def _begin(self, event: h11.Request) -> None:
        size = len(event.target) + sum(len(n) + len(v) + 4 for n, v in event.headers)
        if size > HEAD_LIMIT:  # it came whole in one read, so h11 did not measure it
            self._keep_alive = False
            self._answer_error(431, "request head too large")
            return
        request = Request.parse(event.method, event.target, list(event.headers),
                                event.http_version, self.peer)
        has_body = "transfer-encoding" in request.headers or \
            request.header("content-length", "0").strip() not in ("", "0")
        if has_body:
            self._keep_alive = False  # its body is never read: the connection ends after
        if not self.server.hosts.allowed(request.header("host")):
            log.info("refused peer=%s reason=unknown-host host=%r", self.peer,
                     request.header("host"))
            self.server.on_refuse("unknown-host")
            self._keep_alive = False
            self._send(request, text_response(
                421, "this server does not answer for that host name (its operator can "
                     "add it: snakepit serve --allowed-host NAME)\n"))
            return
        if request.method not in ("GET", "HEAD"):
            self._keep_alive = False
            self._send(request, text_response(405, "only GET and HEAD are served here\n",
                                              [("Allow", "GET, HEAD")]))
            return
        if has_body:
            self._send(request, text_response(400, "a GET request has no body\n"))
            return
        self._request = request

    def _dispatch(self, request: Request) -> None:
        upgrade = self.server.upgrades.get(request.path)
        if upgrade is not None and "websocket" in request.header("upgrade").lower():
            answer = upgrade(request)
            if isinstance(answer, Switch):
                self._switch(answer)
            else:
                self._keep_alive = False
                self._send(request, answer)
            return
        handler = self.server.router.find(request)
        if handler is None:
            self._send(request, text_response(404, "not found\n"))
            return
        try:
            result = handler(request)
        except HTTPError as exc:
            self._send(request, exc.response())
            return
        except Exception:
            log.exception("request failed path=%s", request.path)
            self._send(request, text_response(500, "internal error\n"))
            return
        if inspect.isawaitable(result):
            self._task = asyncio.ensure_future(self._finish(request, result))
        else:
            self._send(request, result)

    async def _finish(self, request: Request, pending: object) -> None:
        try:
            response = await pending  # type: ignore[misc]
        except HTTPError as exc:
            response = exc.response()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("request failed path=%s", request.path)
            response = text_response(500, "internal error\n")
        self._task = None
        if not self._done:
            self._send(request, response)

    def _send(self, request: Request, response: Response) -> None:
        """Write ``response`` to ``request``; then the next request, or the end."""
        assert self._transport is not None
        head_only = request.method == "HEAD"
        headers: list[tuple[str, str | bytes]] = [*response.header_list(),
                                                  ("Date", self.server.date())]
        if response.status not in (204, 304):
            headers.append(("Content-Length", str(len(response.body))))
        if not self._keep_alive or self._closing_when_idle:
            headers.append(("Connection", "close"))
        try:
            data = self._h11.send(h11.Response(
                status_code=response.status, headers=headers,
                reason=_reason(response.status))) or b""
            if response.body and not head_only and response.status not in (204, 304):
                data += self._h11.send(h11.Data(data=response.body)) or b""
            data += self._h11.send(h11.EndOfMessage()) or b""
        except h11.LocalProtocolError:
            log.exception("cannot answer path=%s", request.path)
            self._close()
            return
        self._transport.write(data)
        self._next()

    def _answer_error(self, status: int, text: str) -> None:
        """A request that could not be parsed: answer it (if h11 still may) and close."""
        assert self._transport is not None
        if self._h11.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            body = (text.rstrip("\n") + "\n").encode()
            try:
                data = self._h11.send(h11.Response(
                    status_code=status, reason=_reason(status), headers=[
                        ("Content-Type", "text/plain; charset=utf-8"),
                        ("Content-Length", str(len(body))), ("Connection", "close")])) or b""
                data += (self._h11.send(h11.Data(data=body)) or b"") + \
                    (self._h11.send(h11.EndOfMessage()) or b"")
                self._transport.write(data)
            except h11.LocalProtocolError:
                pass
        self._close()

    def _next(self) -> None:
        h = self._h11
        if h.our_state is h11.MUST_CLOSE or h.their_state is h11.MUST_CLOSE \
                or self._closing_when_idle or not self._keep_alive:
            self._close()
            return
        if h.our_state is h11.DONE and h.their_state is h11.DONE:
            h.start_next_cycle()
        elif h.their_state is not h11.DONE:  # answered before the request ended
            self._close()
            return
        # Between requests: the keep-alive deadline runs until the next one's first byte
        # (data_received) or its whole head, if it is already here (_advance).
        self._idle = True
        self._arm(self.server.keepalive_timeout)
        self._kick()

    def _switch(self, switch: Switch) -> None:
        """101: the connection is the upgrade's from here on."""
        assert self._transport is not None
        data = self._h11.send(h11.InformationalResponse(
            status_code=101, headers=switch.headers, reason=b"Switching Protocols")) or b""
        transport = self._transport
        transport.write(data)
        pending = self._h11.trailing_data[0]
        self._done = True
        self._disarm()
        self._release()
        if self._paused:
            self._paused = False
            transport.resume_reading()
        transport.set_write_buffer_limits()  # the new protocol sets its own
        switch.start(transport, pending)

    # -- the connection ------------------------------------------------------------------------

    def close_when_idle(self) -> None:
        """The server is stopping: close now if between requests, else after the answer."""
        self._closing_when_idle = True
        if self._task is None:
            self._close()

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()

    def _close(self) -> None:
        """Close once the answers are written; a peer that does not take them within
        ``DRAIN_GRACE`` is aborted. The address's slot is freed when the socket is gone."""
        self._done = True
        self._disarm()
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        transport.close()
        if transport.get_write_buffer_size():
            self._timer = asyncio.get_running_loop().call_later(DRAIN_GRACE, transport.abort)

    def _release(self) -> None:
        if self._counted:
            self._counted = False
            self.server.addresses.release(self.peer)
            self.server.open.discard(self)

    def _pause(self) -> None:
        if self._transport is not None and not self._paused:
            self._paused = True
            self._transport.pause_reading()

    def _resume(self) -> None:
        if self._transport is not None and self._paused:
            self._paused = False
            self._transport.resume_reading()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._timer = asyncio.get_running_loop().call_later(seconds, self._expire)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self._timer = None
        if self._done or self._task is not None:
            return
        if self._idle:
            log.debug("close peer=%s reason=idle timeout=%gs", self.peer,
                      self.server.keepalive_timeout)
            self._close()
        else:
            log.info("drop peer=%s reason=slow-headers timeout=%gs", self.peer,
                     self.server.header_timeout)
            self._done = True  # the slot is freed when the socket is gone (connection_lost)
            if self._transport is not None:
                self._transport.abort()


def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


def set_send_buffer(transport: asyncio.Transport, size: int | None) -> None:
    """Ask the kernel for a send buffer of ``size`` bytes on ``transport``'s socket."""
    if size is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(sockets.SOL_SOCKET, sockets.SO_SNDBUF, size)
