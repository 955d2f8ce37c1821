"""Never lose your snake: a dropped connection comes back to the same snake with its token."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from snakepit.settings import Settings

from .playing import play, toward_wall, until


@pytest.fixture
def settings(tmp_path, request) -> Settings:
    values = {"resume_grace": 3.0}
    values.update(getattr(request, "param", {}))
    return Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, bots=0, **values)


def drop(conn) -> None:
    """Lose the connection as a network would: no close frame, the socket just goes."""
    conn.ws._response.connection.transport.abort()


async def moves_of(watcher, sid: int, count: int) -> None:
    """Wait until ``watcher`` has seen snake ``sid`` move ``count`` more times."""
    seen = 0
    while seen < count:
        frame = await until(watcher, "frame")
        seen += any(m[0] == sid for m in frame.moves)


async def test_welcome_gives_a_resume_token(connect):
    conn = await connect("Ada")
    assert conn.welcome.token and len(conn.welcome.token) >= 16


async def test_coming_back_within_the_grace_period_gets_the_same_snake_back(connect):
    watcher = await connect("Watcher")
    ada = await connect("Ada")
    sid = await play(ada)
    token = ada.welcome.token
    drop(ada)
    await moves_of(watcher, sid, 3)  # the snake keeps moving meanwhile: a shared world
    back = await connect()
    await back.hello("Ada", resume=token)
    welcome = await until(back, "welcome")
    assert (welcome.arena, welcome.token) == (ada.welcome.arena, token)
    await until(back, "snapshot")
    spawned = await until(back, "spawned")
    assert spawned.snake == sid and sid in back.view.snakes
    heading = back.view.snakes[sid].dir
    turn = "up" if heading in ("left", "right") else "left"
    await back.turn(turn)  # it steers the same snake
    await until(back, "frame", lambda f: sid not in back.view.snakes
                or back.view.snakes[sid].dir == turn)


async def test_a_snake_that_died_while_its_player_was_away_is_reported_on_return(connect):
    ada = await connect("Ada")
    sid = await play(ada)
    await ada.turn(toward_wall(ada.view, sid))
    token = ada.welcome.token
    drop(ada)
    back = await connect()
    watcher = await connect("Watcher")
    await until(watcher, "frame", lambda f: any(d[0] == sid for d in f.deaths))
    await back.hello("Ada", resume=token)
    died = await until(back, "died")
    assert died.cause == "wall"
    await back.join()  # and plays again from there
    await until(back, "spawned")


@pytest.mark.parametrize("settings", [{"resume_grace": 0.3}], indirect=True)
async def test_a_token_past_its_grace_period_gets_a_clear_message_and_a_fresh_start(connect):
    watcher = await connect("Watcher")
    ada = await connect("Ada")
    sid = await play(ada)
    token = ada.welcome.token
    drop(ada)
    await until(watcher, "frame", lambda f: any(d == (sid, "left", None) for d in f.deaths))
    back = await connect()
    await back.hello("Ada", resume=token)
    warning = await until(back, "serverwarning")
    assert warning.code == "resume-failed"
    welcome = await until(back, "welcome")
    assert welcome.token != token
    await until(back, "snapshot")
    assert sid not in back.view.snakes


async def test_an_unknown_token_gets_a_clear_message_and_a_fresh_start(connect):
    conn = await connect()
    await conn.hello("Ada", resume="no-such-token")
    warning = await until(conn, "serverwarning")
    assert warning.code == "resume-failed" and "afresh" in warning.message
    await until(conn, "welcome")


async def test_a_token_presented_while_the_old_socket_is_open_replaces_it(connect):
    ada = await connect("Ada")
    sid = await play(ada)
    second = await connect()
    await second.hello("Ada", resume=ada.welcome.token)
    spawned = await until(second, "spawned")
    assert spawned.snake == sid
    while True:  # the old connection is closed, saying why
        raw = await asyncio.wait_for(ada.ws.receive(), 10)
        if raw.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            break
    assert ada.ws.close_code == 4000
    await moves_of(second, sid, 3)  # and the snake lives on with the new one


async def test_closing_on_purpose_leaves_at_once(connect):
    watcher = await connect("Watcher")
    ada = await connect("Ada")
    sid = await play(ada)
    await ada.close()  # a close frame with 1000: no waiting for a resume
    await until(watcher, "frame", lambda f: any(d == (sid, "left", None) for d in f.deaths),
                timeout=2)
