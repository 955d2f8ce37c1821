"""Abuse: floods of messages, floods of connections, pages of other sites, clients that never
read, vanished peers and trickled headers. Each gets its answer, and nobody else notices."""

from __future__ import annotations

import asyncio
import socket
import time
import urllib.request

import aiohttp
import pytest

from snakepit.protocol.messages import Ping, Turn
from snakepit.settings import Settings

from .playing import play, until
from .rawclient import masked_text, open_raw_client
from .test_serve_command import spawn_server  # noqa: F401 -- a fixture


@pytest.fixture
def settings(tmp_path, request) -> Settings:
    values = {"max_connections_per_address": 3}
    values.update(getattr(request, "param", {}))
    return Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, bots=0, **values)


async def handshake_status(server, **headers: str) -> int:
    """The HTTP status of a WebSocket handshake with these headers (101: upgraded)."""
    async with aiohttp.ClientSession() as http:
        try:
            async with http.ws_connect(server.make_url("/ws"), headers=headers) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


async def close_code(ws) -> int | None:
    while True:
        raw = await asyncio.wait_for(ws.receive(), 10)
        if raw.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                        aiohttp.WSMsgType.CLOSING):
            return ws.close_code


# -- pages of other sites ---------------------------------------------------------------------


async def test_a_page_of_another_site_is_refused_before_the_upgrade(server):
    assert await handshake_status(server, Origin="http://evil.example") == 403


async def test_the_servers_own_page_and_clients_without_origin_are_let_in(server):
    own = f"http://{server.host}:{server.port}"
    assert await handshake_status(server, Origin=own) == 101
    assert await handshake_status(server) == 101


@pytest.mark.parametrize("settings", [{"allowed_origins": ("https://friends.example",)}],
                         indirect=True)
async def test_sites_on_the_allow_list_are_let_in(server):
    assert await handshake_status(server, Origin="https://friends.example") == 101
    assert await handshake_status(server, Origin="https://other.example") == 403


# -- floods of connections ------------------------------------------------------------------


async def test_one_address_may_hold_only_so_many_connections(server, connect):
    held = [await connect() for _ in range(3)]
    assert await handshake_status(server) == 429
    await held[0].close()
    for _ in range(50):  # the server notices the close within a moment
        if await handshake_status(server) == 101:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("a connection closed did not make room for another")


# -- floods of messages ---------------------------------------------------------------------


async def test_a_message_flood_is_closed_with_1008_within_two_seconds(connect):
    bystander = await connect("Bystander")
    flooder = await connect("Flooder")
    started = time.monotonic()
    for i in range(2000):
        await flooder.ws.send_str(f'{{"type":"ping","t":{i}}}')
    assert await close_code(flooder.ws) == 1008
    assert time.monotonic() - started < 2
    await until(bystander, "frame")  # still ticking for everyone else


async def test_a_robot_answering_every_tick_is_never_cut(connect, hub):
    robot = await connect("Robot")
    await play(robot)
    for n in range(150):  # three seconds at 50 ticks a second: a turn a tick, some pings
        frame = await until(robot, "frame")
        await robot.send(Turn(dir=("up", "left", "down", "right")[n % 4], tick=frame.tick))
        if n % 10 == 0:
            await robot.send(Ping(t=n))
    assert not robot.ws.closed
    assert any(c.name == "Robot" for r in hub.arenas.runners.values()
               for c in r.clients.values())


# -- clients that never read, peers that vanished ---------------------------------------------


@pytest.mark.parametrize("settings", [{"send_buffer_limit": 16 * 1024, "socket_send_buffer": 4096}],
                         indirect=True)
async def test_a_client_that_keeps_sending_but_never_reads_is_dropped(server, hub):
    """It sends a ping every 50 ms (so the heartbeat never fires) and reads nothing: the
    frames pile up until its backlog passes the bound, and it is cut."""
    sock = open_raw_client(server.host, server.port,
                           b'{"type":"hello","protocol":1,"name":"Deaf"}')
    try:
        async def connected() -> bool:
            return any(c.name == "Deaf" for r in hub.arenas.runners.values()
                       for c in r.clients.values())
        for i in range(400):  # 20 s at most
            sock.sendall(masked_text(f'{{"type":"ping","t":{i}}}'.encode()))
            await asyncio.sleep(0.05)
            if i > 10 and not await connected():
                break
        else:
            raise AssertionError("a client that never reads was never dropped")
    finally:
        sock.close()


