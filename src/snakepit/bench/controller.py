"""``snakepit bench``: ramp clients against Snakepit and against the raw baseline, report.

The server under test runs in its own process pinned to one core; load generators run in
other processes pinned to the other cores. For each step of the ramp the generators connect
N clients (a share of them playing, the rest watching), let them settle, then measure for a
fixed window. A step *holds* when at most 1 % of ticks overran (started more than a quarter
period late) and the fan-out delay p99 is at most 25 ms. The capacity is the largest N that
holds; the same ramp against the raw baseline gives the raw limit, and their ratio is the
figure that means the same on any machine.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from .histogram import Histogram

OVERRUN_LIMIT = 0.01
DELAY_P99_LIMIT_MS = 25.0
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class BenchOptions:
    steps: tuple[int, ...]
    seconds: float = 8.0
    warmup: float = 3.0
    play_share: float = 0.25
    tick_rate: float = 10.0
    arena_size: int = 16
    generators: int = 1
    frame_bytes: int | None = None
    out: Path = Path("bench-report.json")
    chart: Path = Path("bench-report.png")


def _cores() -> tuple[int, list[int]]:
    """The server's core and the generators' cores."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    return cores[0], (cores[1:] or cores)


def _pin(core: int) -> Callable[[], None]:
    """A preexec_fn that pins the child process to ``core``."""

    def pin() -> None:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {core})

    return pin


def _proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _proc_rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


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
        core, _ = _cores()
        if self.kind == "snakepit":
            data = tempfile.mkdtemp(prefix="snakepit-bench-")
            args = ["-m", "snakepit", "serve", "--port", "0", "--data-dir", data,
                    "--tick-rate", str(self.options.tick_rate), "--max-players",
                    str(self.options.arena_size), "--log-level", "warning",
                    "--bots", "0",  # every snake is a load-generator client
                    "--max-per-address", "0"]  # and they all come from 127.0.0.1
        else:
            args = ["-m", "snakepit.bench.baseline", "--tick-rate", str(self.options.tick_rate),
                    "--frame-bytes", str(self.frame_bytes)]
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, *args, preexec_fn=_pin(core),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        assert self.proc.stdout is not None
        line = (await asyncio.wait_for(self.proc.stdout.readline(), 30)).decode()
        match = re.search(r"http://[^:]+:(\d+)/", line)
        if not match:
            raise RuntimeError(f"{self.kind} did not start: {line!r}")
        self.port = int(match.group(1))
        await asyncio.sleep(0.5)
        self.rss_idle = _proc_rss_bytes(self.proc.pid)

    async def stats(self, since: float, until: float) -> dict[str, float]:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{self.port}/api/stats?since={since}&until={until}"
            async with http.get(url) as response:
                return await response.json(content_type=None)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 20)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


async def _generate(target: Target, clients: int, options: BenchOptions) -> list[dict]:
    _, cores = _cores()
    players = round(clients * options.play_share)
    arenas = max(1, math.ceil(players / options.arena_size))
    count = max(1, min(options.generators, clients))
    procs = []
    for i in range(count):
        mine_players = players // count + (i < players % count)
        spectators = clients - players
        mine_spectators = spectators // count + (i < spectators % count)
        procs.append(await asyncio.create_subprocess_exec(
            sys.executable, "-m",
            "snakepit.bench.loadgen", "--port", str(target.port), "--players",
            str(mine_players), "--spectators", str(mine_spectators), "--arenas", str(arenas),
            "--first", str(i * clients), "--warmup", str(options.warmup), "--seconds",
            str(options.seconds), preexec_fn=_pin(cores[i % len(cores)]),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL))
    assert target.proc is not None
    pid = target.proc.pid
    results: list[dict] = []
    cpu_start = cpu_end = 0.0
    window = [0.0, 0.0]
    rss = 0

    async def read(proc: asyncio.subprocess.Process, first: bool) -> None:
        nonlocal cpu_start, cpu_end, rss
        assert proc.stdout is not None
        mine = [0.0, 0.0]  # the generator's own CPU seconds, at the window's ends
        async for raw in proc.stdout:
            line = raw.decode().strip()
            if line.startswith("measuring"):
                mine[0] = _proc_cpu_seconds(proc.pid)
                if first:
                    cpu_start, window[0] = _proc_cpu_seconds(pid), time.monotonic()
            elif line.startswith("{"):
                mine[1] = _proc_cpu_seconds(proc.pid)
                if first:
                    cpu_end, window[1] = _proc_cpu_seconds(pid), time.monotonic()
                    rss = _proc_rss_bytes(pid)
                result = json.loads(line)
                result["generator_cpu"] = (mine[1] - mine[0]) / options.seconds
                results.append(result)
        await proc.wait()

    await asyncio.wait_for(
        asyncio.gather(*(read(p, i == 0) for i, p in enumerate(procs))),
        options.warmup + options.seconds + 180)
    for result in results:
        result["server_cpu"] = (cpu_end - cpu_start) / max(window[1] - window[0], 1e-9)
        result["server_rss"] = rss
        result["window"] = window
    return results


