"""Saying hello: names, protocol versions, and what a client gets back."""

from __future__ import annotations

import pytest

from snakepit.protocol.messages import Error, Snapshot, TopScores, Welcome

from .playing import until


async def test_hello_is_answered_with_welcome_snapshot_and_top_scores(connect):
    conn = await connect()
    await conn.hello("  Ada \t Lovelace ")
    welcome = await conn.receive()
    assert isinstance(welcome, Welcome)
    assert welcome.name == "Ada Lovelace"  # whitespace normalised
    assert (welcome.width, welcome.height, welcome.max_players) == (60, 40, 16)
    assert isinstance(await conn.receive(), Snapshot)
    assert isinstance(await conn.receive(), TopScores)


@pytest.mark.parametrize(
    "name, why",
    [
        ("", "a name needs at least one visible character"),
        ("   ", "whitespace alone is no name"),
        ("x" * 17, "names have at most 16 characters"),
        ("x" * 100, "a long name gets the name rule's answer, not a decoder's"),
        ("evil\u202egnp", "a bidi override would make the name read differently"),
        ("zero\u200bwidth", "zero-width characters hide differences between names"),
        ("bell\x07", "control characters are not printable"),
    ],
)
async def test_a_bad_name_gets_a_clear_error_and_the_client_may_try_again(connect, name, why):
    conn = await connect()
    await conn.hello(name)
    error = await until(conn, "error")
    assert error.code == "bad-name", why
    assert error.message
    await conn.hello("Better")
    welcome = await until(conn, "welcome")
    assert welcome.name == "Better"


async def test_markup_in_a_name_is_kept_as_text(connect):
    conn = await connect()
    await conn.hello("<svg onload=f()>")
    welcome = await until(conn, "welcome")
    assert welcome.name == "<svg onload=f()>"


async def test_a_wrong_protocol_version_is_refused(connect):
    conn = await connect()
    await conn.ws.send_str('{"type":"hello","protocol":99,"name":"Future"}')
    error = await until(conn, "error")
    assert error.code == "bad-protocol"
    assert "1" in error.message


async def test_joining_before_hello_is_refused(connect):
    conn = await connect()
    await conn.join()
    error = await conn.receive()
    assert isinstance(error, Error) and error.code == "out-of-place"
    assert "hello" in error.message


async def test_saying_hello_twice_is_refused(connect):
    conn = await connect("Once")
    await conn.hello("Twice")
    error = await until(conn, "error")
    assert error.code == "out-of-place"


async def test_ping_is_answered_with_the_same_time(connect):
    conn = await connect("Pinger")
    await conn.ws.send_str('{"type":"ping","t":12345.5}')
    pong = await until(conn, "pong")
    assert pong.t == 12345.5
