"""``snakepit bench``: ramp clients against Snakepit and against the raw baseline, report.

Both servers run in their own processes, pinned to the same core; load generators run in
other processes pinned to the other cores. For each step of the ramp the generators connect
N clients to Snakepit (a share of them playing, the rest watching), let them settle, then
measure for a fixed window; then the same N clients go to the raw baseline, which writes
frames of the size Snakepit sent in that step to groups made up as Snakepit's arenas were
(an arena's players and its watchers together). A step *holds* when at most 1 % of ticks
overran (started more than a quarter period late) and the fan-out delay p99 is at most
25 ms. The capacity is the largest N that holds; the raw baseline's gives the raw limit, and
their ratio is the figure that means the same on any machine.

The two ramps are interleaved step by step (Snakepit at N, raw at N, Snakepit at the next
N...) rather than run one after the other: on a shared machine whose speed drifts by tens
of per cent over minutes, each pair of steps is measured within the same minute, so
the drift does not end up in the ratio. (An idle server costs its core nothing: Snakepit's
arenas sleep with nobody in them, the baseline has no clients to write to.) A step that
does not hold is measured again, up to ``tries`` times in all, each server in turn, so that
a minute in which the machine was busy elsewhere does not end a ramp: a step holds if one
of its measurements held. A server's ramp has ended after two client counts in a row that
did not hold, but it goes on being measured, once at every count, for as long as the
other's has not ended: so every count is measured on both servers in the same minutes,
and neither capacity comes from minutes the other server was not measured in (see
:func:`interleave`).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from .generators import (GeneratorFailed, clients_program, core_percent, cores, generate,
                         end_process, pin_to, printed_port, rss_bytes)
from .histogram import Histogram
from .verdict import (DELAY_P99_LIMIT_MS, OVERRUN_LIMIT, bounds, capacity, capped,
                      cpu_ratio, how_it_ended)


@dataclass(frozen=True)
class BenchOptions:
    steps: tuple[int, ...]
    seconds: float = 8.0
    warmup: float = 3.0
    play_share: float = 0.25
    tick_rate: float = 10.0
    arena_size: int = 16
    #: Measurements of a step, at most, until it holds (the machine may be busy for a while).
    tries: int = 2
    generators: int = 1
    frame_bytes: int | None = None
    #: The engine Snakepit's server runs (``serve --engine``).
    engine: str = "auto"
    out: Path = Path("bench-report.json")
    chart: Path = Path("bench-report.png")


class Target:
    """A server process under test: Snakepit, or the raw baseline."""

    def __init__(self, kind: str, options: BenchOptions, frame_bytes: int) -> None:
        self.kind = kind
        self.options = options
        self.frame_bytes = frame_bytes
        self.proc: asyncio.subprocess.Process | None = None
        self.port = 0
        self.rss_idle = 0

    async def start(self) -> None:
        core, _ = cores()
        if self.kind == "snakepit":
            data = tempfile.mkdtemp(prefix="snakepit-bench-")
            args = ["-m", "snakepit", "serve", "--port", "0", "--data-dir", data,
                    "--tick-rate", str(self.options.tick_rate), "--max-players",
                    str(self.options.arena_size), "--log-level", "warning",
                    "--engine", self.options.engine,
                    "--bots", "0",  # every snake is a load-generator client
                    # they all come from 127.0.0.1, and the watchers name the pit-K they
                    # watch (which may open it): no per-address limits
                    "--max-per-address", "0", "--arenas-per-address", "0",
                    "--new-arenas-per-minute", "0",
                    "--max-http-per-address", "0"]
        else:
            args = ["-m", "snakepit.bench.baseline", "--tick-rate", str(self.options.tick_rate),
                    "--frame-bytes", str(self.frame_bytes)]
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, *args, preexec_fn=pin_to(core),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        self.port = await printed_port(self.proc, self.kind)
        await asyncio.sleep(0.5)
        self.rss_idle = rss_bytes(self.proc.pid)

    async def shape(self, frame_bytes: int, players: int) -> None:
        """Tell the raw baseline the size of the frames to write from now on, and to group
        its clients as Snakepit puts them in arenas: ``players`` players to a group, each
        watcher in the group its ``hello`` names."""
        self.frame_bytes = frame_bytes
        async with aiohttp.ClientSession() as http:
            url = (f"http://127.0.0.1:{self.port}/api/shape?frame_bytes={frame_bytes}"
                   f"&players={players}")
            async with http.get(url) as response:
                response.raise_for_status()

    async def stats(self, since: float, until: float) -> dict[str, float]:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{self.port}/api/stats?since={since}&until={until}"
            async with http.get(url) as response:
                return await response.json(content_type=None)

    async def stop(self) -> None:
        if self.proc is not None:
            await end_process(self.proc)


def _arenas(clients: int, options: BenchOptions) -> int:
    """How many arenas the players of a step fill."""
    return max(1, math.ceil(round(clients * options.play_share) / options.arena_size))


async def run_step(target: Target, clients: int, options: BenchOptions) -> dict[str, object]:
    """Connect ``clients``, measure one window, and return the step's figures."""
    assert target.proc is not None
    players = round(clients * options.play_share)
    try:
        results, figures = await generate(
            target.port, target.proc.pid, players, clients - players,
            _arenas(clients, options), options.generators, options.warmup, options.seconds)
    except GeneratorFailed as exc:
        return _failed(clients, str(exc))
    if not sum(r["clients"] for r in results):  # it ran, but nothing reached the server
        return _failed(clients, f"a load generator failed: none of {clients} clients "
                                "connected")
    began = max(r["began"] for r in results)
    ended = min(r["ended"] for r in results)
    stats = await target.stats(began, ended)
    delay, latency = Histogram(), Histogram()
    for r in results:
        delay.merge(Histogram.from_json(r["delay"]))
        latency.merge(Histogram.from_json(r["latency"]))
    connected = sum(r["clients"] for r in results)
    frames = sum(r["frames"] for r in results)
    seconds = max(ended - began, 1e-9)
    ticks = stats.get("ticks", 0)
    arenas = max(stats.get("arenas_ticking", 1), 1)
    overrun = stats.get("overrun_ticks", 0) / ticks if ticks else 1.0
    delay_p99 = delay.percentile(0.99)
    step = {
        "clients": clients,
        "connected": connected,
        "closed_by_server": sum(r["closed_by_server"] for r in results),
        "arenas": arenas,
        "ticks_per_second_per_arena": ticks / seconds / arenas,
        "tick_overrun_share": overrun,
        "tick_work_p50_ms": stats.get("work_p50_ms"),
        "tick_work_p99_ms": stats.get("work_p99_ms"),
        "fanout_delay_p50_ms": delay.percentile(0.50),
        "fanout_delay_p99_ms": delay_p99,
        "bytes_per_client_per_tick": (sum(r["bytes"] for r in results) / frames) if frames else None,
        "server_cpu_percent": 100 * figures["server_cpu"],
        "server_rss_mb": figures["server_rss"] / 2**20,
        "server_rss_per_client_kb": (figures["server_rss"] - target.rss_idle) / max(connected, 1) / 1024,
        "input_to_frame_p50_ms": latency.percentile(0.50),
        "input_to_frame_p99_ms": latency.percentile(0.99),
        "frames_per_client_per_second": frames / max(connected, 1) / options.seconds,
        "generator_cpu_percent": 100 * figures["generator_cpu"],
        # How the server's core spent the window (everything on it: the server, the
        # kernel's part including the packets' delivery, what was left): core_shares.
        "server_core_percent": core_percent(figures),
    }
    step["holds"] = bool(
        connected == clients and overrun <= OVERRUN_LIMIT and delay_p99 is not None
        and delay_p99 <= DELAY_P99_LIMIT_MS
        and step["frames_per_client_per_second"] >= 0.95 * options.tick_rate)
    return step


