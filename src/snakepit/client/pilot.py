"""Play a whole session on autopilot: join, steer every tick, join again after each death.

Used by the benchmark and the screenshot tool to fill a world with real players over real
sockets; the steering comes from :mod:`snakepit.client.autopilot`.
"""

from __future__ import annotations

import time

from ..protocol.messages import Frame, Spawned
from .autopilot import toward_digit
from .connection import Connection


async def fly(url: str, name: str, seconds: float) -> None:
    """Connect to ``url`` as ``name`` and play with the digit seeker for ``seconds``."""
    stop = time.monotonic() + seconds
    async with await Connection.open(url) as conn:
        await conn.hello(name)
        await conn.join()
        joining = True
        while time.monotonic() < stop:
            message = await conn.receive()
            if isinstance(message, Spawned):
                joining = False
            elif isinstance(message, Frame):
                if conn.snake_id is None and not joining:
                    await conn.join()
                    joining = True
                elif conn.snake_id in conn.view.snakes:
                    direction = toward_digit(conn.view, conn.snake_id)
                    if direction and direction != conn.view.snakes[conn.snake_id].dir:
                        await conn.turn(direction)
