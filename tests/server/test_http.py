"""HTTP/1.1 on every socket, read by h11: pages and the API on kept-alive connections,
answers in the order of the requests, WebSocket upgrades to the game's paths (with the
answers RFC 6455 asks for when a handshake is wrong), and a clear status for everything
this server does not serve."""

from __future__ import annotations

import asyncio
import base64
import os
import re

import aiohttp

from snakepit.websocket import OP_TEXT, ZERO_MASK, accept_key, encode_frame

KEY = base64.b64encode(os.urandom(16)).decode()


async def exchange(server, request: bytes, seconds: float = 2) -> bytes:
    """Send raw request bytes; everything the server answers until it closes (or
    ``seconds`` of silence)."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(request)
    chunks = []
    try:
        while chunk := await asyncio.wait_for(reader.read(65536), seconds):
            chunks.append(chunk)
    except TimeoutError:
        pass
    writer.close()
    return b"".join(chunks)


def get(path: str, *headers: str, method: str = "GET") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def upgrade(path: str = "/ws", *, version: str = "13", key: str = KEY,
            connection: str = "Upgrade", http: str = "HTTP/1.1") -> bytes:
    return (f"GET {path} {http}\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: {connection}\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: {version}\r\n\r\n").encode()


def statuses(answer: bytes) -> list[int]:
    """The status codes of the responses in ``answer``, in order."""
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)]


def masked(payload: bytes) -> bytes:
    """A client's text frame."""
    return encode_frame(OP_TEXT, payload, mask=ZERO_MASK)


async def test_an_upgrade_is_answered_with_101_and_the_accept_key(server):
    answer = await exchange(server, upgrade())
    head = answer.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 101 ")
    assert f"Sec-WebSocket-Accept: {accept_key(KEY)}".lower() in head.lower()
    assert "permessage-deflate" not in head  # compression is never negotiated


async def test_a_version_other_than_13_gets_426_with_the_version_this_server_speaks(server):
    answer = await exchange(server, upgrade(version="8"))
    assert answer.startswith(b"HTTP/1.1 426 ")
    assert b"sec-websocket-version: 13" in answer.lower()


async def test_a_handshake_without_a_proper_key_gets_400(server):
    assert (await exchange(server, upgrade(key="short"))).startswith(b"HTTP/1.1 400 ")
    assert (await exchange(server, upgrade(http="HTTP/1.0"))).startswith(b"HTTP/1.1 400 ")


async def test_the_game_paths_without_an_upgrade_get_426(server):
    async with aiohttp.ClientSession() as http:
        for path in ("/ws", "/connect"):
            async with http.get(server.make_url(path)) as response:
                assert response.status == 426
                assert "WebSocket" in await response.text()


async def test_pages_are_served_on_kept_alive_connections(server):
    async with aiohttp.ClientSession() as http:
        for _ in range(3):  # one connection, three requests
            async with http.get(server.make_url("/api/arenas")) as response:
                assert response.status == 200
                assert "arenas" in await response.json()
                assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_an_upgrade_to_another_path_is_not_the_games(server):
    answer = await exchange(server, upgrade("/elsewhere"))
    assert answer.startswith(b"HTTP/1.1 404 ")


async def test_after_a_refused_upgrade_nothing_more_on_that_connection_is_read(server):
    answer = await exchange(server, upgrade(version="8") + upgrade())
    assert statuses(answer) == [426]


async def test_an_upgrade_on_a_kept_alive_connection_is_the_games_too(server):
    """A reverse proxy may send a WebSocket upgrade on a connection that served pages."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        for _ in range(2):
            writer.write(get("/api/arenas"))
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200 ")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
        writer.write(upgrade())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)
        assert head.startswith(b"HTTP/1.1 101 ")
        writer.write(masked(b'{"type":"hello","protocol":1,"name":"Proxied"}'))
        first = await asyncio.wait_for(reader.readexactly(2), 2)
        assert first[0] == 0x81
    finally:
        writer.close()


async def test_a_method_other_than_get_or_head_gets_405_and_the_connection_ends(server):
    answer = await exchange(server, b"POST /api/arenas HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    b"Content-Length: 4\r\n\r\nGET " + upgrade())
    assert statuses(answer) == [405]
    assert b"allow: get, head" in answer.lower()


async def test_a_get_with_a_body_gets_400_and_the_connection_ends(server):
    answer = await exchange(server, b"GET /api/arenas HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    b"Content-Length: 3\r\n\r\nabc" + get("/healthz"))
    assert statuses(answer) == [400]


async def test_head_gets_the_headers_of_get_and_no_body(server):
    answer = await exchange(server, get("/api/arenas", method="HEAD") + get("/api/arenas"))
    assert statuses(answer) == [200, 200]
    first, rest = answer.split(b"\r\n\r\n", 1)
    assert b"content-length:" in first.lower()
    assert rest.startswith(b"HTTP/1.1 200 ")  # no body between the two answers


async def test_an_unknown_path_gets_404(server):
    assert statuses(await exchange(server, get("/no/such/thing"))) == [404]


async def test_a_malformed_head_gets_400_and_an_oversized_one_431(server):
    assert statuses(await exchange(server, b"GET /\r\nbroken\r\n\r\n")) == [400]
    huge = get("/", "X-Filler: " + "a" * 20_000)
    assert statuses(await exchange(server, huge)) == [431]


async def test_static_files_have_etags_and_a_matching_request_gets_304(server):
    async with aiohttp.ClientSession() as http:
        async with http.get(server.make_url("/")) as response:
            assert response.status == 200
            assert "text/html" in response.headers["Content-Type"]
            assert "<canvas" in await response.text()
            etag = response.headers["ETag"]
        async with http.get(server.make_url("/"), headers={"If-None-Match": etag}) as again:
            assert again.status == 304
            assert await again.read() == b""


async def test_static_text_is_gzipped_for_clients_that_accept_it(server):
    async with aiohttp.ClientSession(auto_decompress=False) as http:
        async with http.get(server.make_url("/static/js/main.js"),
                            headers={"Accept-Encoding": "gzip"}) as response:
            assert response.status == 200
            assert response.headers["Content-Encoding"] == "gzip"


async def test_paths_out_of_the_static_folder_get_404(server):
    for path in ("/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
                 "/static/..%2f..%2fpyproject.toml", "/static/.hidden",
                 "/static/js%5c..%5cmain.js", "/static/js/main.js%00"):
        answer = await exchange(server, get(path))
        assert statuses(answer) == [404], path


async def test_a_failing_handler_gets_500_and_the_server_goes_on(server):
    def broken(request):
        raise RuntimeError("broken on purpose")

    server.app.router.add("/broken", broken)
    answer = await exchange(server, get("/broken") + get("/healthz"))
    assert statuses(answer) == [500, 200]


async def test_a_client_that_half_closes_gets_its_answer_and_then_the_end(server):
    """The answer to an asynchronous handler (/healthz), then the server closes too,
    without waiting for the keep-alive deadline (30 s)."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(get("/healthz"))
        writer.write_eof()
        answer = await asyncio.wait_for(reader.read(), 10)  # all of it, to the end
    finally:
        writer.close()
    assert statuses(answer) == [200]


async def test_a_304_has_no_content_length(server):
    async with aiohttp.ClientSession() as http:
        async with http.get(server.make_url("/")) as response:
            etag = response.headers["ETag"]
    answer = await exchange(server, get("/", f"If-None-Match: {etag}"))
    assert statuses(answer) == [304]
    assert b"content-length" not in answer.lower()
