"""An echo endpoint for Autobahn|Testsuite's fuzzingclient, on the server's own WebSocket layer.

    .venv/bin/python tools/autobahn/echo.py --port 9001 [--host 127.0.0.1] [--debug]

A test endpoint only (never part of the game server). h11 reads the HTTP upgrade request
and writes the 101 (as the server's HTTP layer does); then the transport goes to
:class:`snakepit.server.websocket.WebSocket`, as ``Connections.accept`` hands it over, with
no allowance (no bound on control frames or fragments per second), and message bounds wide
enough for case group 9 (16 MB messages; 4 MB in 64-byte fragments). Every text message is
written back as one text frame, every binary message as one binary frame.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import h11

from snakepit.eventloop import run
from snakepit.server.websocket import WebSocket
from snakepit.websocket import OP_BINARY, accept_key, encode_frame, text_frame

#: Case 9.1.6/9.2.6 send 16 MB in one message; 9.3.1/9.4.1 send 4 MB in 64-byte fragments.
MAX_MESSAGE = 16 * 1024 * 1024 + 1024
MAX_FRAGMENTS = 1 << 20
SEND_BUFFER_LIMIT = 64 * 1024 * 1024
MAX_HEAD = 16 * 1024

log = logging.getLogger("autobahn-echo")


class Echo:
    """The WebSocket's handler: send every message back."""

    def __init__(self, socket: WebSocket) -> None:
        self.socket = socket

    def on_text(self, text: str) -> None:
        self.socket.write(text_frame(text.encode()))

    def on_binary(self, data: bytes) -> None:
        self.socket.write(encode_frame(OP_BINARY, data))

    def on_protocol_error(self, code: int) -> None:
        log.debug("protocol error %d peer=%s", code, self.socket.peer)

    def on_closing(self) -> None:
        pass

    def on_backlog(self) -> None:
        log.warning("backlog peer=%s", self.socket.peer)

    def on_closed(self, code: int) -> None:
        log.debug("closed %d peer=%s", code, self.socket.peer)


class Handshake(asyncio.Protocol):
    """Reads the upgrade request with h11, answers 101, then gives the transport to a
    WebSocket (with whatever came after the request's head)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.http = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.http.receive_data(data)
        try:
            event = self.http.next_event()
        except h11.RemoteProtocolError as exc:
            return self.refuse(exc.error_status_hint, f"malformed request: {exc}")
        if event is h11.NEED_DATA:
            return
        if not isinstance(event, h11.Request):
            return self.refuse(400, "no request")
        headers = {name.lower(): value for name, value in event.headers}
        key = headers.get(b"sec-websocket-key", b"").decode("latin-1")
        if event.method != b"GET" or b"websocket" not in headers.get(b"upgrade", b"").lower() \
                or not key:
            return self.refuse(400, "not a WebSocket upgrade")
        transport = self.transport
        assert transport is not None
        transport.write(self.http.send(h11.InformationalResponse(
            status_code=101, reason=b"Switching Protocols",
            headers=[("Upgrade", "websocket"), ("Connection", "Upgrade"),
                     ("Sec-WebSocket-Accept", accept_key(key))])) or b"")
        pending = self.http.trailing_data[0]
        peername = transport.get_extra_info("peername")
        socket = WebSocket(transport, str(peername[0]) if peername else "?",
                           max_message=MAX_MESSAGE, max_fragments=MAX_FRAGMENTS,
                           send_buffer_limit=SEND_BUFFER_LIMIT, interval=3600.0)
        socket.start(Echo(socket), pending)

    def refuse(self, status: int, why: str) -> None:
        assert self.transport is not None
        body = (why + "\n").encode()
        self.transport.write(b"HTTP/1.1 %d Refused\r\nContent-Length: %d\r\n"
                             b"Connection: close\r\n\r\n%s" % (status, len(body), body))
        self.transport.close()


async def serve(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Handshake, host, port)
    print(f"echo: listening on ws://{host}:{port}", file=sys.stderr, flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING)
    try:
        run(serve(args.host, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
