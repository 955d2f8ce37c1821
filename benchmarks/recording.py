"""What recording costs: the share of tick time spent in ``Recorder.record``.

Starts a Snakepit server in this process on 127.0.0.1 (recording on, as by default),
connects 16 players over real WebSockets that steer with the greedy digit seeker and
re-join when they die, plus one silent watcher, for a bounded time. It times every tick of
the arena (``WorldRunner.tick``: engine step, recording, encoding, fan-out) and, inside it,
every ``Recorder.record`` call, and the writer thread's disk writes (off the game loop).
With ``--compare`` it also times, after every tick and outside the tick's timing, the two
digests alone, and (every 10th tick) what a digest made from ``World.fingerprint()``
(blake2b of its repr, the first plan) would cost instead; that extra work makes more
garbage, so the figures of the run itself are taken without it. Usage:

    .venv/bin/python benchmarks/recording.py [--seconds 60] [--tick-rate 10] [--compare]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from snakepit import eventloop
from snakepit.client.pilot import fly
from snakepit.replay import DiskWriter, Recorder, full_digest, tick_digest
from snakepit.server import create_app
from snakepit.server.world_runner import WorldRunner
from snakepit.settings import Settings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(samples: list[float], function):
    """``function`` wrapped so that each call's duration lands in ``samples``."""

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            samples.append(time.perf_counter() - started)

    return wrapper


def timed_call(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


async def watcher(url: str, stop: float) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        await ws.send_str('{"type":"hello","protocol":1,"name":"watcher"}')
        while time.monotonic() < stop:
            await ws.receive()


def line(name: str, samples_s: list[float]) -> str:
    us = [s * 1e6 for s in samples_s]
    return (f"{name:<44} n={len(us):>6}  mean {statistics.mean(us):8.1f}  "
            f"p50 {percentile(us, .5):8.1f}  p99 {percentile(us, .99):8.1f}  "
            f"max {max(us):8.1f} µs")


async def main(seconds: float, tick_rate: float, comparing: bool) -> None:
    ticks: list[float] = []
    records: list[float] = []
    writes: list[float] = []
    fingerprints: list[float] = []
    per_tick: list[float] = []
    fulls: list[float] = []
    tick = WorldRunner.tick
    WorldRunner.tick = timed(ticks, tick)  # type: ignore[method-assign]
    Recorder.record = timed(records, Recorder.record)  # type: ignore[method-assign]
    DiskWriter._append = timed(writes, DiskWriter._append)  # type: ignore[method-assign]

    def compare(runner: WorldRunner) -> None:
        per_tick.append(timed_call(tick_digest, runner.world))
        fulls.append(timed_call(full_digest, runner.world))
        if runner.world.tick % 10 == 0:
            started = time.perf_counter()
            hashlib.blake2b(repr(runner.world.fingerprint()).encode(), digest_size=8)
            fingerprints.append(time.perf_counter() - started)

    if comparing:
        timed_tick = WorldRunner.tick
        WorldRunner.tick = lambda self: (timed_tick(self), compare(self))[0]  # type: ignore

    data = Path(tempfile.mkdtemp(prefix="snakepit-bench-"))
    app = create_app(Settings(port=0, data_dir=data, tick_rate=tick_rate, seed=1, bots=0,
                              max_connections_per_address=0, max_http_per_address=0))
    await app.start("127.0.0.1", 0)
    host, port = "127.0.0.1", app.port
    url = f"ws://{host}:{port}/ws"
    stop = time.monotonic() + seconds
    await asyncio.gather(watcher(url, stop), *(fly(url, f"bot{i}", seconds) for i in range(16)))
    hub = app.hub
    arena = hub.arenas.get("pit-1")
    assert arena is not None and arena.recorder is not None
    path = arena.recorder.path
    live = len(arena.world.snakes)
    await app.stop()  # ends the games, closes the recording, drains the writer
    size = path.stat().st_size

    print(f"ticks: {arena.world.tick} at {tick_rate}/s, 16 players ({live} snakes alive at "
          f"the end), overruns: {arena.overruns}")
    print(line("tick work (step, record, encode, fan-out)", ticks))
    print(line("  of which Recorder.record", records))
    print(line("disk writes (writer thread, not the loop)", writes))
    if comparing:
        print(line("per-tick digest alone (after every tick)", per_tick))
        print(line("full digest alone (after every tick)", fulls))
        print(line("fingerprint digest instead (every 10th)", fingerprints))
    print(f"recording share of tick time: {sum(records) / sum(ticks):.1%} "
          f"(p50 record / p50 tick: {percentile(records, .5) / percentile(ticks, .5):.1%})")
    print(f"recording size: {size:,} bytes, {size / arena.world.tick:.0f} bytes per tick, "
          f"{size / arena.world.tick * tick_rate * 3600 / 1e6:.1f} MB per hour of play")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--tick-rate", type=float, default=10.0)
    parser.add_argument("--compare", action="store_true",
                        help="also time the digests alone and a fingerprint digest")
    args = parser.parse_args()
    eventloop.run(main(args.seconds, args.tick_rate, args.compare))
