"""What the operator sees of a running server: Prometheus metrics and a short history.

The game loop and the connections tell :class:`Metrics` what happens through hooks
(``tick``, ``dropped``, ``rejected``, ``connected``) that only add to plain numbers: no
lock, no allocation beyond one list append, so they are cheap enough to call from every
tick of every arena. The Prometheus figures are built from those numbers when
``/metrics`` is scraped, together with the gauges (connections, players, arenas...) that
are counted from the arenas at that moment (:attr:`Metrics.census`).

Each :class:`Metrics` has its own ``CollectorRegistry``, never the process-wide one, so
any number of servers can live in one process (as they do in the tests).

While started (:meth:`Metrics.start`), a background task also keeps one
:class:`Sample` a second for the last ten minutes, for the ``/stats`` page.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
from prometheus_client import CollectorRegistry, PlatformCollector, ProcessCollector
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from .world_runner import WorldRunner

log = logging.getLogger("snakepit.metrics")

#: Upper bounds (seconds) of the tick work histogram's buckets: 0.1 ms to 100 ms.
WORK_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1)
#: Seconds between two samples of the history, and how many samples it keeps.
SAMPLE_INTERVAL = 1.0
HISTORY_SAMPLES = 600


class Census(msgspec.Struct, frozen=True):
    """Who is on the server right now."""

    connections: int = 0  #: open WebSocket connections
    players: int = 0  #: people with a snake in play (or about to have one)
    bots: int = 0  #: server bots' snakes
    spectators: int = 0  #: people in an arena who do not play
    arenas: int = 0  #: open arenas


def census_of(runners: Iterable[WorldRunner], connections: int) -> Census:
    """Count the people, bots and spectators of ``runners`` (the open arenas)."""
    players = bots = spectators = arenas = 0
    for runner in runners:
        arenas += 1
        humans = runner.humans
        players += humans
        bots += runner.player_count - humans
        spectators += len(runner.clients) - humans
    return Census(connections=connections, players=players, bots=bots,
                  spectators=spectators, arenas=arenas)


class Sample(msgspec.Struct, frozen=True):
    """One second of the server: the census at its end and what happened during it."""

    t: float  #: Unix time (seconds) at the end of the second
    connections: int
    players: int
    bots: int
    spectators: int
    arenas: int
    ticks: float  #: ticks per second, all arenas together
    work_p50_ms: float  #: median work of those ticks
    work_p99_ms: float
    late_max_ms: float  #: the latest any tick started after its deadline
    overruns: int  #: ticks that started more than a quarter period late
    bytes_per_s: float  #: tick frames written to clients
    drops: int  #: clients cut off by the server
    rejects: int  #: messages refused
    loop_lag_ms: float  #: how late the sampler itself woke up (event loop lag)


class Metrics:
    """The counters of one server process, its Prometheus registry and its history."""

    def __init__(self, *, census: Callable[[], Census] = Census,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time,
                 keep: int = HISTORY_SAMPLES) -> None:
        #: Counts who is here now; set by whoever knows the arenas (see ``census_of``).
        self.census = census
        self._clock = clock
        self._wall_clock = wall_clock
        self.started = clock()
        self.ticks = 0
        self.overruns = 0
        self.bytes_sent = 0
        self.work_sum = 0.0
        #: Ticks per bucket of ``WORK_BUCKETS`` (not cumulative); the last one is +Inf.
        self.work_buckets = [0] * (len(WORK_BUCKETS) + 1)
        self.connections_opened = 0
        self.drops: dict[str, int] = {}
        self.rejects: dict[str, int] = {}
        self.history: deque[Sample] = deque(maxlen=keep)
        #: Work times of the ticks since the last sample (only while sampling).
        self._works: list[float] | None = None
        self._late_max = 0.0
        self._last: tuple[float, int, int, int, int, int] | None = None
        self._sampler: asyncio.Task[None] | None = None
        self.registry = CollectorRegistry()
        self.registry.register(_Exporter(self))
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)

    # -- hooks: called from the game loop and the connections; cheap ---------------------

    def tick(self, work: float, late: float, frame_bytes: int, clients: int,
             overrun: bool) -> None:
        """One arena tick took ``work`` seconds, started ``late`` seconds after its
        deadline, and wrote a frame of ``frame_bytes`` to each of ``clients``."""
        self.ticks += 1
        self.work_sum += work
        self.work_buckets[bisect.bisect_left(WORK_BUCKETS, work)] += 1
        self.bytes_sent += frame_bytes * clients
        if overrun:
            self.overruns += 1
        works = self._works
        if works is not None:
            works.append(work)
            self._late_max = max(self._late_max, late)

    def dropped(self, reason: str) -> None:
        """The server cut a client off, for ``reason`` (such as ``slow``)."""
        self.drops[reason] = self.drops.get(reason, 0) + 1

    def rejected(self, code: str) -> None:
        """A client's message was refused with the error ``code`` (such as ``bad-json``)."""
        self.rejects[code] = self.rejects.get(code, 0) + 1

    def connected(self) -> None:
        """A WebSocket connection was accepted."""
        self.connections_opened += 1

    # -- derived figures -----------------------------------------------------------------

    @property
    def uptime(self) -> float:
        """Seconds since this server's metrics began."""
        return self._clock() - self.started

    def families(self) -> Iterator[Metric]:
        """The ``snakepit_`` metric families, as they are now."""
        census = self.census()
        for name, value, help_ in (
            ("connections", census.connections, "Open WebSocket connections."),
            ("players", census.players, "People with a snake in play or about to spawn."),
            ("bots", census.bots, "Snakes of server bots."),
            ("spectators", census.spectators, "People in an arena who are not playing."),
            ("arenas", census.arenas, "Open arenas."),
            ("uptime_seconds", self.uptime, "Seconds since the server started."),
        ):
            yield GaugeMetricFamily(f"snakepit_{name}", help_, value=value)
        for name, value, help_ in (
            ("connections_opened", self.connections_opened,
             "WebSocket connections accepted."),
            ("ticks", self.ticks, "Ticks run, all arenas together."),
            ("tick_overruns", self.overruns,
             "Ticks that started more than a quarter of a period after their deadline."),
            ("bytes_sent", self.bytes_sent,
             "Bytes of tick frames written to clients (frame size times clients)."),
        ):
            yield CounterMetricFamily(f"snakepit_{name}", help_, value=value)
        cumulative, buckets = 0, []
        for bound, count in zip((*WORK_BUCKETS, float("inf")), self.work_buckets,
                                strict=True):
            cumulative += count
            buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
        yield HistogramMetricFamily(
            "snakepit_tick_work_seconds", "Time one arena tick took, from step to fan-out.",
            buckets=buckets, sum_value=self.work_sum)
        for name, by, label, help_ in (
            ("clients_dropped", self.drops, "reason", "Clients cut off by the server."),
            ("messages_rejected", self.rejects, "reason",
             "Client messages refused, by error code."),
        ):
            family = CounterMetricFamily(f"snakepit_{name}", help_, labels=[label])
            for key, value in sorted(by.items()):
                family.add_metric([key], value)
            yield family

    # -- the history for /stats ----------------------------------------------------------

    async def start(self) -> None:
        """Begin keeping one sample a second."""
        if self._sampler is None:
            self._works = []
            self._mark()
            self._sampler = asyncio.create_task(self._sample_forever(), name="metrics")

    async def stop(self) -> None:
        if self._sampler is not None:
            self._sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sampler
            self._sampler = None
            self._works = None

    def _mark(self) -> None:
        self._last = (self._clock(), self.ticks, self.overruns, self.bytes_sent,
                      sum(self.drops.values()), sum(self.rejects.values()))

    async def _sample_forever(self) -> None:
        due = self._clock() + SAMPLE_INTERVAL
        while True:
            await asyncio.sleep(max(0.0, due - self._clock()))
            lag = max(0.0, self._clock() - due)
            try:
                self.sample(lag)
            except Exception:  # a bug here must not end the history for good
                log.exception("metrics sample failed")
            due += SAMPLE_INTERVAL
            if due < self._clock():  # the loop was stalled: skip the missed seconds
                due = self._clock() + SAMPLE_INTERVAL

    def sample(self, loop_lag: float = 0.0) -> Sample:
        """Add the sample of the time since the last one to the history, and return it."""
        assert self._last is not None, "start() first"
        then, ticks, overruns, sent, drops, rejects = self._last
        self._mark()
        now = self._last[0]
        seconds = max(now - then, 1e-6)
        works = sorted(self._works or ())
        self._works = []
        late, self._late_max = self._late_max, 0.0
        census = self.census()
        sample = Sample(
            t=round(self._wall_clock(), 3),
            connections=census.connections,
            players=census.players,
            bots=census.bots,
            spectators=census.spectators,
            arenas=census.arenas,
            ticks=round((self.ticks - ticks) / seconds, 2),
            work_p50_ms=round(_pick(works, 0.50) * 1000, 3),
            work_p99_ms=round(_pick(works, 0.99) * 1000, 3),
            late_max_ms=round(late * 1000, 3),
            overruns=self.overruns - overruns,
            bytes_per_s=round((self.bytes_sent - sent) / seconds, 1),
            drops=self._last[4] - drops,
            rejects=self._last[5] - rejects,
            loop_lag_ms=round(loop_lag * 1000, 3),
        )
        self.history.append(sample)
        return sample

    def history_json(self) -> bytes:
        """The history and the running totals, for ``/api/stats/history``."""
        return msgspec.json.encode({
            "interval_s": SAMPLE_INTERVAL,
            "keep": self.history.maxlen,
            "uptime_s": round(self.uptime, 3),
            "totals": {
                "connections_opened": self.connections_opened,
                "ticks": self.ticks,
                "tick_overruns": self.overruns,
                "bytes_sent": self.bytes_sent,
                "dropped": self.drops,
                "rejected": self.rejects,
            },
            "samples": list(self.history),
        })


class _Exporter(Collector):
    """Hands a :class:`Metrics`' families to its registry at each scrape."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterable[Metric]:
        return self._metrics.families()


def database_answers(path: Path, timeout: float = 1.0) -> bool:
    """Whether the SQLite file at ``path`` can be opened and read within about ``timeout``
    seconds, on a connection of its own (read-only; it never creates the file). Blocks:
    run it on a worker thread."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    except sqlite3.Error:
        return False
    try:
        db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return True
    except sqlite3.Error:
        return False
    finally:
        db.close()


def _pick(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0
