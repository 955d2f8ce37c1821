"""The running parts of one Snakepit process, started and stopped together."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random

from ..engine import World, WorldConfig
from ..settings import Settings
from ..storage import SqliteScoreStore
from .scoreboard import Scoreboard
from .world_runner import WorldRunner

log = logging.getLogger("snakepit")


class Hub:
    """The world, its game loop, and the top scores of one server process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = SqliteScoreStore(settings.data_dir / "scores.sqlite3")
        seed = settings.seed if settings.seed is not None else random.SystemRandom().getrandbits(32)
        world = World(WorldConfig(width=settings.width, height=settings.height), seed=seed)
        self.scoreboard = Scoreboard(self.store, limit=settings.top_scores,
                                     on_change=self._broadcast)
        self.runner = WorldRunner(world, tick_rate=settings.tick_rate,
                                  max_players=settings.max_players,
                                  on_game_over=self.scoreboard.record)
        self._ids = itertools.count(1)
        self._loop_task: asyncio.Task[None] | None = None

    def next_client_id(self) -> int:
        return next(self._ids)

    async def start(self) -> None:
        await self.scoreboard.start()
        self._loop_task = asyncio.create_task(self.runner.run(), name="world")
        log.info("world started seed=%d size=%dx%d tick_rate=%s", self.runner.world.seed,
                 self.settings.width, self.settings.height, self.settings.tick_rate)

    async def stop(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
            try:
                await self._loop_task
            except asyncio.CancelledError:
                pass
        await self.scoreboard.stop()
        self.store.close()

    def _broadcast(self, frame: bytes) -> None:
        self.runner.broadcast(frame)