#: Every figure of a step (the keys of ``run_step``'s answer).
FIGURES = (
    "connected", "closed_by_server", "arenas", "ticks_per_second_per_arena",
    "tick_overrun_share", "tick_work_p50_ms", "tick_work_p99_ms", "fanout_delay_p50_ms",
    "fanout_delay_p99_ms", "bytes_per_client_per_tick", "server_cpu_percent",
    "server_rss_mb", "server_rss_per_client_kb", "input_to_frame_p50_ms",
    "input_to_frame_p99_ms", "frames_per_client_per_second", "generator_cpu_percent",
    "server_core_percent",
)


def _failed(clients: int, error: str) -> dict[str, object]:
    """A step whose load generators failed: no figures, and it did not hold."""
    print(f"bench: {clients} clients: {error}", file=sys.stderr, flush=True)
    step: dict[str, object] = {"clients": clients, **dict.fromkeys(FIGURES)}
    step.update(connected=0, tick_overrun_share=1.0, error=error, holds=False)
    return step


def _line(kind: str, step: dict[str, object]) -> str:
    def f(key: str, fmt: str = ".1f") -> str:
        value = step.get(key)
        return "-" if value is None else format(value, fmt)

    return (f"{kind:>8} {step['clients']:>6} clients: {f('ticks_per_second_per_arena')} t/s/arena, "
            f"overrun {100 * float(step['tick_overrun_share']):.2f}%, work p99 "
            f"{f('tick_work_p99_ms', '.2f')} ms, delay p50/p99 {f('fanout_delay_p50_ms')}/"
            f"{f('fanout_delay_p99_ms')} ms, cpu {f('server_cpu_percent', '.0f')}% (generator "
            f"{f('generator_cpu_percent', '.0f')}%), rss/client "
            f"{f('server_rss_per_client_kb')} KB, {f('bytes_per_client_per_tick', '.0f')} B/tick, "
            f"input->frame p50 {f('input_to_frame_p50_ms')} ms "
            f"{'HOLDS' if step['holds'] else 'fails'}")


