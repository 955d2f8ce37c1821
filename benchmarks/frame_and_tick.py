"""Frame size and tick cost with a full world of 16 real players.

Starts a Snakepit server in this process on 127.0.0.1 (a free port), connects 16 players
over real WebSockets that steer with the greedy digit seeker and re-join when they die,
plus one silent watcher that measures every frame's size. Runs for a bounded time, then
prints the figures. Usage:

    .venv/bin/python benchmarks/frame_and_tick.py [--seconds 30] [--tick-rate 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from snakepit import eventloop
from snakepit.client.pilot import fly
from snakepit.protocol import decode_server
from snakepit.protocol.messages import Frame, Snapshot
from snakepit.server import create_app
from snakepit.settings import Settings


async def watcher(url: str, stop: float, sizes: list[tuple[int, int]]) -> None:
    """Record (live snakes, frame bytes on the wire) for every frame."""
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as ws:
            await ws.send_str('{"type":"hello","protocol":1,"name":"watcher"}')
            live: set[int] = set()
            while time.monotonic() < stop:
                raw = await ws.receive()
                message = decode_server(raw.data)
                if isinstance(message, Snapshot):
                    live = {s.id for s in message.snakes}
                if isinstance(message, Frame):
                    live -= {d[0] for d in message.deaths}
                    live |= {s.id for s in message.spawns}
                    payload = len(raw.data.encode())
                    header = 2 if payload < 126 else 4
                    sizes.append((len(live), payload + header))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(seconds: float, tick_rate: float) -> None:
    data = Path(tempfile.mkdtemp(prefix="snakepit-bench-"))
    app = create_app(Settings(port=0, data_dir=data, tick_rate=tick_rate, seed=1, bots=0,
                              max_connections_per_address=0, max_http_per_address=0))
    await app.start("127.0.0.1", 0)
    host, port = "127.0.0.1", app.port
    url = f"ws://{host}:{port}/ws"
    stop = time.monotonic() + seconds
    sizes: list[tuple[int, int]] = []
    await asyncio.gather(watcher(url, stop, sizes),
                         *(fly(url, f"bot{i}", seconds) for i in range(16)))
    hub = app.hub
    arena = hub.arenas.get("pit-1")
    assert arena is not None
    work_ms = [sample[1] * 1000 for sample in hub.stats.samples]
    full = [size for live, size in sizes if live == 16]
    print(f"ticks: {arena.world.tick} at {tick_rate}/s, overruns: {arena.overruns}")
    print(f"tick work (step + encode + fan-out to 17 sockets) ms: "
          f"p50 {percentile(work_ms, .5):.3f}  p99 {percentile(work_ms, .99):.3f}  "
          f"max {max(work_ms):.3f}")
    if full:
        print(f"frame bytes on the wire with 16 live snakes ({len(full)} frames): "
              f"mean {statistics.mean(full):.0f}  p50 {percentile(full, .5):.0f}  "
              f"p99 {percentile(full, .99):.0f}  max {max(full)}")
    every = [size for _, size in sizes]
    print(f"frame bytes, all frames ({len(every)}): mean {statistics.mean(every):.0f}  "
          f"max {max(every)}")
    await app.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--tick-rate", type=float, default=10.0)
    args = parser.parse_args()
    eventloop.run(main(args.seconds, args.tick_rate))
