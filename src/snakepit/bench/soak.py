"""``snakepit soak``: thousands of legitimate clients for minutes while faults are injected.

The server runs in its own process pinned to one core (as for ``snakepit bench``), with the
production limits (8 WebSockets per address, 5 s header deadline; not the arena quota per
address, since the watchers name the public arenas they watch). On the other core run
the legitimate clients (one process; a share play, the rest watch) and the fault injector
(:mod:`snakepit.bench.faults`, another process). The legitimate clients come from many
loopback addresses (127.1.x.y, a few each), so they stay under the per-address limit and
the injector can flood connections from an address of its own.

The run promises a report of:

- **dropped legitimate clients** (the target is 0): a legitimate client is dropped when the
  server closes its connection, or when no frame reaches it for ``stall`` seconds (the
  server ticks 10 times a second, and every tick's frame goes to every client); a client
  that could not connect at all is counted too;
- **memory drift**: the server's RSS (``/proc/PID/status``) at the end against its RSS
  once every client was connected, and the slope of a least-squares line over the run;
- **tick overruns**: ticks that started more than a quarter period (25 ms at 10 ticks a
  second) late, from the server's own ``/api/stats`` (a window a minute) and ``/metrics``;
- **faults**: for each kind, how many were sent, answered as expected, and not.

The legitimate clients' process is :mod:`snakepit.bench.crowd`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import os
import re
import sys
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from ..server.stats import TickStats
from ..settings import Settings
from .children import Child, Server
from .generators import cores
from .histogram import Histogram

_DEFAULTS = Settings()
#: A report: JSON-shaped, nested.
Report = dict[str, Any]
_METRIC = re.compile(r'^(snakepit_[a-z_]+)(?:\{reason="([^"]*)"\})? (\S+)$', re.MULTILINE)


@dataclass(frozen=True)
class SoakOptions:
    clients: int = 2000
    minutes: float = 10.0
    play_share: float = 0.25
    fault_rate: float = 5.0
    tick_rate: float = 10.0
    arena_size: int = 16
    #: The server's --max-per-address (0: no limit, and no connection flood is injected).
    max_per_address: int = _DEFAULTS.max_connections_per_address
    header_timeout: float = _DEFAULTS.header_timeout
    #: Seconds without a frame after which a legitimate client counts as dropped.
    stall: float = 5.0
    #: Seconds between two RSS samples.
    sample_every: float = 5.0
    out: Path = Path("soak-report.json")
    #: The command line that asked for this run, for the report.
    command: str = ""

    @property
    def seconds(self) -> float:
        return self.minutes * 60.0


# -- the controller ---------------------------------------------------------------------------


async def _metrics(http: aiohttp.ClientSession, server: Server) -> dict[str, float]:
    """The server's ``snakepit_`` counters and gauges (``name`` or ``name{reason}``)."""
    async with http.get(server.url("/metrics")) as response:
        text = await response.text()
    return {name + (f"{{{reason}}}" if reason else ""): float(value)
            for name, reason, value in _METRIC.findall(text)}


async def _history(http: aiohttp.ClientSession, server: Server) -> list[Report]:
    """The server's own per-second samples of the last ten minutes (``/api/stats/history``:
    ticks, overruns, work p50/p99, latest start). Unlike ``/api/stats?since=``, serving it
    costs the server no scan of its tick ring (about 17 ms a minute's window once the
    ring is full), so watching does not make ticks late."""
    async with http.get(server.url("/api/stats/history")) as response:
        return (await response.json(content_type=None))["samples"]


def _ring_sample_bytes() -> float:
    """What one sample of the server's tick-stats ring costs (measured here, with the same
    Python): the ring fills for minutes before it is bounded, and that shows as drift."""
    stats = TickStats(keep=10_000)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(10_000):
            stats.record(i * 1e-7, i * 2e-7, 300 + i, 100, i % 64)
        return (tracemalloc.get_traced_memory()[0] - before) / 10_000
    finally:
        tracemalloc.stop()


@dataclass
class Run:
    """What the controller saw of the server (and was told by its helpers) during a run."""

    t0: float = 0.0  #: time.monotonic() when the soak window opened
    t0_wall: float = 0.0  #: time.time() then
    seconds: float = 0.0  #: from then until the injector was done
    ramp_seconds: float = 0.0
    ready: Report = field(default_factory=dict)
    rss_idle: int = 0
    rss_ramp: int = 0
    rss_end: int = 0
    cpu: float = 0.0  #: the server's CPU share over the window
    load: list[float] = field(default_factory=list)  #: load average at start and end
    metrics: list[dict[str, float]] = field(default_factory=list)  #: at start and end
    rss: list[tuple[float, int]] = field(default_factory=list)  #: (s into the run, bytes)
    #: (s into the run, s the server's loop thread had waited for a CPU by then)
    waited: list[tuple[float, float]] = field(default_factory=list)
    #: The server's per-second samples, by their wall-clock time.
    history: dict[float, Report] = field(default_factory=dict)
    legit: Report = field(default_factory=dict)
    faults: Report = field(default_factory=dict)

    def seconds_between(self, start: float, end: float) -> list[Report]:
        """The server's per-second samples from ``start`` to ``end`` s into the run."""
        return [s for t, s in sorted(self.history.items())
                if self.t0_wall + start < t <= self.t0_wall + end + 0.5]