async def run_step(target: Target, clients: int, options: BenchOptions) -> dict[str, object]:
    """Connect ``clients``, measure one window, and return the step's figures."""
    results = await _generate(target, clients, options)
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
        "server_cpu_percent": 100 * results[0]["server_cpu"],
        "server_rss_mb": results[0]["server_rss"] / 2**20,
        "server_rss_per_client_kb": (results[0]["server_rss"] - target.rss_idle) / max(connected, 1) / 1024,
        "input_to_frame_p50_ms": latency.percentile(0.50),
        "input_to_frame_p99_ms": latency.percentile(0.99),
        "frames_per_client_per_second": frames / max(connected, 1) / options.seconds,
        # The busiest load generator's share of its core: near 100 %, the generator (not the
        # server) may be what delays frames.
        "generator_cpu_percent": 100 * max(r["generator_cpu"] for r in results),
    }
    step["holds"] = bool(
        connected == clients and overrun <= OVERRUN_LIMIT and delay_p99 is not None
        and delay_p99 <= DELAY_P99_LIMIT_MS
        and step["frames_per_client_per_second"] >= 0.95 * options.tick_rate)
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


async def ramp(kind: str, options: BenchOptions, frame_bytes: int) -> list[dict[str, object]]:
    target = Target(kind, options, frame_bytes)
    await target.start()
    steps: list[dict[str, object]] = []
    failures = 0
    try:
        for clients in options.steps:
            step = await run_step(target, clients, options)
            steps.append(step)
            print(_line(kind, step), flush=True)
            failures = 0 if step["holds"] else failures + 1
            if failures >= 2:
                break
            await asyncio.sleep(1.0)
    finally:
        await target.stop()
    return steps


def capacity(steps: list[dict[str, object]]) -> int:
    """The largest client count that held the targets (0 if none did)."""
    return max((int(s["clients"]) for s in steps if s["holds"]), default=0)


async def bench(options: BenchOptions) -> dict[str, object]:
    snakepit = await ramp("snakepit", options, 0)
    sizes = [s["bytes_per_client_per_tick"] for s in snakepit if s["bytes_per_client_per_tick"]]
    frame_bytes = options.frame_bytes or (int(sum(sizes) / len(sizes)) if sizes else 400)
    raw = await ramp("raw", options, frame_bytes)
    ours, limit = capacity(snakepit), capacity(raw)
    report = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "platform": sys.platform},
        "options": {k: (str(v) if isinstance(v, Path) else v)
                    for k, v in options.__dict__.items()},
        "targets": {"tick_overrun_share": OVERRUN_LIMIT, "fanout_delay_p99_ms": DELAY_P99_LIMIT_MS},
        "raw_frame_bytes": frame_bytes,
        "snakepit": snakepit,
        "raw": raw,
        "snakepit_capacity": ours,
        "raw_capacity": limit,
        "ratio": ours / limit if limit else None,
    }
    options.out.write_text(json.dumps(report, indent=2))
    from .chart import draw

    draw(report, options.chart)
    ratio = f"{ours / limit:.2f}" if limit else "-"
    print(f"capacity: snakepit {ours} clients, raw limit {limit} clients, ratio {ratio}")
    print(f"report: {options.out}  chart: {options.chart}")
    return report
