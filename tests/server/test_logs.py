"""The log: one key=value line per connect, join, death and drop, each with its reason."""

from __future__ import annotations

import asyncio
import logging
import re

from .playing import play, toward_wall, until

FIELD = re.compile(r"^\w+( \w+=\S+)+$")


async def test_connect_join_death_and_drop_each_log_one_structured_line(connect, caplog,
                                                                        settings):
    caplog.set_level(logging.INFO, logger="snakepit")
    conn = await connect("Ada")
    sid = await play(conn)
    await conn.turn(toward_wall(conn.view, sid))
    await until(conn, "died")
    for _ in range(settings.max_strikes):
        await conn.ws.send_str("nonsense")
    await until(conn, "error")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("snakepit")]

    def one(prefix: str) -> str:
        found = [line for line in lines if line.startswith(prefix + " ")]
        assert found, f"no {prefix!r} line in {lines}"
        return found[0]

    assert "peer=127.0.0.1" in one("connect")
    assert "name='Ada'" in one("join") and "arena=pit-1" in one("join")
    assert "name='Ada'" in one("death") and "cause=wall" in one("death")
    for _ in range(50):  # the close is handled as the next message is read
        if any(line.startswith("drop ") for line in
               (r.getMessage() for r in caplog.records)):
            break
        await asyncio.sleep(0.02)
    drop = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("drop "))
    assert "reason=strikes" in drop
    for line in (one("connect"), one("join"), drop):
        assert FIELD.match(line.replace("'", "")), line