async def _observe(http: aiohttp.ClientSession, server: Server, crowd: Child, run: Run,
                   every: float, window: float, until: asyncio.Future[object]) -> None:
    """Sample RSS every ``every`` s and fetch the server's history every ``window`` s
    (printing a progress line) until ``until`` is done, and once more then."""
    printed = 0.0
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(until), every)
        at = time.monotonic() - run.t0
        run.rss.append((at, server.rss))
        run.waited.append((at, server.waited))
        if until.done() or at - printed >= window:
            for sample in await _history(http, server):
                run.history[sample["t"]] = sample
            seconds = run.seconds_between(printed, at)
            progress = [line for line in crowd.lines if line.get("event") == "progress"]
            print(f"  {at:6.0f} s  rss {run.rss[-1][1] / 2**20:7.1f} MB  ticks "
                  f"{sum(s['ticks'] for s in seconds):>7.0f}  overruns "
                  f"{sum(s['overruns'] for s in seconds):>5}  work p99 (worst second) "
                  f"{max((s['work_p99_ms'] for s in seconds), default=0):6.2f} ms  legit "
                  f"dropped {progress[-1]['dropped'] if progress else '-'}", flush=True)
            printed = at
        if until.done():
            return


def _slope_mb_per_minute(samples: list[tuple[float, int]]) -> float | None:
    """Least-squares slope of RSS over time, MB a minute."""
    if len(samples) < 3:
        return None
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_r = sum(r for _, r in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    if var == 0:
        return None
    cov = sum((t - mean_t) * (r - mean_r) for t, r in samples)
    return cov / var * 60 / 2**20


@contextlib.contextmanager
def _on_core(core: int) -> Iterator[None]:
    """Keep this process on ``core`` meanwhile, so that the server's core is its own."""
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {core})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


async def soak(options: SoakOptions) -> Report:
    """Run the soak, print its summary and write its report; returns the report."""
    server_core, load_cores = cores()
    options.out.parent.mkdir(parents=True, exist_ok=True)
    with _on_core(load_cores[0]):
        report = await _soak(options, server_core, load_cores[0])
    options.out.write_text(json.dumps(report, indent=2))
    print(summary(report))
    print(f"report: {options.out} (logs beside it)")
    return report


async def _soak(options: SoakOptions, server_core: int, load_core: int) -> Report:
    """The run: the server on ``server_core``, everything else on ``load_core``."""
    server = Server(options, options.out.with_suffix(".server.log"))
    crowd = Child("legitimate clients", options.out.with_suffix(".clients.log"))
    faults = Child("fault injector", options.out.with_suffix(".faults.log"))
    players = round(options.clients * options.play_share)
    arenas = max(1, math.ceil(players / options.arena_size))
    spread = max(1, options.max_per_address - 2) if options.max_per_address else 0
    window = options.seconds
    run = Run()
    try:
        await server.start(server_core)
        await asyncio.sleep(0.5)
        run.rss_idle = server.rss
        print(f"soak: {options.clients} clients ({players} playing) for {options.minutes:g} "
              f"min, {options.fault_rate:g} faults/s; server on core {server_core}, load on "
              f"core {load_core}", flush=True)
        await crowd.start(load_core, "snakepit.bench.crowd", "--port", str(server.port),
                          "--players", str(players), "--spectators",
                          str(options.clients - players), "--arenas", str(arenas),
                          "--per-address", str(spread), "--stall", str(options.stall),
                          "--max-seconds", str(window + 600))
        ramp_started = time.monotonic()
        run.ready = await crowd.wait_for("ready", 60 + options.clients / 20)
        run.ramp_seconds = time.monotonic() - ramp_started
        print(f"ramp: {run.ready['clients']} connected in {run.ramp_seconds:.1f} s", flush=True)
        await asyncio.sleep(min(5.0, window / 10))
        async with aiohttp.ClientSession() as http:
            run.metrics.append(await _metrics(http, server))
            run.t0, run.t0_wall = time.monotonic(), time.time()
            run.rss_ramp, cpu0, run.load = server.rss, server.cpu, [os.getloadavg()[0]]
            run.waited.append((0.0, server.waited))
            await faults.start(load_core, "snakepit.bench.faults", "--port", str(server.port),
                               "--seconds", str(window), "--rate", str(options.fault_rate),
                               "--cap", str(options.max_per_address), "--header-timeout",
                               str(options.header_timeout))
            injected = asyncio.ensure_future(faults.wait_for("", window + 180))
            observer = asyncio.create_task(_observe(
                http, server, crowd, run, options.sample_every, min(60.0, window), injected))
            try:
                run.faults = (await injected)["faults"]
            except BaseException:
                observer.cancel()
                raise
            await observer
            run.seconds = time.monotonic() - run.t0
            run.rss_end, run.cpu = server.rss, (server.cpu - cpu0) / run.seconds
            run.metrics.append(await _metrics(http, server))
            run.load.append(os.getloadavg()[0])
        crowd.tell("stop\n")
        run.legit = await crowd.wait_for("result", 60)
    finally:
        await faults.stop(grace=5.0)
        await crowd.stop(grace=10.0)
        await server.stop()
    return _report(options, server, run)


