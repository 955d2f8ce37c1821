"""One hostile socket never touches anyone else's game: what a single client on a single
address tried in issue 29 (its table's rows 1-4), each on a real socket, against a server
with an honest player in it who must keep getting its frames."""

from __future__ import annotations

import asyncio
import json

import pytest

from snakepit.protocol.messages import Ping
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
