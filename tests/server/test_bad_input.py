"""Bad input gets a clear answer, and nobody else notices."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from .rawclient import masked_text, open_raw_client, read_frames

from .playing import play, until


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


async def test_a_message_over_the_limit_closes_the_connection_with_1009_unread(connect, settings):
    conn = await connect("Huge")
    await conn.ws.send_str("x" * (settings.max_message_bytes + 1))
    assert await close_code(conn) == 1009


async def test_no_frame_follows_the_close_frame_of_an_abuser(server, settings):
    sock = open_raw_client(server.host, server.port, b'{"type":"hello","protocol":1,"name":"Raw"}')
    try:
        for _ in range(settings.max_strikes):
            sock.sendall(masked_text(b"nonsense"))
        # At 50 ticks a second, a second of reading would show dozens of stray frames.
        frames = await asyncio.to_thread(read_frames, sock, 1.0)
    finally:
        sock.close()
    opcodes = [opcode for opcode, _ in frames]
    assert 0x8 in opcodes
    closing = opcodes.index(0x8)
    assert int.from_bytes(frames[closing][1][:2], "big") == 1008
    assert opcodes[closing + 1:] == []


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