def _median(values: list[float]) -> float | None:
    return sorted(values)[len(values) // 2] if values else None


def _report(options: SoakOptions, server: Server, run: Run) -> Report:
    m0, m1 = run.metrics

    def delta(name: str) -> float:
        return m1.get(name, 0.0) - m0.get(name, 0.0)

    def by_reason(family: str) -> dict[str, float]:
        return {k[len(family) + 1:-1]: delta(k) for k in m1 if k.startswith(family + "{")}

    mb, legit, keep = 2**20, run.legit, TickStats().keep
    seconds = [s for s in run.seconds_between(0.0, run.seconds) if s["ticks"]]
    ticks, overruns = delta("snakepit_ticks_total"), delta("snakepit_tick_overruns_total")
    ring = [min(keep, int(m.get("snakepit_ticks_total", 0))) for m in run.metrics]
    ring_mb = (ring[1] - ring[0]) * _ring_sample_bytes() / mb
    delay, latency = Histogram.from_json(legit["delay"]), Histogram.from_json(legit["latency"])
    waits = [1000 * (b[1] - a[1]) for a, b in itertools.pairwise(run.waited)]
    problems = server.log_problems()
    return {
        "command": options.command,
        "options": {k: (str(v) if isinstance(v, Path) else v)
                    for k, v in options.__dict__.items() if k != "command"},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "load_average": run.load},
        "seconds": round(run.seconds, 1),
        "ramp_seconds": round(run.ramp_seconds, 1),
        "clients": {"asked": options.clients,
                    "players": round(options.clients * options.play_share),
                    "connected_at_ramp": run.ready["clients"],
                    "connect_failed_at_ramp": run.ready["connect_failed"]},
        "dropped_legit_clients": legit["dropped"],
        "legit": {k: legit[k] for k in ("clients", "open", "dropped", "closed_by_server",
                                        "stalled", "connect_failed", "longest_silence_s",
                                        "frames", "deaths", "errors", "drops")},
        "memory": {
            "rss_idle_mb": run.rss_idle / mb,
            "rss_after_ramp_mb": run.rss_ramp / mb,
            "rss_end_mb": run.rss_end / mb,
            "rss_max_mb": max([run.rss_end, *(r for _, r in run.rss)]) / mb,
            "drift_mb": (run.rss_end - run.rss_ramp) / mb,
            "slope_mb_per_minute": _slope_mb_per_minute(run.rss),
            "slope_last_half_mb_per_minute": _slope_mb_per_minute(
                [(t, r) for t, r in run.rss if t >= run.seconds / 2]),
            "tick_stats_ring": {"capacity": keep, "at_ramp": ring[0], "at_end": ring[1],
                                "growth_mb": ring_mb},
            "drift_beyond_tick_stats_ring_mb": (run.rss_end - run.rss_ramp) / mb - ring_mb,
            "samples": [(round(t, 1), round(r / mb, 2)) for t, r in run.rss],
        },
        "ticks": {
            "ticks": ticks,
            "overruns": overruns,
            "overrun_share": overruns / ticks if ticks else None,
            "seconds_with_overruns": sum(1 for s in seconds if s["overruns"]),
            "seconds": len(seconds),
            "work_p50_ms_median_second": _median([s["work_p50_ms"] for s in seconds]),
            "work_p99_ms_median_second": _median([s["work_p99_ms"] for s in seconds]),
            "work_p99_ms_worst_second": max((s["work_p99_ms"] for s in seconds), default=None),
            "late_max_ms_worst_second": max((s["late_max_ms"] for s in seconds), default=None),
            "loop_lag_ms_worst_second": max((s["loop_lag_ms"] for s in seconds), default=None),
            "per_second": [(round(s["t"] - run.t0_wall), s["ticks"], s["overruns"],
                            s["work_p99_ms"], s["late_max_ms"]) for s in seconds],
        },
        "server": {
            "cpu_percent": 100 * run.cpu,
            "waited_for_cpu_s": sum(waits) / 1000,
            "waited_for_cpu_worst_sample_ms": max(waits, default=0.0),
            "waited_for_cpu_ms_per_sample": [round(w) for w in waits],
            "dropped_by_reason": by_reason("snakepit_clients_dropped_total"),
            "rejected_by_reason": by_reason("snakepit_messages_rejected_total"),
            "connections_opened": delta("snakepit_connections_opened_total"),
            "log_problems": len(problems),
            "log_problem_samples": problems[:10],
        },
        "fanout_delay_ms": {"p50": delay.percentile(0.5), "p99": delay.percentile(0.99)},
        "input_to_frame_ms": {"p50": latency.percentile(0.5), "p99": latency.percentile(0.99)},
        "faults": run.faults,
        "faults_unexpected": sum(int(f["unexpected"]) for f in run.faults.values()),
    }


