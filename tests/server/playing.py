"""Helpers for tests that play for real: waiting for messages, joining, steering."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from snakepit.client import Connection
from snakepit.client.autopilot import safe_directions, toward_digit, toward_wall

__all__ = ["play", "safe_directions", "toward_digit", "toward_wall", "until"]


async def until(conn: Connection, kind: str, check: Callable[[object], bool] = lambda m: True,
                timeout: float = 15.0):
    """Receive until a message of type ``kind`` satisfying ``check`` arrives; return it."""

    async def wait():
        while True:
            message = await conn.receive()
            if type(message).__name__.lower() == kind and check(message):
                return message

    return await asyncio.wait_for(wait(), timeout)


async def play(conn: Connection, name: str = "") -> int:
    """Join and wait for our snake; return its id."""
    await conn.join()
    spawned = await until(conn, "spawned")
    await until(conn, "frame", lambda f: any(s.id == spawned.snake for s in f.spawns))
    return spawned.snake
