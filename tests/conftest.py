"""A real server on a real port, and real WebSocket clients that speak the protocol: the
fixtures of every test that plays against an in-process server (tests/server, tests/replay)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from snakepit.client import Connection
from snakepit.server import create_app
from snakepit.server.app import HUB
from snakepit.server.hub import Hub
from snakepit.settings import Settings

from .server.playing import until


@pytest.fixture
def settings(tmp_path) -> Settings:
    # 50 ticks per second keeps tests short; seed 7 keeps the board the same every run;
    # no bots unless a test asks for them, so a test's snakes are its own.
    return Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, bots=0)


@pytest.fixture
async def server(aiohttp_server, settings):
    return await aiohttp_server(create_app(settings))


@pytest.fixture
def hub(server) -> Hub:
    return server.app[HUB]


@pytest.fixture
async def connect(server) -> AsyncIterator[Callable[..., Awaitable[Connection]]]:
    """Open connections (optionally saying hello) that are closed after the test."""
    opened: list[Connection] = []

    async def open_(name: str | None = None, arena: str | None = None) -> Connection:
        conn = await Connection.open(str(server.make_url("/ws")))
        opened.append(conn)
        if name is not None:
            await conn.hello(name, arena=arena)
            await until(conn, "snapshot")
        return conn

    yield open_
    for conn in opened:
        if not conn.ws.closed:
            await conn.close()
