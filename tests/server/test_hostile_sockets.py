"""One hostile socket never touches anyone else's game: what a single client on a single
address tried in issue 29 (the rows of its table), each on a real socket, against a server
with an honest player in it who must keep getting its frames, or with the limit the row
needs set low."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import time

import pytest

from snakepit.protocol.messages import Ping
from snakepit.server import create_app
from snakepit.websocket import Close, Text, encode_frame

from .playing import play, until
from .rawclient import stream

HELLO = b'{"type":"hello","protocol":1,"name":"Hostile"}'


def masked(payload: bytes = b"", opcode: int = 1, fin: bool = True) -> bytes:
    return encode_frame(opcode, payload, fin=fin, mask=b"\x11\x22\x33\x44")


def closes(events: list) -> list[int]:
    return [e.code for e in events if isinstance(e, Close)]


@pytest.fixture
async def honest(connect):
    """A player in a public arena, playing."""
    conn = await connect("Honest")
    await play(conn)
    return conn


async def still_playing(conn) -> None:
    """The honest player gets frames, tick after tick, and its pings answered."""
    first = await until(conn, "frame")
    later = await until(conn, "frame", lambda f: f.tick >= first.tick + 5)
    assert later.tick >= first.tick + 5
    await conn.send(Ping(t=42))
    await until(conn, "pong", lambda p: p.t == 42)


async def flood(server, unit: bytes, first: bytes = masked(HELLO), path: str = "/ws"):
    return await asyncio.to_thread(stream, server.host, server.port, unit, path=path,
                                   first=first, seconds=15)


# Row 1: a stream of empty continuation frames.
async def test_a_stream_of_empty_continuation_frames_is_closed_and_nobody_else_notices(
        server, honest):
    events, ended = await flood(server, masked(b"", 0, fin=False),
                                first=masked(HELLO) + masked(b"{", fin=False))
    assert ended and closes(events) in ([1008], [1009])
    await still_playing(honest)


# Row 2: streams of pings, of pongs, of frames with a reserved control opcode.
@pytest.mark.parametrize("unit, code", [
    (masked(b"", 9), 1008),
    (masked(b"x" * 125, 9), 1008),
    (masked(b"", 10), 1008),
    (masked(b"", 0xB), 1002),
], ids=["pings", "long-pings", "pongs", "opcode-0xB"])
async def test_a_stream_of_control_frames_is_closed_and_nobody_else_notices(
        server, honest, unit, code):
    events, ended = await flood(server, unit)
    assert ended and closes(events) == [code]
    pongs = [e for e in events if type(e).__name__ == "Pong"]
    assert len(pongs) <= 200  # answered only while within the allowance
    await still_playing(honest)


# Row 3: control opcodes 0xB-0xF, one each.
@pytest.mark.parametrize("opcode", [0xB, 0xC, 0xD, 0xE, 0xF])
async def test_a_reserved_control_opcode_closes_with_1002(server, opcode):
    events, ended = await flood(server, b"", first=masked(HELLO) + masked(b"", opcode))
    assert ended and closes(events) == [1002]


# Row 4: JSON nested deeper than the decoder goes, and a 400-digit ping time.
DEEP = b"[" * 1000 + b"]" * 1000


async def answers(server, path: str, message: bytes, then: bytes) -> list[str]:
    """The text messages the server sends after ``message`` and ``then`` (both sent after
    a hello), up to the answer to ``then``'s ping."""
    hello = HELLO if path == "/ws" else b'["new_player", "Hostile"]'
    events, _ = await asyncio.to_thread(
        stream, server.host, server.port, b"", path=path,
        first=masked(hello) + masked(message) + masked(then), seconds=3)
    return [e.text for e in events if isinstance(e, Text)], closes(events)


async def test_json_nested_too_deep_for_the_decoder_gets_an_error_and_the_socket_lives(server):
    message = b'{"deep":' + DEEP + b',"type":"ping","t":1}'
    assert len(message) < 4096
    texts, codes = await answers(server, "/ws", message, b'{"type":"ping","t":2}')
    errors = [json.loads(t) for t in texts if t.startswith('{"type":"error"')]
    assert [e["code"] for e in errors] == ["bad-json"]
    assert "nested too deeply" in errors[0]["message"]
    assert any(t.startswith('{"type":"pong"') and '"t":2' in t for t in texts)
    assert codes == []


