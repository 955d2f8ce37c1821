"""The tick deadline: a turn may name the frame it answers; late answers are ignored."""

from __future__ import annotations

from snakepit.protocol.messages import Turn

from .playing import play, until


async def test_welcome_tells_the_tick_period(connect):
    conn = await connect("Ada")
    assert conn.welcome.tick_rate == 50
    assert conn.welcome.tick_ms == 20


async def turn_away_from(conn, sid: int) -> str:
    """A direction that differs from the snake's heading and its reverse."""
    heading = conn.view.snakes[sid].dir
    return "up" if heading in ("left", "right") else "left"


async def test_an_answer_in_time_steers_the_snake(connect):
    conn = await connect("Ada")
    sid = await play(conn)
    direction = await turn_away_from(conn, sid)
    for _ in range(20):  # answer the newest frame until an answer makes its tick
        frame = await until(conn, "frame")
        if conn.view.snakes[sid].dir == direction:
            return
        await conn.send(Turn(dir=direction, tick=frame.tick))
    raise AssertionError("no answer to the newest frame was ever applied")


async def test_an_answer_to_a_tick_long_past_is_ignored_with_a_warning(connect):
    conn = await connect("Ada")
    sid = await play(conn)
    frame = await until(conn, "frame", lambda f: f.tick > 3)
    heading = conn.view.snakes[sid].dir
    await conn.send(Turn(dir=await turn_away_from(conn, sid), tick=frame.tick - 3))
    warning = await until(conn, "serverwarning")
    assert (warning.code, warning.tick) == ("late", frame.tick - 3)
    assert "ignored" in warning.message
    assert sid not in conn.view.snakes or conn.view.snakes[sid].dir == heading


async def test_an_answer_to_a_tick_not_yet_simulated_is_refused(connect):
    conn = await connect("Ada")
    await play(conn)
    frame = await until(conn, "frame")
    await conn.send(Turn(dir="up", tick=frame.tick + 1000))
    error = await until(conn, "error")
    assert error.code == "bad-tick"


async def test_a_turn_without_a_tick_works_as_before(connect):
    conn = await connect("Ada")
    sid = await play(conn)
    direction = await turn_away_from(conn, sid)
    await conn.turn(direction)
    await until(conn, "frame", lambda f: sid not in conn.view.snakes
                or conn.view.snakes[sid].dir == direction)
