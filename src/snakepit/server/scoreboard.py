"""Top scores: finished games go to the store off the event loop; the lists go to everyone.

Games are written in batches by one background task that runs the blocking store on a
single worker thread, so the game loop only appends to a queue. After each commit the
lists are read again and ``on_change`` gets the new ``top`` message, framed once, to send
to every client: a score shown in the lists has been committed.
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


class Scoreboard:
    """Records finished games and keeps the current top-score lists."""

    def __init__(self, store: SqliteScoreStore, *, limit: int = 10,
                 on_change: Callable[[bytes], None] = lambda frame: None) -> None:
        self._store = store
        self._limit = limit
        self._on_change = on_change
        self._queue: asyncio.Queue[GameRecord] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scores")
        self._task: asyncio.Task[None] | None = None
        self.lists = TopScores(all_time=[], today=[])
        self.frame = text_frame(encode(self.lists))

    async def start(self) -> None:
        await self._refresh()
        self._task = asyncio.create_task(self._write_forever(), name="scoreboard")

    async def stop(self) -> None:
        """Write whatever is still queued, then stop."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        pending = []
        while not self._queue.empty():
            pending.append(self._queue.get_nowait())
        if pending:
            await self._write(pending)
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
                await self._refresh()
                self._on_change(self.frame)
                continue
            batch = [first]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            if await self._write(batch):
                log.info("scores saved games=%d", len(batch))
                await self._refresh()
                self._on_change(self.frame)

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