@pytest.mark.parametrize("message", [DEEP, b'["ping", ' + DEEP + b"]",
                                     b'["ping", 1' + b"0" * 400 + b"]"],
                         ids=["deep-list", "deep-ping", "400-digit-time"])
async def test_the_classic_dialect_answers_undecodable_lists_with_an_error(server, message):
    texts, codes = await answers(server, "/connect", message, b'["ping", 5, 0]')
    commands = [json.loads(t) for t in texts]
    errors = [c for c in commands if any(isinstance(x, list) and x[:1] == ["error"]
                                         for x in c)]
    assert len(errors) == 1
    assert any(["pong", 5] in c for c in commands)
    assert codes == []


# Row 5: a GET and a WebSocket upgrade in one TCP segment (and more requests pipelined).
def request(path: str, *headers: str, method: str = "GET", host: str = "127.0.0.1") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def upgrade(path: str = "/ws", *headers: str, host: str = "127.0.0.1") -> bytes:
    return request(path, "Upgrade: websocket", "Connection: Upgrade",
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
                   *headers, host=host)


async def read_answer(reader) -> tuple[int, bytes]:
    """One response's status and body (a 101 has none)."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    status = int(head.split()[1])
    if status == 101:
        return status, b""
    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
    return status, await reader.readexactly(length)


async def test_pipelined_requests_are_answered_in_order_and_the_upgrade_after_them(
        server, honest):
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(request("/api/arenas") + request("/nowhere") + request("/healthz")
                     + upgrade() + masked(HELLO))
        answers = [await read_answer(reader) for _ in range(4)]
        assert [status for status, _ in answers] == [200, 404, 200, 101]
        assert b'"arenas"' in answers[0][1] and b'"status"' in answers[2][1]
        first = await asyncio.wait_for(reader.readexactly(2), 5)
        assert first[0] == 0x81  # a text frame: the welcome to the hello
    finally:
        writer.close()
    await still_playing(honest)


# Row 6: DNS rebinding: a foreign Host, a foreign Origin.
async def status_of(server, data: bytes) -> int:
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(data)
        return (await read_answer(reader))[0]
    finally:
        writer.close()


async def test_a_host_that_is_not_the_servers_gets_421(server):
    evil = "evil.example"
    assert await status_of(server, upgrade("/ws", "Origin: http://evil.example",
                                           host=evil)) == 421
    assert await status_of(server, upgrade("/connect", host=evil)) == 421
    assert await status_of(server, request("/api/top-scores", host=evil)) == 421
    assert await status_of(server, request("/", host=f"{evil}:{server.port}")) == 421


async def test_origin_is_checked_against_the_servers_names_not_the_requests_host(server):
    port = server.port
    assert await status_of(server, upgrade("/ws", "Origin: http://evil.example",
                                           host=f"127.0.0.1:{port}")) == 403
    assert await status_of(server, upgrade("/ws", f"Origin: http://localhost:{port}",
                                           host=f"127.0.0.1:{port}")) == 101
    assert await status_of(server, upgrade("/ws", f"Origin: http://127.0.0.1:{port}",
                                           host=f"localhost:{port}")) == 101


async def test_the_allowed_hosts_setting_names_the_server(snakepit_server, settings):
    server = await snakepit_server(create_app(dataclasses.replace(
        settings, allowed_hosts=("snakes.example",))))
    assert await status_of(server, request("/healthz", host="snakes.example")) == 200
    assert await status_of(server, upgrade("/ws", "Origin: https://snakes.example",
                                           host="snakes.example")) == 101
    assert await status_of(server, request("/healthz", host="evil.example")) == 421


# Row 8: many kept-alive HTTP sockets from one address.
async def test_one_address_may_hold_only_so_many_http_sockets(snakepit_server, settings):
    server = await snakepit_server(create_app(dataclasses.replace(
        settings, max_http_per_address=4)))
    held = []
    try:
        for _ in range(4):  # each kept alive after an answer
            reader, writer = await asyncio.open_connection(server.host, server.port)
            held.append(writer)
            writer.write(request("/healthz"))
            assert (await read_answer(reader))[0] == 200
        reader, writer = await asyncio.open_connection(server.host, server.port)
        answer = await asyncio.wait_for(reader.read(), 10)  # all of it: then it closes
        writer.close()
        assert answer.startswith(b"HTTP/1.1 429 ")
        held.pop().close()
        for _ in range(100):  # the server notices the close within a moment
            if await status_of(server, request("/healthz")) == 200:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("a socket closed did not make room for another")
    finally:
        for writer in held:
            writer.close()


async def test_sockets_that_became_websockets_do_not_count_as_http(snakepit_server, settings,
                                                                    ):
    server = await snakepit_server(create_app(dataclasses.replace(
        settings, max_http_per_address=2)))
    players = []
    try:
        for _ in range(4):
            reader, writer = await asyncio.open_connection(server.host, server.port)
            writer.write(upgrade())
            assert (await read_answer(reader))[0] == 101
            players.append(writer)
        assert await status_of(server, request("/healthz")) == 200
    finally:
        for writer in players:
            writer.close()


# Row 9: a request head of any method trickled in.
def trickle(host: str, port: int, head: bytes, seconds: float) -> float | None:
    """Send ``head`` a byte every 0.1 s (looping over it) for up to ``seconds``; how long
    until the server closed the socket, or None if it never did."""
    sock = socket.create_connection((host, port))
    sock.settimeout(0.1)
    started = time.monotonic()
    try:
        at = 0
        while time.monotonic() - started < seconds:
            try:
                sock.sendall(head[at % len(head):at % len(head) + 1])
                at += 1
                if sock.recv(4096) == b"":
                    return time.monotonic() - started
            except TimeoutError:
                continue
            except OSError:
                return time.monotonic() - started
        return None
    finally:
        sock.close()


@pytest.mark.parametrize("method", ["POST", "HEAD", "GET", "OPTIONS"])
async def test_a_trickled_request_head_is_cut_whatever_its_method(snakepit_server, settings,
                                                                  honest, method):
    server = await snakepit_server(create_app(settings), header_timeout=0.5)
    head = f"{method} /api/arenas HTTP/1.1\r\nX-Slow: ".encode() + b"a" * 500
    assert await asyncio.to_thread(trickle, server.host, server.port, head, 30) is not None


# Row 10: a kept-alive socket left idle.
async def test_an_idle_kept_alive_socket_is_closed(snakepit_server, settings):
    server = await snakepit_server(create_app(dataclasses.replace(
        settings, keepalive_timeout=0.5)))
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(request("/healthz"))
        assert (await read_answer(reader))[0] == 200
        assert await asyncio.wait_for(reader.read(), 30) == b""  # closed by the server
    finally:
        writer.close()


# Row 12: query parameters that are not finite numbers.
@pytest.mark.parametrize("query", ["since=nan", "since=inf", "until=-inf", "since=NaN",
                                   "until=abc", "since=1e999"])
async def test_a_query_number_that_is_not_finite_gets_400(server, query):
    assert await status_of(server, request(f"/api/stats?{query}")) == 400


@pytest.mark.parametrize("query", ["since=-1e300", "until=1e300", "since=0&until=0"])
async def test_a_query_number_out_of_range_is_clamped(server, query):
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(request(f"/api/stats?{query}"))
        status, body = await read_answer(reader)
    finally:
        writer.close()
    assert status == 200
    figures = json.loads(body)
    assert figures["now"] > 0


# Rows 5 and 8 again: pipelined requests from a client that never reads its answers.
def unread(host: str, port: int, data: bytes) -> socket.socket:
    """A socket with a small receive buffer that sends ``data`` and reads nothing."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, port))
    sock.setblocking(False)
    try:
        sock.send(data)
    except BlockingIOError:
        pass
    return sock


async def test_answers_a_client_does_not_read_are_bounded(server, honest):
    burst = request("/static/js/main.js") * 2000
    sock = unread(server.host, server.port, burst)
    try:
        await asyncio.sleep(1)  # the server answers what it can meanwhile
        waiting = sum(c._transport.get_write_buffer_size() for c in server.app.http.open
                      if c._transport is not None)
        assert waiting < 1 << 20  # far less than the 2,000 answers asked for
    finally:
        sock.close()
    await still_playing(honest)


async def test_a_closed_socket_keeps_its_slot_until_its_answers_are_taken(snakepit_server,
                                                                          settings):
    server = await snakepit_server(create_app(dataclasses.replace(
        settings, max_http_per_address=4)))
    closing = request("/static/js/main.js") * 1000 + request("/", "Connection: close")
    held = [unread(server.host, server.port, closing) for _ in range(4)]
    try:
        await asyncio.sleep(0.5)
        assert await status_of(server, request("/healthz")) == 429
    finally:
        for sock in held:
            sock.close()
