"""Play a robot on a Snakepit server over a real WebSocket: ``snakepit robot``.

The runner says hello, joins, and answers every frame by calling the robot's ``decide``
in a worker thread, so the connection keeps reading while the robot thinks. Each answer
carries the tick it answers; the server ignores answers that arrive after the next tick
has been simulated and says so with a ``late`` warning, which the runner reports. A robot
that raises is reported (with its traceback, once per distinct error) and its snake keeps
going. After a death the runner joins again, until the games or seconds asked for are done.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from ..client.connection import Connection
from ..client.view import SnakeView, WorldView
from ..protocol.messages import (
    Died,
    Error,
    Frame,
    ServerWarning,
    Spawned,
    Turn,
    Welcome,
)
from .robot import Robot
from .view import View

#: Seconds between a death and the next join.
REJOIN_DELAY = 1.0


@dataclass
class RemoteReport:
    """What happened while the robot played."""

    games: list[Died] = field(default_factory=list)
    decisions: int = 0
    late: int = 0
    errors: int = 0
    skipped: int = 0
    """Frames that arrived while the robot was still thinking about an older one."""
    refused: list[str] = field(default_factory=list)


def detached_view(world: WorldView, snake_id: int, tick_ms: float) -> View:
    """A view that later frames cannot change under a robot thinking in another thread."""
    copy = WorldView(world.width, world.height, world.tick,
                     {sid: SnakeView(s.id, s.name, s.color, s.dir, list(s.body), s.score,
                                     s.bot, s.growing)
                      for sid, s in world.snakes.items()},
                     dict(world.digits), set(world.stones))
    return View.of(copy, snake_id, tick_ms)


async def play(robot: Robot, url: str, name: str, *, arena: str | None = None,
               games: int | None = None, seconds: float | None = None,
               say: Callable[[str], None] = print) -> RemoteReport:
    """Play ``robot`` as ``name`` at ``url`` until ``games`` games have ended or ``seconds``
    have passed (or for ever, if neither is given)."""
    report = RemoteReport()
    stop_at = time.monotonic() + seconds if seconds is not None else None
    seen_errors: set[str] = set()
    thinking: asyncio.Task[None] | None = None
    tick_ms = 100.0
    conn = await Connection.open(url)

    async def answer(view: View) -> None:
        try:
            choice = await asyncio.to_thread(robot.decide, view)
        except Exception as exc:  # noqa: BLE001 -- reported; the snake keeps going
            report.errors += 1
            text = "".join(traceback.format_exception(exc)).rstrip()
            if text not in seen_errors:
                seen_errors.add(text)
                say(f"robot raised at tick {view.tick} (its snake keeps going):\n{text}")
            return
        report.decisions += 1
        if choice is not None and choice != view.me.dir:
            await conn.send(Turn(dir=choice, tick=view.tick))

    async def rejoin_later() -> None:
        await asyncio.sleep(REJOIN_DELAY)
        await conn.join()

    try:
        await conn.hello(name, arena=arena)
        await conn.join()
        while True:
            remaining = None if stop_at is None else stop_at - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            try:
                message = await asyncio.wait_for(conn.receive(), remaining)
            except TimeoutError:
                break
            if isinstance(message, Welcome):
                tick_ms = message.tick_ms
                say(f"in arena {message.arena} as {message.name}: {message.width}x"
                    f"{message.height}, a tick every {tick_ms:g} ms")
            elif isinstance(message, Spawned):
                robot.reset()
            elif isinstance(message, Frame):
                sid = conn.snake_id
                if sid is None or sid not in conn.view.snakes:
                    continue
                if thinking is not None and not thinking.done():
                    report.skipped += 1
                    continue
                thinking = asyncio.create_task(answer(detached_view(conn.view, sid, tick_ms)))
            elif isinstance(message, Died):
                report.games.append(message)
                say(f"game over: {message.cause}"
                    + (f" (by {message.killer})" if message.killer else "")
                    + f", score {message.score}, length {message.length}, "
                      f"kills {message.kills}, {message.ticks} ticks")
                if games is not None and len(report.games) >= games:
                    break
                asyncio.get_running_loop().create_task(rejoin_later())
            elif isinstance(message, ServerWarning):
                report.late += message.code == "late"
                say(f"warning: {message.message}")
            elif isinstance(message, Error):
                report.refused.append(message.code)
                say(f"refused ({message.code}): {message.message}")
                if message.code in ("bad-name", "bad-protocol", "bad-arena", "no-arena",
                                    "arena-limit"):
                    break
    finally:
        if thinking is not None:
            await asyncio.gather(thinking, return_exceptions=True)
        await conn.close()
    return report
