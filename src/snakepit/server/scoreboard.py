"""Top scores: finished games go to the store off the event loop; the lists go to everyone.

Games are written in batches by one background task that runs the blocking store on a
single worker thread, so the game loop only appends to a queue. After a commit that may
change the lists they are read again and, if they did change, ``on_change`` gets the new
``top`` message, framed once, to send to every client: a score shown in the lists has been
committed, and games that enter no list cost no broadcast.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from ..engine import Death
from ..protocol import encode
from ..protocol.messages import ScoreEntry, TopScores
from ..storage import GameRecord, SqliteScoreStore
from .wsframe import text_frame

log = logging.getLogger("snakepit.scores")

_RETRIES = 5
#: Seconds the writer waits after the first game of a batch, to gather the ones that follow.
_GATHER = 0.1
#: Least seconds between two broadcasts of the lists.
_PUBLISH_INTERVAL = 1.0


class Scoreboard:
    """Records finished games and keeps the current top-score lists."""

    def __init__(self, store: SqliteScoreStore, *, limit: int = 10,
                 on_change: Callable[[bytes], None] = lambda frame: None) -> None:
        self._store = store
        self._limit = limit
        self._on_change = on_change
        #: Finished games waiting to be written; None asks the writer to finish.
        self._queue: asyncio.Queue[GameRecord | None] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scores")
        self._task: asyncio.Task[None] | None = None
        self._publisher: asyncio.Task[None] | None = None
        self._stale = asyncio.Event()
        self.lists = TopScores(all_time=[], today=[])
        self.frame = text_frame(encode(self.lists))

    async def start(self) -> None:
        await self._refresh()
        self._task = asyncio.create_task(self._write_forever(), name="scoreboard")
        self._publisher = asyncio.create_task(self._publish_forever(), name="top scores")

    async def stop(self) -> None:
        """Write every game still queued, then stop."""
        if self._task is not None:
            self._queue.put_nowait(None)
            await self._task
            self._task = None
        if self._publisher is not None:
            self._publisher.cancel()
            await asyncio.gather(self._publisher, return_exceptions=True)
            self._publisher = None
        self._executor.shutdown(wait=True)

    def record(self, death: Death) -> None:
        """Queue a finished game for writing. Never blocks."""
        self._queue.put_nowait(
            GameRecord(
                name=death.name,
                score=death.score,
                length=death.length,
                kills=death.kills,
                cause=death.cause.value,
                ended_at=datetime.now(UTC),
            )
        )

    async def _write_forever(self) -> None:
        while True:
            try:
                first = await asyncio.wait_for(self._queue.get(), _seconds_to_midnight())
            except TimeoutError:  # a new day: today's list starts empty
                self._stale.set()
                continue
            if first is not None:
                await asyncio.sleep(_GATHER)  # a burst of deaths becomes one transaction
            items = [first]
            while not self._queue.empty():
                items.append(self._queue.get_nowait())
            batch = [item for item in items if item is not None]
            if batch and await self._write(batch):
                log.debug("scores saved games=%d", len(batch))
                if self._could_enter(batch):
                    self._stale.set()
            if None in items:
                return

    def _could_enter(self, batch: list[GameRecord]) -> bool:
        """Whether any game in ``batch`` may change a list (a cheap test before a query)."""
        for entries in (self.lists.all_time, self.lists.today):
            if len(entries) < self._limit or any(r.score > entries[-1].score for r in batch):
                return True
        return False

    async def _publish_forever(self) -> None:
        """Whenever the lists may be stale, read them again and, if they changed, hand the
        new message to ``on_change``; at most once per ``_PUBLISH_INTERVAL``, so a busy
        server sends one list a second rather than one per death."""
        while True:
            await self._stale.wait()
            self._stale.clear()
            before = self.lists
            try:
                await self._refresh()
            except Exception as exc:  # sqlite3 raises several kinds; try again later
                log.warning("top scores not read error=%r", exc)
                self._stale.set()
            else:
                if self.lists != before:
                    self._on_change(self.frame)
            await asyncio.sleep(_PUBLISH_INTERVAL)

    async def _write(self, batch: list[GameRecord]) -> bool:
        loop = asyncio.get_running_loop()
        for attempt in range(1, _RETRIES + 1):
            try:
                await loop.run_in_executor(self._executor, self._store.add, batch)
                return True
            except Exception as exc:  # sqlite3 raises several kinds; all are retried
                log.warning("score write failed attempt=%d games=%d error=%r",
                            attempt, len(batch), exc)
                await asyncio.sleep(0.1 * 2**attempt)
        for record in batch:
            log.error("score lost name=%r score=%d ended_at=%s", record.name, record.score,
                      record.ended_at.isoformat())
        return False

    async def _refresh(self) -> None:
        loop = asyncio.get_running_loop()
        midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        all_time = await loop.run_in_executor(self._executor, self._store.best, self._limit)
        today = await loop.run_in_executor(self._executor, self._store.best, self._limit,
                                           midnight)
        self.lists = TopScores(all_time=_entries(all_time), today=_entries(today))
        self.frame = text_frame(encode(self.lists))


def _seconds_to_midnight() -> float:
    now = datetime.now(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return (midnight - now).total_seconds() + 1.0


def _entries(records: list[GameRecord]) -> list[ScoreEntry]:
    return [
        ScoreEntry(name=r.name, score=r.score, length=r.length, kills=r.kills, cause=r.cause,
                   at=r.ended_at.isoformat(timespec="seconds"))
        for r in records
    ]