def summary(r: Report) -> str:
    """The report as a table for people."""
    m, t, legit, s = r["memory"], r["ticks"], r["legit"], r["server"]

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f} ms"

    share, ring = t["overrun_share"], m["tick_stats_ring"]

    def slope(key: str) -> str:
        return "-" if m[key] is None else f"{m[key]:+.2f}"

    rows = [
        ("command", r["command"]),
        ("run", (f"{r['seconds']:.0f} s ({r['options']['minutes'] * 60:.0f} s of faults, then "
                 f"their last answers) after a ramp of {r['ramp_seconds']:.0f} s: "
                 f"{r['clients']['asked']} clients, {r['clients']['players']} playing")),
        ("server RSS", (f"idle {m['rss_idle_mb']:.1f} MB, after ramp "
                        f"{m['rss_after_ramp_mb']:.1f} MB, end {m['rss_end_mb']:.1f} MB, "
                        f"max {m['rss_max_mb']:.1f} MB")),
        ("memory drift", (f"{m['drift_mb']:+.1f} MB (slope {slope('slope_mb_per_minute')} "
                          f"MB/min, {slope('slope_last_half_mb_per_minute')} over the last "
                          f"half), of which "
                          f"the tick-stats ring filling {ring['growth_mb']:+.1f} MB "
                          f"({ring['at_ramp']} -> {ring['at_end']} of {ring['capacity']} "
                          f"samples): {m['drift_beyond_tick_stats_ring_mb']:+.1f} MB beyond")),
        ("dropped legit clients", (f"{legit['dropped']} (closed by server "
                                   f"{legit['closed_by_server']}, stalled {legit['stalled']}, "
                                   f"connect failed {legit['connect_failed']}); longest "
                                   f"silence {legit['longest_silence_s']} s")),
        ("tick overruns", (f"{t['overruns']:.0f} of {t['ticks']:.0f} ticks "
                           f"({'-' if share is None else f'{100 * share:.3f} %'}), in "
                           f"{t['seconds_with_overruns']} of {t['seconds']} seconds; latest "
                           f"start {ms(t['late_max_ms_worst_second'])}")),
        ("tick work", (f"p50 {ms(t['work_p50_ms_median_second'])}, p99 "
                       f"{ms(t['work_p99_ms_median_second'])} (median second), "
                       f"{ms(t['work_p99_ms_worst_second'])} (worst second)")),
        ("server", (f"cpu {s['cpu_percent']:.0f} %, {s['connections_opened']:.0f} connections "
                    f"opened, {s['log_problems']} error lines in its log")),
        ("server's core", (f"waited {s['waited_for_cpu_s']:.2f} s for it (worst "
                           f"{s['waited_for_cpu_worst_sample_ms']:.0f} ms in one "
                           f"{r['options']['sample_every']:g} s sample); load average "
                           f"{' -> '.join(f'{x:.1f}' for x in r['machine']['load_average'])}")),
        ("legit clients saw", (f"fan-out delay p50/p99 {ms(r['fanout_delay_ms']['p50'])}/"
                               f"{ms(r['fanout_delay_ms']['p99'])}, input->frame p50/p99 "
                               f"{ms(r['input_to_frame_ms']['p50'])}/"
                               f"{ms(r['input_to_frame_ms']['p99'])}")),
    ]
    lines = [f"{label:<22} {text}" for label, text in rows]
    lines.append(f"{'fault':<22} {'sent':>6} {'expected':>9} {'unexpected':>11} {'slowest':>9}")
    for kind, f in r["faults"].items():
        lines.append(f"{kind:<22} {f['sent']:>6} {f['expected']:>9} {f['unexpected']:>11} "
                     f"{f['seconds_max']:>8.2f}s")
        lines += [f"{'':<22} ! {sample}" for sample in f["unexpected_samples"][:2]]
    return "\n".join(lines)
