"""The front door: a WebSocket upgrade to the game's paths is served by Snakepit itself,
everything else by aiohttp; malformed handshakes get the HTTP answer RFC 6455 asks for."""

from __future__ import annotations

import asyncio
import base64
import os

import aiohttp

from snakepit.server.frontdoor import parse_head
from snakepit.websocket import accept_key

KEY = base64.b64encode(os.urandom(16)).decode()


async def exchange(server, request: bytes) -> bytes:
    """Send raw request bytes; everything the server answers until it closes (or 2 s)."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(request)
    chunks = []
    try:
        while chunk := await asyncio.wait_for(reader.read(65536), 2):
            chunks.append(chunk)
    except TimeoutError:
        pass
    writer.close()
    return b"".join(chunks)


def upgrade(path: str = "/ws", *, version: str = "13", key: str = KEY,
            connection: str = "Upgrade", http: str = "HTTP/1.1") -> bytes:
    return (f"GET {path} {http}\r\nHost: x\r\nUpgrade: websocket\r\n"
            f"Connection: {connection}\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: {version}\r\n\r\n").encode()


def test_a_request_head_is_read_into_method_path_query_and_lower_case_headers():
    head = parse_head(b"GET /ws?x=1 HTTP/1.1\r\nHost: a\r\nX-Thing: 1\r\nx-thing: 2")
    assert head is not None
    assert (head.method, head.path, head.query, head.version) == ("GET", "/ws", "x=1",
                                                                  "HTTP/1.1")
    assert head.header("host") == "a" and head.header("x-thing") == "1, 2"


def test_what_is_not_a_request_head_is_not_read():
    assert parse_head(b"GET /ws\r\nHost: a") is None
    assert parse_head(b"GET /ws HTTP/1.1\r\nno colon here") is None
    assert parse_head(b"GET /ws HTTP/1.1\r\nBad Name: x") is None
    assert parse_head(b"\x16\x03\x01 TLS hello") is None


async def test_an_upgrade_is_answered_with_101_and_the_accept_key(server):
    answer = await exchange(server, upgrade())
    head = answer.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 101 ")
    assert f"Sec-WebSocket-Accept: {accept_key(KEY)}" in head
    assert "permessage-deflate" not in head  # compression is never negotiated


async def test_a_version_other_than_13_gets_426_with_the_version_this_server_speaks(server):
    answer = await exchange(server, upgrade(version="8"))
    assert answer.startswith(b"HTTP/1.1 426 ")
    assert b"Sec-WebSocket-Version: 13" in answer


async def test_a_handshake_without_a_proper_key_gets_400(server):
    assert (await exchange(server, upgrade(key="short"))).startswith(b"HTTP/1.1 400 ")
    assert (await exchange(server, upgrade(connection="keep-alive"))).startswith(
        b"HTTP/1.1 400 ")
    assert (await exchange(server, upgrade(http="HTTP/1.0"))).startswith(b"HTTP/1.1 400 ")


async def test_the_game_paths_without_an_upgrade_get_426_from_aiohttp(server):
    async with aiohttp.ClientSession() as http:
        for path in ("/ws", "/connect"):
            async with http.get(server.make_url(path)) as response:
                assert response.status == 426
                assert "WebSocket" in await response.text()


async def test_pages_are_still_served_by_aiohttp_on_kept_alive_connections(server):
    async with aiohttp.ClientSession() as http:
        for _ in range(3):  # one connection, three requests
            async with http.get(server.make_url("/api/arenas")) as response:
                assert response.status == 200
                assert "arenas" in await response.json()


async def test_an_upgrade_to_another_path_is_not_the_games(server):
    answer = await exchange(server, upgrade("/elsewhere"))
    assert answer.startswith(b"HTTP/1.1 404 ")


async def test_after_a_refused_upgrade_nothing_more_on_that_connection_is_read(server):
    answer = await exchange(server, upgrade(version="8") + upgrade())
    assert answer.count(b"HTTP/1.1 ") == 1 and answer.startswith(b"HTTP/1.1 426 ")


async def test_an_upgrade_on_a_kept_alive_connection_is_the_games_too(server):
    """A reverse proxy may send a WebSocket upgrade on a connection that served pages:
    aiohttp lets go of it and the game takes it, hello and all."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        for _ in range(2):
            writer.write(b"GET /api/arenas HTTP/1.1\r\nHost: x\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200 ")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
        writer.write(upgrade())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)
        assert head.startswith(b"HTTP/1.1 101 ")
        assert f"Sec-WebSocket-Accept: {accept_key(KEY)}".encode() in head
        writer.write(masked(b'{"type":"hello","protocol":1,"name":"Proxied"}'))
        first = await asyncio.wait_for(reader.readexactly(2), 2)
        assert first[0] == 0x81  # a text frame: the welcome
    finally:
        writer.close()


async def test_requests_with_a_body_leave_the_connection_to_aiohttp(server):
    answer = await exchange(server, b"POST /api/arenas HTTP/1.1\r\nHost: x\r\nContent-Length: 4"
                                    b"\r\n\r\nGET " + upgrade())
    assert answer.startswith(b"HTTP/1.1 405 ")
    assert b"101 Switching" not in answer


def masked(payload: bytes) -> bytes:
    """A client's text frame (mask of zeros: the payload as it is)."""
    return bytes((0x81, 0x80 | len(payload))) + b"\0\0\0\0" + payload
