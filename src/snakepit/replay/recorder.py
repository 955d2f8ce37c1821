"""Recording a running arena without ever making its game loop wait for the disk.

The game loop calls :meth:`Recorder.record` once per tick, right after the engine's step.
That call encodes the tick's intents and the world's digests into one line and keeps it
in memory; every ``batch`` ticks (one second of play by default) the lines go, as one
``bytes``, to the :class:`DiskWriter`: a single background thread that wakes once a second
and does every disk operation of every recording in the order it was asked for. The loop
never opens, writes or flushes a file. So a crash loses at most the last two seconds or so
(a batch not yet handed over, and one not yet written) and may leave a cut-off last line,
which readers recognise; a stop of the server (``finish``, or an arena that closes) writes
everything, then the end marker.

A write that fails (disk full, folder removed) stops that recording (logged once); the
game goes on.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..engine import Join, World
from .recording import (
    FULL_EVERY,
    Header,
    Intent,
    end_line,
    full_digest,
    header_line,
    tick_digest,
    tick_line,
)

log = logging.getLogger("snakepit.replay")


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class DiskWriter:
    """Every disk operation of the recordings, in the order asked for, in one thread that
    wakes once every ``interval`` seconds (or at :meth:`close` / :meth:`wait`).

    Asking costs the game loop one ``deque.append``: no lock, no wake-up, no file. The
    thread takes the GIL about once a second for the whole process, however many arenas
    record, instead of once per arena and batch.
    """

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._jobs: deque[Callable[[], object]] = deque()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        #: Recordings whose writes failed: nothing more is written to them.
        self.broken: set[Path] = set()
        self.closed = False

    def append(self, path: Path, data: bytes, *, create: bool = False) -> None:
        """Append ``data`` to ``path`` (``create``: a new file, which must not exist yet)."""
        self.call(lambda: self._append(path, data, create))

    def call(self, job: Callable[[], object]) -> None:
        """Run ``job`` in the writer's thread, after everything asked for before it."""
        if self.closed:
            return
        self._jobs.append(job)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="snakepit-replays",
                                            daemon=True)
            self._thread.start()

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until everything asked for so far is done (for tests and tools)."""
        if self.closed:
            if self._thread is not None:
                self._thread.join(timeout)
            return True
        done = threading.Event()
        self.call(done.set)
        self._wake.set()
        return done.wait(timeout)

    def close(self) -> None:
        """Finish every job asked for, then stop the thread (blocks until done)."""
        self.closed = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            while self._jobs:
                job = self._jobs.popleft()
                try:
                    job()
                except Exception:  # a job must never end the writer
                    log.exception("replay writer job failed")
            if self.closed:
                return

    def _append(self, path: Path, data: bytes, create: bool) -> None:
        if path in self.broken:
            return
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb" if create else "ab") as file:
                file.write(data)
        except OSError as exc:
            self.broken.add(path)
            log.warning("recording stopped path=%s error=%s", path, exc)


class Recorder:
    """The recording of one arena: call :meth:`record` after every step, :meth:`close` at
    the end. Never touches the disk itself (see the module's docstring)."""

    def __init__(self, path: Path, world: World, *, arena: str, tick_rate: float,
                 writer: DiskWriter, batch: int = 10, full_every: int = FULL_EVERY,
                 version: str = "",
                 on_close: Callable[[Recorder], None] = lambda recorder: None) -> None:
        if world.tick != 0:
            raise ValueError("a recording starts with a new world (tick 0)")
        started = utc_now()
        self.path = path
        self.id = path.stem
        self.arena = arena
        self.tick_rate = tick_rate
        self.started_at = iso(started)
        self.batch = max(1, batch)
        self._writer = writer
        self._on_close = on_close
        self._lines: list[bytes] = []
        self._people: dict[str, None] = {}
        self._bots: dict[str, None] = {}
        #: Ticks recorded so far.
        self.ticks = 0
        self.closed = False
        self._world = world
        self.full_every = max(1, full_every)
        header = Header(arena=arena, seed=world.seed, config=world.config,
                        tick_rate=tick_rate, started_at=self.started_at,
                        started_ms=int(started.timestamp() * 1000), start_tick=0,
                        start_full=full_digest(world)[0], full_every=self.full_every,
                        version=version)
        writer.append(path, header_line(header), create=True)

    @property
    def people(self) -> list[str]:
        """Names of the people who joined so far, in order of first join."""
        return list(self._people)

    @property
    def bots(self) -> list[str]:
        """Names of the bots that joined so far."""
        return list(self._bots)

    def record(self, tick: int, intents: Sequence[Intent], world: World) -> None:
        """Keep tick ``tick``: the intents that entered the engine, and the world right
        after its step. Cheap and never blocks: see docs/performance.md for its cost."""
        if self.closed:
            return
        if tick != self.ticks + 1:  # a tick failed in the engine: no longer reproducible
            log.warning("recording stopped id=%s: tick %d missing", self.id, self.ticks + 1)
            self.flush()
            self.closed = True
            self._on_close(self)
            return
        for intent in intents:
            if type(intent) is Join:
                (self._bots if intent.ref < 0 else self._people)[intent.name] = None
        full = full_digest(world) if tick % self.full_every == 0 else None
        self._lines.append(tick_line(tick, intents, tick_digest(world), full))
        self.ticks += 1
        if len(self._lines) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Hand the lines kept so far to the writer."""
        if self._lines:
            self._writer.append(self.path, b"".join(self._lines))
            self._lines = []

    def close(self) -> None:
        """Write what is left and the end marker. Later calls do nothing."""
        if self.closed:
            return
        self._lines.append(end_line(iso(utc_now()), self.ticks, self.people, self.bots,
                                    full_digest(self._world)))
        self.flush()
        self.closed = True
        log.info("recording closed id=%s ticks=%d", self.id, self.ticks)
        self._on_close(self)
