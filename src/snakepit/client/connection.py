"""A Python client of the Snakepit protocol over a real WebSocket (aiohttp).

    async with Connection.open("ws://127.0.0.1:8080/ws") as conn:
        await conn.hello("Robo")
        await conn.join()
        async for message in conn.messages():
            ...

Every message received updates :attr:`Connection.view` before it is handed out, so the
view is always the world as of the last frame.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType

import aiohttp

from ..protocol import PROTOCOL_VERSION, decode_server
from ..protocol.messages import (
    Dir,
    Frame,
    Hello,
    Join,
    Ping,
    ServerMessage,
    Snapshot,
    Spawned,
    Turn,
    Watch,
    Welcome,
)
from ..protocol.codec import encode
from .view import WorldView


class Connection:
    """One connection to a Snakepit server."""

    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse):
        self._session = session
        self.ws = ws
        self.view = WorldView()
        self.welcome: Welcome | None = None
        #: Id of this connection's live snake, or None.
        self.snake_id: int | None = None

    @classmethod
    async def open(cls, url: str) -> Connection:
        session = aiohttp.ClientSession()
        try:
            ws = await session.ws_connect(url, autoclose=False)
        except BaseException:
            await session.close()
            raise
        return cls(session, ws)

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        await self.ws.close()
        await self._session.close()

    async def send(self, message: Hello | Join | Turn | Ping | Watch) -> None:
        await self.ws.send_str(encode(message).decode())

    async def hello(self, name: str, arena: str | None = None,
                    resume: str | None = None) -> None:
        """Say hello; ``resume`` (a token from an earlier ``welcome``) asks for that
        session, and its snake, back."""
        await self.send(Hello(protocol=PROTOCOL_VERSION, name=name, arena=arena, resume=resume))

    async def watch(self, arena: str | None = None) -> None:
        await self.send(Watch(arena=arena))

    async def join(self) -> None:
        await self.send(Join())

    async def turn(self, direction: Dir) -> None:
        await self.send(Turn(dir=direction))

    async def receive(self) -> ServerMessage:
        """The next message (after applying it to :attr:`view`)."""
        raw = await self.ws.receive()
        if raw.type is not aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"connection ended: {raw.type.name} {raw.data!r} {raw.extra!r}")
        message = decode_server(raw.data)
        if isinstance(message, Snapshot):
            self.view.apply_snapshot(message)
        elif isinstance(message, Frame):
            self.view.apply_frame(message)
            if self.snake_id is not None and any(d[0] == self.snake_id for d in message.deaths):
                self.snake_id = None
        elif isinstance(message, Spawned):
            self.snake_id = message.snake
        elif isinstance(message, Welcome):
            self.welcome = message
        return message

    async def messages(self) -> AsyncIterator[ServerMessage]:
        while True:
            yield await self.receive()