@pytest.mark.parametrize("settings", [{"heartbeat": 0.5}], indirect=True)
async def test_a_vanished_peer_is_closed_within_the_ping_interval_and_timeout(server):
    """A peer that says hello and then nothing at all, not even a pong (as when its machine
    is gone), is closed once the server's ping goes unanswered."""
    sockets = server.app.sockets
    sock = open_raw_client(server.host, server.port,
                           b'{"type":"hello","protocol":1,"name":"Gone"}')
    try:
        started = time.monotonic()
        while not sockets:  # connected
            assert time.monotonic() - started < 5
            await asyncio.sleep(0.01)
        while sockets:
            assert time.monotonic() - started < 5, "a silent peer was not closed"
            await asyncio.sleep(0.05)
        # ping interval (jittered up to 1.25 x 0.5 s) + pong timeout (half of it) + slack
        assert time.monotonic() - started < 0.5 * 1.25 * 1.5 + 1.0
    finally:
        sock.close()


@pytest.mark.parametrize("settings", [{"heartbeat": 1.6, "max_connections_per_address": 0}],
                         indirect=True)
async def test_the_heartbeat_sweeps_in_slices_and_reaches_every_connection(server):
    """With a heartbeat of 1.6 s the server looks at its connections in two slices, one
    every 0.1 s; every one of eight vanished peers is still pinged and closed."""
    sockets = server.app.sockets
    peers = [open_raw_client(server.host, server.port,
                             b'{"type":"hello","protocol":1,"name":"Gone%d"}' % i)
             for i in range(8)]
    try:
        for _ in range(200):
            if len(sockets) == 8:
                break
            await asyncio.sleep(0.02)
        assert len(sockets) == 8
        for _ in range(600):  # up to 30 s; about 3 s is expected
            if not sockets:
                break
            await asyncio.sleep(0.05)
        assert not sockets, f"{len(sockets)} silent peers were never closed"
    finally:
        for peer in peers:
            peer.close()


# -- trickled headers ---------------------------------------------------------------------------


def test_a_request_whose_headers_trickle_in_is_cut_off(spawn_server, tmp_path):  # noqa: F811
    server = spawn_server("--header-timeout", "2", "--data-dir", str(tmp_path / "data"))
    host, port = server.url.removeprefix("http://").rstrip("/").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    sock.settimeout(2)  # one byte every two seconds
    started, closed_after = time.monotonic(), None
    try:
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\n":
            try:
                sock.sendall(bytes([byte]))
                if sock.recv(1) == b"":  # the server closed the connection
                    closed_after = time.monotonic() - started
                    break
            except TimeoutError:
                continue  # still open: next byte
            except OSError:  # reset by the server
                closed_after = time.monotonic() - started
                break
    finally:
        sock.close()
    assert closed_after is not None and closed_after < 5, "the server kept a trickling client"
    with urllib.request.urlopen(server.url, timeout=5) as response:  # others are served
        assert response.status == 200


@pytest.mark.parametrize("settings", [{"max_connections_per_address": 1, "trust_proxy": True}],
                         indirect=True)
async def test_behind_a_trusted_proxy_the_cap_counts_the_forwarded_address(server):
    async with aiohttp.ClientSession() as http:
        first = await http.ws_connect(server.make_url("/ws"),
                                      headers={"X-Forwarded-For": "203.0.113.7"})
        try:
            # The same client again is over its cap; another client behind the proxy is not.
            assert await handshake_status(server, **{"X-Forwarded-For": "203.0.113.7"}) == 429
            assert await handshake_status(
                server, **{"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}) == 101
        finally:
            await first.close()


@pytest.mark.parametrize("settings", [{"max_connections_per_address": 1}], indirect=True)
async def test_without_trust_the_forwarded_header_changes_nothing(server):
    async with aiohttp.ClientSession() as http:
        first = await http.ws_connect(server.make_url("/ws"))
        try:
            assert await handshake_status(server, **{"X-Forwarded-For": "198.51.100.1"}) == 429
        finally:
            await first.close()
