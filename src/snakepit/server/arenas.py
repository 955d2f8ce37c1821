"""Many worlds ("arenas") in one process: matchmaking, named arenas, closing empty ones.

Public arenas are opened by matchmaking and named ``pit-1``, ``pit-2``, ... (the lowest
number not in use, so a closed arena's name comes back); a player who
names no arena is put in the fullest public arena that still has room (games stay lively),
and a new one opens when all are full. Named arenas are opened by whoever names them first
(for a link such as ``/?arena=friday``) and are never used by matchmaking. Any arena can be
watched. An arena nobody is in closes after a grace period.

Opening an arena by naming it is bounded: per address by :class:`~.quota.ArenaQuota` (how
many it holds open, how fast it opens new ones: ``arena-limit``), and for the whole process
by ``max_arenas`` (``no-arena``), which counts only arenas opened by name. Matchmaking is
never refused: a newcomer always gets a public arena, whatever named arenas exist (public
arenas open only as people fill them, so they are bounded by the connections).

Each arena ticks at its own phase within the tick period (spread by the golden ratio), so
the process's fan-out is smooth rather than one burst per tick.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..engine import Death, World
from .metrics import Metrics
from .quota import ArenaQuota
from .stats import TickStats
from .world_runner import WorldRunner

if TYPE_CHECKING:
    from ..replay import Recorder

log = logging.getLogger("snakepit.arenas")

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
#: Names of public arenas: a link to one that has closed opens a public one again.
_PUBLIC = re.compile(r"pit-[0-9]+")
_GOLDEN = 0.6180339887498949


class ArenaError(ValueError):
    """An arena that cannot be opened: ``code`` is the protocol's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def arena_name(raw: str) -> str:
    """The canonical form of an arena name (lowercase), or :class:`ArenaError`."""
    name = raw.strip().lower()
    if not _NAME.fullmatch(name):
        raise ArenaError("bad-arena", "arena names are 1-32 letters, digits, '-' or '_', "
                                      "starting with a letter or digit")
    return name


class Arenas:
    """The arenas of this process and their game-loop tasks."""

    def __init__(
        self,
        new_world: Callable[[], World],
        *,
        tick_rate: float,
        max_players: int,
        idle_grace: float,
        max_arenas: int,
        on_game_over: Callable[[Death, Callable[[], None] | None], None],
        stats: TickStats,
        bot_fill: int = 0,
        bot_level: str = "medium",
        metrics: Metrics | None = None,
        new_recorder: Callable[[str, World], Recorder | None] | None = None,
        quota: ArenaQuota | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._new_world = new_world
        #: Makes the recorder of a new arena (its name, its world), when recording.
        self._new_recorder = new_recorder
        self._metrics = metrics
        self._bot_fill = bot_fill
        self._bot_level = bot_level
        self._tick_rate = tick_rate
        self.max_players = max_players
        self._idle_grace = idle_grace
        self._on_game_over = on_game_over
        self._stats = stats
        #: Most arenas opened by name (not by matchmaking) open at once.
        self.max_arenas = max_arenas
        #: How many arenas one address may open by name, and how fast (no limit by default).
        self.quota = quota if quota is not None else ArenaQuota(0, 0)
        self._clock = clock
        self.runners: dict[str, WorldRunner] = {}
        #: The arenas opened by name, each with the address that opened it (None: the
        #: server itself, e.g. a benchmark).
        self.by_name: dict[str, str | None] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._opened = itertools.count(0)

    def get(self, name: str) -> WorldRunner | None:
        return self.runners.get(name)

    def named(self, raw: str, address: str | None = None) -> WorldRunner:
        """The arena called ``raw``, opened now (for ``address``) if it is not open: then
        :class:`ArenaError` ``arena-limit`` if that address may open no more now, or
        ``no-arena`` if ``max_arenas`` arenas opened by name are open. A ``pit-N`` that is
        not open is opened as a public arena, but counts as opened by name."""
        name = arena_name(raw)
        runner = self.runners.get(name)
        if runner is not None:
            return runner
        now = self._clock()
        if address is not None:
            refusal = self.quota.refusal(address, now)
            if refusal is not None:
                raise ArenaError("arena-limit", refusal)
        if len(self.by_name) >= self.max_arenas:
            raise ArenaError("no-arena", "this server has as many named arenas as it can "
                                         "hold: play in a public one (name no arena)")
        runner = self._open(name, public=bool(_PUBLIC.fullmatch(name)))
        self.by_name[name] = address
        if address is not None:
            self.quota.opened(address, now)
        return runner

    def matchmake(self) -> WorldRunner:
        """The public arena with the most people that still has room for one more, or a
        new one (bots do not count: they make way). Never refused."""
        open_ = [r for r in self.runners.values() if r.public and r.has_room]
        if open_:
            return max(open_, key=lambda r: (r.humans, -r.serial))
        return self._open(self._free_public_name(), public=True)

    def _free_public_name(self) -> str:
        """The lowest ``pit-N`` not open now. Numbers of closed arenas are used again, so a
        server that has run for a week still names its arenas ``pit-1`` to ``pit-K``, K the
        most it has had open at once."""
        return next(name for name in (f"pit-{i}" for i in itertools.count(1))
                    if name not in self.runners)

    def post(self, frame: bytes) -> None:
        """Send an already framed message to every client of every arena, each arena with
        its next tick (see :meth:`WorldRunner.post`)."""
        for runner in self.runners.values():
            runner.post(frame)

    def _open(self, name: str, *, public: bool) -> WorldRunner:
        serial = next(self._opened)
        world = self._new_world()
        runner = WorldRunner(
            world,
            name=name,
            public=public,
            serial=serial,
            phase=(serial * _GOLDEN) % 1.0 / self._tick_rate,
            tick_rate=self._tick_rate,
            max_players=self.max_players,
            idle_grace=self._idle_grace,
            on_close=self._closed,
            on_game_over=self._on_game_over,
            stats=self._stats,
            bot_fill=self._bot_fill,
            bot_level=self._bot_level,
            metrics=self._metrics,
            recorder=self._new_recorder(name, world) if self._new_recorder else None,
        )
        self.runners[name] = runner
        self._tasks[name] = asyncio.create_task(runner.run(), name=f"arena {name}")
        log.info("arena opened name=%s public=%s arenas=%d", name, public, len(self.runners))
        return runner

    def _closed(self, runner: WorldRunner) -> None:
        """Called by a runner, synchronously, as its loop ends because it stayed empty."""
        if self.runners.get(runner.name) is runner:
            del self.runners[runner.name]
            self._tasks.pop(runner.name, None)
            if runner.name in self.by_name:
                address = self.by_name.pop(runner.name)
                if address is not None:
                    self.quota.closed(address)
            log.info("arena closed name=%s arenas=%d", runner.name, len(self.runners))

    async def finish(self) -> None:
        """Stop every game loop, then end every game in one last tick (so it is recorded)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        for runner in list(self.runners.values()):
            runner.finish()