class Ramp:
    """One server's side of the bench: its measurements so far, and whether it goes on."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.steps: list[dict[str, object]] = []
        #: Client counts in a row that did not hold.
        self.failures = 0

    @property
    def going(self) -> bool:
        """Whether this ramp has not ended: fewer than two counts in a row did not hold."""
        return self.failures < 2

    def held(self, clients: int) -> bool:
        return any(s["holds"] for s in self.steps if s["clients"] == clients)

    async def step(self, clients: int, attempt: int,
                   options: BenchOptions) -> dict[str, object]:
        step = await run_step(self.target, clients, options)
        step["try"] = attempt
        self.steps.append(step)
        print(_line(self.target.kind, step) + (f" (try {attempt})" if attempt > 1 else ""),
              flush=True)
        await asyncio.sleep(1.0)
        return step

    def settle(self, clients: int) -> None:
        """Every measurement of ``clients`` is in: count it as held or failed."""
        self.failures = 0 if self.held(clients) else self.failures + 1


async def interleave(counts: tuple[int, ...], ramps: tuple[Ramp, ...], tries: int,
                     measure: Callable[[Ramp, int, int], Awaitable[None]]) -> None:
    """Measure every ramp at each of ``counts`` in turn, ``measure(ramp, clients, try)``,
    until all of them have ended. At each count every ramp is measured once, in the order
    given; those that did not hold are measured again, again in turn, up to ``tries``
    measurements each. A ramp that has ended (two counts in a row that did not hold) is
    still measured while another goes on, once a count (what it is measured for is the
    same minutes as the other, not more chances): its figures and the other's then come
    from the same minutes of the machine, whose speed drifts, and a capacity is never the
    figure of a server measured alone. If it holds a count, it goes on as before."""
    for clients in counts:
        if not any(ramp.going for ramp in ramps):
            break
        going = [ramp for ramp in ramps if ramp.going]
        for attempt in range(1, tries + 1):
            for ramp in ramps:
                if not ramp.held(clients) and (attempt == 1 or ramp in going):
                    await measure(ramp, clients, attempt)
            if all(ramp.held(clients) or ramp not in going for ramp in ramps):
                break
        for ramp in ramps:
            ramp.settle(clients)


async def bench(options: BenchOptions) -> dict[str, object]:
    snakepit = Ramp(Target("snakepit", options, 0))
    raw = Ramp(Target("raw", options, options.frame_bytes or 400))
    sizes: list[int] = []
    await snakepit.target.start()
    try:
        await raw.target.start()

        async def measure(ramp: Ramp, clients: int, attempt: int) -> None:
            if ramp is raw:
                # The same bytes per client and tick as Snakepit's in this step, unless told
                # a size, to groups made up as Snakepit's arenas are.
                await raw.target.shape(options.frame_bytes or (sizes or [400])[-1],
                                       options.arena_size)
            step = await ramp.step(clients, attempt, options)
            size = step["bytes_per_client_per_tick"]
            if ramp is snakepit and isinstance(size, (int, float)) and size > 0:
                sizes.append(round(size))

        await interleave(options.steps, (snakepit, raw), options.tries, measure)
    finally:
        await asyncio.gather(snakepit.target.stop(), raw.target.stop())
    frame_bytes = options.frame_bytes or (round(sum(sizes) / len(sizes)) if sizes else 400)
    ours, limit = capacity(snakepit.steps), capacity(raw.steps)
    report = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "platform": sys.platform},
        "options": {k: (str(v) if isinstance(v, Path) else v)
                    for k, v in options.__dict__.items()},
        "targets": {"tick_overrun_share": OVERRUN_LIMIT, "fanout_delay_p99_ms": DELAY_P99_LIMIT_MS},
        "raw_frame_bytes": frame_bytes,
        "interleaved": True,
        # Since 6 December 2026: both servers are measured at every count until both ramps
        # have ended, not each until its own has (see interleave).
        "measured_until_both_ended": True,
        "clients": "C (clients.c)" if clients_program() else "Python (loadgen.py)",
        "snakepit": snakepit.steps,
        "raw": raw.steps,
        "snakepit_capacity": ours,
        "raw_capacity": limit,
        "ratio": ours / limit if limit else None,
        # True where a server held the ramp's last count: its capacity is at least the
        # figure above, and a ratio with a capped raw limit is at most the figure above.
        "capped": {"snakepit": capped(snakepit.steps, options.steps),
                   "raw": capped(raw.steps, options.steps)},
        # How each ramp ended: where frames left on time and arrived late, the load
        # generators may be part of what ended it (they must not be the bottleneck).
        "ended": {"snakepit": how_it_ended(snakepit.steps), "raw": how_it_ended(raw.steps)},
        # What the same clients cost each server's core (Snakepit / raw), where both held.
        "cpu_ratio": cpu_ratio(snakepit.steps, raw.steps),
    }
    options.out.write_text(json.dumps(report, indent=2))
    from .chart import draw

    draw(report, options.chart)
    marks = bounds(report)
    ratio = f"{marks['ratio']}{ours / limit:.2f}" if limit else "-"
    print(f"capacity: snakepit {marks['snakepit']}{ours} clients, raw limit "
          f"{marks['raw']}{limit} clients, ratio {ratio}")
    if any(report["capped"].values()):
        print("(>=: that server held the ramp's last step; give --steps a higher end)")
    cpu = report["cpu_ratio"]
    if isinstance(cpu, dict):
        print(f"cpu for the same clients, snakepit / raw: {cpu['median']:.2f} (median of "
              f"{cpu['steps']} steps, {cpu['low']:.2f}-{cpu['high']:.2f}); failing at the "
              f"same share of the core, that is a ratio near {1 / cpu['median']:.2f}")
    for kind, ended in report["ended"].items():
        if ended is not None and ended["delay_alone"]:
            low, high = ended["generator_cpu_percent"] or (0.0, 0.0)
            print(f"({kind}: {ended['delay_alone']} of the {ended['measurements']} measurements "
                  "that ended its ramp failed on the fan-out delay alone, ticks on time, the "
                  f"generators' core at {low:.0f}-{high:.0f} %: the load generators may be "
                  "part of what ended it)")
    print(f"report: {options.out}  chart: {options.chart}")
    return report
