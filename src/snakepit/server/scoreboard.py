"""Top scores: finished games go to the store off the event loop; the lists go to everyone.

Games are written in batches by one background task that runs the blocking store on a
single worker thread, so the game loop only appends the death to a list (the records are
made by the writer, a batch at a time). After a commit that may
change the lists they are read again and, if they did change, ``on_change`` gets the new
``top`` message, framed once, to send to every client: a score shown in the lists has been
committed, and games that enter no list cost no broadcast.

When the store fails (the file is locked by another program, the disk is full or
read-only), a batch is retried a few times with backoff and then kept in memory, with an
error in the log, and written with the next batch or the next retry (every
``RETRY_INTERVAL`` seconds): the games go on meanwhile. Only if the store is still failing
when the server stops, or more than ``MAX_UNSAVED`` games are waiting, are games given up,
each with its own ``score lost`` line in the log: never silently.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from ..engine import Death
from ..protocol import encode
from ..protocol.messages import ScoreEntry, TopScores
from ..storage import GameRecord, SqliteScoreStore
from ..websocket.frames import text_frame

log = logging.getLogger("snakepit.scores")

_RETRIES = 3
#: Seconds between two attempts to write games kept after a failure.
RETRY_INTERVAL = 5.0
#: Most games kept in memory while the store fails; older ones are given up (and logged).
MAX_UNSAVED = 10_000
#: Seconds the writer waits after the first game of a batch, to gather the ones that follow.
#: Each transaction costs a sync to disk and a pass over the summaries whatever its size, so
#: a busy server (hundreds of games a second) writes a few batches a second, not dozens; a
#: player's ``saved`` comes at most this much later.
_GATHER = 0.4
#: Least seconds between two broadcasts of the lists.
_PUBLISH_INTERVAL = 1.0


class Scoreboard:
    """Records finished games and keeps the current top-score lists."""

    def __init__(self, store: SqliteScoreStore, *, limit: int = 10,
                 on_change: Callable[[bytes], None] = lambda frame: None) -> None:
        self._store = store
        self._limit = limit
        self._on_change = on_change
        #: Finished games waiting for the writer: (death, on_saved, time.time() at death).
        self._pending: list[tuple[Death, Callable[[], None] | None, float]] = []
        #: Set when a game is added to ``_pending`` (or the writer is asked to finish).
        self._arrived = asyncio.Event()
        self._finishing = False
        #: Games the store refused so far, oldest first, to be written with the next batch.
        self._unsaved: list[GameRecord] = []
        #: Who to tell when a queued game is committed, by id() of its record.
        self._acks: dict[int, Callable[[], None]] = {}
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
            self._finishing = True
            self._arrived.set()
            await self._task
            self._task = None
        if self._publisher is not None:
            self._publisher.cancel()
            await asyncio.gather(self._publisher, return_exceptions=True)
            self._publisher = None
        self._executor.shutdown(wait=True)

    def record(self, death: Death, on_saved: Callable[[], None] | None = None) -> None:
        """Queue a finished game for writing. Never blocks, and costs the game loop one
        list append. ``on_saved`` is called (on the event loop) once the game is
        committed: the moment it may be acknowledged."""
        self._pending.append((death, on_saved, time.time()))
        self._arrived.set()

    def _records(self) -> list[GameRecord]:
        """The games queued so far, as records (their acknowledgements noted)."""
        pending, self._pending = self._pending, []
        records = []
        for death, on_saved, ended in pending:
            record = GameRecord(name=death.name, score=death.score, length=death.length,
                                kills=death.kills, cause=death.cause.value,
                                ended_at=datetime.fromtimestamp(ended, UTC))
            if on_saved is not None:
                self._acks[id(record)] = on_saved
            records.append(record)
        return records

    async def _write_forever(self) -> None:
        while True:
            if not self._pending and not self._finishing:
                wait = RETRY_INTERVAL if self._unsaved else _seconds_to_midnight()
                try:
                    await asyncio.wait_for(self._arrived.wait(), wait)
                except TimeoutError:  # time to retry, or a new day (today's list starts empty)
                    self._stale.set()
                    if not self._unsaved:
                        continue
            if self._pending and not self._finishing:
                await asyncio.sleep(_GATHER)  # a burst of deaths becomes one transaction
            self._arrived.clear()
            final = self._finishing
            batch = self._unsaved + self._records()
            self._unsaved = []
            if batch and await self._write(batch):
                log.debug("scores saved games=%d", len(batch))
                self._acknowledge(batch)
                if self._could_enter(batch):
                    self._stale.set()
            elif batch:
                self._keep(batch, final=final)
            if final and not self._pending:
                return

    def _acknowledge(self, batch: list[GameRecord]) -> None:
        for record in batch:
            ack = self._acks.pop(id(record), None)
            if ack is not None:
                try:
                    ack()
                except Exception:  # one player's acknowledgement must not stop the writer
                    log.exception("acknowledging a saved game failed")

    def _keep(self, batch: list[GameRecord], final: bool) -> None:
        """Hold games the store refused, to try again; give up (loudly) when stopping or
        when too many are waiting."""
        if final:
            lost, self._unsaved = batch, []
        else:
            lost, self._unsaved = batch[:-MAX_UNSAVED], batch[-MAX_UNSAVED:]
        if self._unsaved:
            log.error("scores not saved yet games=%d retry_in=%gs", len(self._unsaved),
                      RETRY_INTERVAL)
        for record in lost:
            self._acks.pop(id(record), None)
            log.error("score lost name=%r score=%d ended_at=%s", record.name, record.score,
                      record.ended_at.isoformat())

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
            except Exception as exc:  # noqa: BLE001 -- sqlite3 raises several kinds; retried
                log.warning("top scores not read error=%r", exc)
                self._stale.set()
            else:
                if self.lists != before:
                    self._on_change(self.frame)
            await asyncio.sleep(_PUBLISH_INTERVAL)

    async def _write(self, batch: list[GameRecord]) -> bool:
        """Write ``batch`` in one transaction, with a few retries; False if all failed."""
        loop = asyncio.get_running_loop()
        for attempt in range(1, _RETRIES + 1):
            try:
                await loop.run_in_executor(self._executor, self._store.add, batch)
                return True
            except Exception as exc:  # noqa: BLE001 -- sqlite3 raises several kinds; retried
                log.warning("score write failed attempt=%d games=%d error=%r",
                            attempt, len(batch), exc)
                if attempt < _RETRIES:
                    await asyncio.sleep(0.1 * 2**attempt)
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
