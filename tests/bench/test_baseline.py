"""The raw baseline groups its clients as Snakepit's arenas are made up, so that its writes go
to the same sockets, together, as Snakepit's fan-out's do: a watcher with the arena its
hello names, players 16 (here 2) to an arena, filling ``pit-1`` first."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from snakepit.bench.baseline import Baseline, Connection
from snakepit.websocket import encode_frame


async def start(baseline: Baseline) -> tuple[asyncio.AbstractServer, str]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(baseline), "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def until(condition, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


def shape(baseline: Baseline) -> dict[str, tuple[int, int]]:
    """Each named group's (players, clients)."""
    return {name: (g.players, len(g.clients)) for name, g in sorted(baseline.named.items())}


async def test_watchers_join_the_arena_they_name_and_players_fill_arenas_in_order():
    baseline = Baseline(tick_rate=50, frame_bytes=120)
    server, url = await start(baseline)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/api/shape?frame_bytes=120&players=2") as response:
            assert await response.json() == {"frame_bytes": 120, "group": 16, "players": 2}

        async def connect(hello: dict) -> aiohttp.ClientWebSocketResponse:
            ws = await http.ws_connect(f"{url}/ws")  # masked frames, as any client sends
            await ws.send_str(json.dumps({"type": "hello", "protocol": 1, **hello}))
            return ws

        players = [await connect({"name": f"p{i}"}) for i in range(3)]
        watchers = [await connect({"name": "w1", "arena": "pit-2"}),
                    await connect({"name": "w2", "arena": "pit-2"}),
                    await connect({"name": "w3", "arena": "pit-5"})]
        await until(lambda: sum(len(g.clients) for g in baseline.groups) == 6)
        assert shape(baseline) == {"pit-1": (2, 2), "pit-2": (1, 3), "pit-5": (0, 1)}

        # Every client gets its group's frames, of the size asked for (on the wire: the
        # frame's 2-byte header included).
        for ws in players + watchers:
            message = await asyncio.wait_for(ws.receive(), 5)
            assert message.type == aiohttp.WSMsgType.TEXT
            assert len(message.data) + 2 == 120 and json.loads(message.data)["type"] == "frame"

        # A player who leaves frees a place that the next player takes.
        await players[0].close()
        await until(lambda: shape(baseline)["pit-1"] == (1, 1))
        players.append(await connect({"name": "p3"}))
        await until(lambda: shape(baseline)["pit-1"] == (2, 2))
        # A watcher leaving takes nothing from the players' count...
        await watchers[1].close()
        await until(lambda: shape(baseline)["pit-2"] == (1, 2))
        # ...and a group that empties ends, at its next tick.
        ended = baseline.named["pit-5"]
        await watchers[2].close()
        await until(lambda: "pit-5" not in baseline.named)
        assert ended not in baseline.groups
        assert shape(baseline) == {"pit-1": (2, 2), "pit-2": (1, 2)}
        for ws in players[1:] + watchers[:1]:
            await ws.close()
    server.close()
    await server.wait_closed()


async def test_a_client_is_grouped_by_its_first_message_however_it_arrives():
    """A long hello (the 16-bit length form), sent with the handshake and followed by a
    ``join`` in the same write, is read and unmasked like any other; a client that has
    said nothing is in no group and is written nothing."""
    baseline = Baseline(tick_rate=50, frame_bytes=100)
    baseline.players_per_group = 16
    server, url = await start(baseline)
    port = int(url.rsplit(":", 1)[1])

    def masked(payload: bytes) -> bytes:
        return encode_frame(1, payload, mask=b"\x01\x02\x03\x04")

    hello = json.dumps({"type": "hello", "protocol": 1, "name": "w" * 150,
                        "arena": "pit-3"}).encode()
    assert len(hello) >= 126
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 b"Sec-WebSocket-Version: 13\r\n\r\n"
                 + masked(hello) + masked(b'{"type":"join"}'))
    silent_reader, silent = await asyncio.open_connection("127.0.0.1", port)
    silent.write(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 b"Sec-WebSocket-Version: 13\r\n\r\n")
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    assert (await silent_reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    await until(lambda: "pit-3" in baseline.named)
    assert shape(baseline) == {"pit-3": (0, 1)}  # a watcher, and only one client grouped
    frame = await asyncio.wait_for(reader.readexactly(100), 5)
    assert frame[0] == 0x81 and b'"type":"frame"' in frame
    assert sum(len(g.clients) for g in baseline.groups) == 1
    for w in (writer, silent):
        w.close()
    server.close()
    await server.wait_closed()


async def test_without_a_player_cap_clients_are_grouped_in_the_order_they_came():
    baseline = Baseline(tick_rate=50, frame_bytes=100, group_size=2)
    server, url = await start(baseline)
    async with aiohttp.ClientSession() as http:
        sockets = [await http.ws_connect(f"{url}/ws") for _ in range(5)]
        await until(lambda: sum(len(g.clients) for g in baseline.groups) == 5)
        assert [len(g.clients) for g in baseline.groups] == [2, 2, 1]
        assert not baseline.named
        # Asked for arenas' groups, then for arrival again: later clients come in order.
        for players in (2, 0):
            async with http.get(f"{url}/api/shape?group=2&players={players}") as response:
                assert (await response.json())["players"] == players
        sockets.append(await http.ws_connect(f"{url}/ws"))
        await until(lambda: [len(g.clients) for g in baseline.groups] == [2, 2, 2])
        for ws in sockets:
            await ws.close()
    server.close()
    await server.wait_closed()
