"""A real server on a real port, and real WebSocket clients that speak the protocol: the
fixtures of every test that plays against an in-process server (tests/server, tests/replay)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from yarl import URL

from snakepit.client import Connection
from snakepit.server import App, create_app
from snakepit.server.hub import Hub
from snakepit.settings import Settings

from .server.playing import until


@pytest.fixture
def settings(tmp_path) -> Settings:
    # 50 ticks per second keeps tests short; seed 7 keeps the board the same every run;
    # no bots unless a test asks for them, so a test's snakes are its own.
    return Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, bots=0)


class RunningServer:
    """An app served on 127.0.0.1 the way ``snakepit serve`` serves it."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.host, self.port = "127.0.0.1", app.port

    def make_url(self, path: str) -> URL:
        return URL(f"http://{self.host}:{self.port}").join(URL(path))

    async def close(self) -> None:
        await self.app.stop()


@pytest.fixture
async def snakepit_server() -> AsyncIterator[Callable[[App], Awaitable[RunningServer]]]:
    """Start apps on free ports of 127.0.0.1; they are stopped after the test."""
    running: list[RunningServer] = []

    async def start(app: App, header_timeout: float | None = None) -> RunningServer:
        if header_timeout is not None:
            app.http.header_timeout = header_timeout
        await app.start("127.0.0.1", 0)
        running.append(RunningServer(app))
        return running[-1]

    yield start
    for server in reversed(running):
        await server.close()


@pytest.fixture
async def server(snakepit_server, settings):
    return await snakepit_server(create_app(settings))


@pytest.fixture
def hub(server) -> Hub:
    return server.app.hub


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
