"""Bad input gets a clear answer, and nobody else notices."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from snakepit.protocol.messages import Ping
from snakepit.websocket import Close

from .playing import play, until
from .rawclient import close_codes, masked, masked_text, open_raw_client, read_frames


async def close_code(conn) -> int:
    """Read until the server closes the connection; return its close code."""
    while True:
        raw = await asyncio.wait_for(conn.ws.receive(), 10)
        if raw.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            return conn.ws.close_code if raw.data is None else raw.data


@pytest.mark.parametrize(
    "text, code, why",
    [
        ("{not json", "bad-json", "a client with a broken encoder must learn why it is ignored"),
        ('{"type":"teleport"}', "bad-message", "unknown message types are refused by name"),
        ('{"type":"turn","dir":"sideways"}', "bad-message", "only four directions exist"),
        ('{"type":"turn"}', "bad-message", "a turn needs a direction"),
        ('{"type":"join","extra":1}', "bad-message", "unknown fields are refused, not ignored"),
        ('["join"]', "bad-message", "messages are objects, not lists"),
        ('{"type":"ping","t":1e999}', "bad-message", "infinite numbers are refused"),
        ('{"type":"hello","protocol":1,"name":5}', "bad-message", "a name is a string"),
    ],
)
async def test_a_malformed_message_gets_an_error_naming_the_problem(connect, text, code, why):
    conn = await connect()
    await conn.ws.send_str(text)
    error = await until(conn, "error")
    assert error.code == code, why
    assert error.message


async def test_a_binary_message_gets_an_error(connect):
    conn = await connect("Binary")
    await conn.ws.send_bytes(b"\x00\x01")
    error = await until(conn, "error")
    assert error.code == "binary"


async def test_a_message_at_the_limit_is_read(connect, settings):
    conn = await connect("Big")
    padding = settings.max_message_bytes - len('{"type":"ping","t":1}') - len(',"pad":""')
    await conn.ws.send_str('{"type":"ping","t":1,"pad":"' + "x" * padding + '"}')
    error = await until(conn, "error")  # read, and refused for its unknown field
    assert error.code == "bad-message"


async def test_a_message_over_the_limit_closes_the_connection_with_1009_unread(connect, settings,
                                                                              server):
    conn = await connect("Huge")
    await conn.ws.send_str("x" * (settings.max_message_bytes + 1))
    assert await close_code(conn) == 1009
    async with aiohttp.ClientSession() as http:  # and the drop is counted, by its reason
        async with http.get(server.make_url("/metrics")) as response:
            assert 'snakepit_clients_dropped_total{reason="too-big"} 1.0' in await response.text()


async def test_no_frame_follows_the_close_frame_of_an_abuser(server, settings):
    sock = open_raw_client(server.host, server.port, b'{"type":"hello","protocol":1,"name":"Raw"}')
    try:
        for _ in range(settings.max_strikes):
            sock.sendall(masked_text(b"nonsense"))
        # At 50 ticks a second, a second of reading would show dozens of stray frames.
        frames = await asyncio.to_thread(read_frames, sock, 1.0)
    finally:
        sock.close()
    kinds = [type(frame) for frame in frames]
    assert Close in kinds
    closing = kinds.index(Close)
    assert frames[closing].code == 1008
    assert frames[closing + 1:] == []


async def test_repeated_bad_messages_close_the_connection_with_1008(connect, settings):
    conn = await connect("Abuser")
    for _ in range(settings.max_strikes):
        await conn.ws.send_str("nonsense")
    assert await close_code(conn) == 1008


async def test_a_good_message_between_bad_ones_resets_the_count(connect, settings):
    conn = await connect("Clumsy")
    for _ in range(3):
        for _ in range(settings.max_strikes - 1):
            await conn.ws.send_str("nonsense")
        await conn.ws.send_str('{"type":"ping","t":1}')
        await until(conn, "pong")
    assert not conn.ws.closed


async def test_other_players_keep_getting_every_tick_while_someone_misbehaves(connect, settings):
    player = await connect("Player")
    await play(player)
    abusers = [await connect(f"Abuser{i}") for i in range(3)]
    start = player.view.tick
    await abusers[0].ws.send_str("x" * (settings.max_message_bytes + 10))
    for _ in range(settings.max_strikes):
        await abusers[1].ws.send_str("{")
    await abusers[2].ws.send_bytes(b"\xff" * 100)
    assert await close_code(abusers[0]) == 1009
    assert await close_code(abusers[1]) == 1008
    # WorldView.apply_frame raises if a tick is ever skipped, so this proves continuity.
    await until(player, "frame", lambda f: player.view.tick >= start + 50)


@pytest.mark.parametrize(
    "text, code, why",
    [
        ('{"type":"ping","t":NaN}', "bad-json", "NaN is not JSON"),
        ('{"type":"ping","t":Infinity}', "bad-json", "nor is Infinity"),
        ('{"type":"ping","t":1e300}', "bad-message", "a time stamp past any clock"),
        ('{"type":"ping","t":' + "9" * 4000 + "}", "bad-message",
         "a 4,000-digit integer is refused without being converted"),
        ("[" * 2000 + "]" * 2000, "bad-message", "2,000 levels of nesting are refused at once"),
        ('{"type":"hello","protocol":1,"name":"\\ud800"}', "bad-json",
         "a lone surrogate is not text"),
        ('{"type":"turn","dir":1}', "bad-message", "wrong types are named"),
        ('{"type":"join","tick":"soon"}', "bad-message", "unknown fields are refused"),
    ],
)
async def test_hostile_json_over_a_real_socket_gets_an_error(connect, text, code, why):
    conn = await connect("Hostile" if "hello" not in text else None)
    await conn.ws.send_str(text)
    error = await until(conn, "error")
    assert error.code == code, why
    await conn.ws.send_str('{"type":"ping","t":1}')  # and the connection still works
    await until(conn, "pong")


async def test_a_5000_digit_integer_is_over_the_size_limit_and_closes_with_1009(connect):
    conn = await connect("Digits")
    await conn.ws.send_str('{"type":"ping","t":' + "9" * 5000 + "}")
    assert await close_code(conn) == 1009


@pytest.mark.parametrize("payload", [b'{"type":"ping","t":\xff}', b'{"type":"hello","name":"\xc3'],
                         ids=["invalid-utf8", "truncated-utf8"])
async def test_text_that_is_not_utf8_closes_the_connection_with_1007(server, payload):
    sock = open_raw_client(server.host, server.port)
    try:
        sock.sendall(masked(payload))
        frames = await asyncio.to_thread(read_frames, sock, 1.0)
    finally:
        sock.close()
    assert close_codes(frames)[:1] == [1007]


async def test_a_client_asking_for_compression_gets_none(server):
    """No permessage-deflate, so no compression bomb can be sent: the handshake answer
    carries no extension, and a compressed frame would be a protocol error."""
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(server.make_url("/ws"), compress=15) as ws:
            assert ws.compress == 0
            assert "Sec-WebSocket-Extensions" not in ws._response.headers


async def test_actions_out_of_place_are_ignored_or_refused_never_a_crash(connect):
    player, spectator = await connect("Player"), await connect("Spectator")
    sid = await play(player)
    heading = player.view.snakes[sid].dir
    back = {"up": "down", "down": "up", "left": "right", "right": "left"}[heading]
    await spectator.turn("up")  # a spectator has no snake: ignored, silently
    await player.turn(back)  # straight back into its own neck: ignored by the rules
    await player.join()  # already playing
    error = await until(player, "error")
    assert error.code == "out-of-place"
    frame = await until(player, "frame", lambda f: any(m[0] == sid for m in f.moves))
    assert sid not in player.view.snakes or player.view.snakes[sid].dir == heading
    await spectator.send(Ping(t=frame.tick))
    pong = await until(spectator, "pong")  # no error came before the pong
    assert pong.t == frame.tick
