"""The running parts of one Snakepit process, started and stopped together."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random

from ..engine import World, WorldConfig
from ..engine.fast import engine_class
from ..replay import Recorder, ReplayLibrary
from ..settings import Settings
from ..storage import SqliteScoreStore
from .arenas import Arenas
from .metrics import Metrics
from .quota import ArenaQuota
from .resume import Resumes
from .scoreboard import Scoreboard
from .stats import TickStats

log = logging.getLogger("snakepit")


class Hub:
    """The arenas, their game loops, and the top scores of one server process."""

    def __init__(self, settings: Settings, metrics: Metrics | None = None) -> None:
        self.settings = settings
        #: The operator's figures (``/metrics``, ``/stats``), fed by the arenas and clients.
        self.metrics = metrics if metrics is not None else Metrics()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = SqliteScoreStore(settings.data_dir / "scores.sqlite3")
        self._seeds = random.Random(settings.seed)
        #: World or FastWorld: the same game either way (tests/engine/test_fast_world.py).
        self._world_class = engine_class(settings.engine)
        self.stats = TickStats()
        #: The recordings of the arenas' games (docs/replays.md).
        self.replays = ReplayLibrary(settings.data_dir / "replays",
                                     keep=settings.keep_recordings)
        self.scoreboard = Scoreboard(self.store, limit=settings.top_scores,
                                     on_change=self._post_top_scores)
        self.arenas = Arenas(self._new_world, tick_rate=settings.tick_rate,
                             max_players=settings.max_players,
                             idle_grace=settings.arena_grace, max_arenas=settings.max_arenas,
                             on_game_over=self.scoreboard.record, stats=self.stats,
                             bot_fill=settings.bots, bot_level=settings.bot_level,
                             metrics=self.metrics,
                             new_recorder=self._new_recorder if settings.record else None,
                             quota=ArenaQuota(settings.arenas_per_address,
                                              settings.new_arenas_per_minute))
        self._ids = itertools.count(1)
        #: Sessions whose connection dropped, waiting to be resumed by token.
        self.resumes = Resumes(settings.resume_grace)
        #: True once the server has begun to stop.
        self.closing = False

    def next_client_id(self) -> int:
        return next(self._ids)

    async def start(self) -> None:
        await self.scoreboard.start()
        log.info("started size=%dx%d tick_rate=%s max_players=%d engine=%s",
                 self.settings.width, self.settings.height, self.settings.tick_rate,
                 self.settings.max_players, self._world_class.__name__)

    async def finish_games(self) -> None:
        """The server is stopping: end every game so it is recorded; accept no more."""
        self.closing = True
        self.resumes.close()
        await self.arenas.finish()

    async def stop(self) -> None:
        if not self.closing:
            await self.finish_games()
        await self.scoreboard.stop()
        self.store.close()
        await asyncio.to_thread(self.replays.close)  # the last batches reach the disk

    def _new_world(self) -> World:
        """A new arena's world. With a fixed --seed, arenas get seeds drawn from it in turn,
        so a server run is reproducible; otherwise each world gets a random seed."""
        seed = self._seeds.getrandbits(32)
        log.info("world seed=%d", seed)
        return self._world_class(
            WorldConfig(width=self.settings.width, height=self.settings.height), seed=seed)

    def _new_recorder(self, name: str, world: World) -> Recorder:
        """The recorder of a new arena's world (only when recording is on)."""
        return self.replays.start(name, world, self.settings.tick_rate)

    def _post_top_scores(self, frame: bytes) -> None:
        """New top lists go to every client, each arena with its next tick."""
        self.arenas.post(frame)
