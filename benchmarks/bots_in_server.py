"""100 bots in one process: does any arena go over its tick budget?

Starts a Snakepit server in this process on 127.0.0.1 (a free port) with ``--bots 4`` and
opens ``arenas`` named arenas, each with one silent watcher over a real WebSocket (bots
play only while someone watches), so ``4 * arenas`` bots play. After a warm-up it reads the
server's own tick figures for a bounded time and prints tick work p50/p99/max (the engine
step, the bots' thinking, encoding and fan-out together), the share of ticks that started
late, and the same figures with no bots for comparison. Usage:

    .venv/bin/python benchmarks/bots_in_server.py [--arenas 25] [--seconds 20] [--level hard]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp

from snakepit import eventloop
from snakepit.server import create_app
from snakepit.settings import Settings


async def watch(url: str, arena: str, stop: float) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as ws:
            await ws.send_str(f'{{"type":"hello","protocol":1,"name":"w","arena":"{arena}"}}')
            while time.monotonic() < stop:
                try:
                    await asyncio.wait_for(ws.receive(), max(0.01, stop - time.monotonic()))
                except TimeoutError:
                    break


async def measure(arenas: int, bots: int, level: str, seconds: float, warmup: float) -> dict:
    settings = Settings(port=0, data_dir=Path(tempfile.mkdtemp(prefix="snakepit-bots-")),
                        bots=bots, bot_level=level, seed=5, max_connections_per_address=0,
                        max_http_per_address=0, arenas_per_address=0,
                        new_arenas_per_minute=0)  # all from 127.0.0.1
    app = create_app(settings)
    await app.start("127.0.0.1", 0)
    port = app.port
    url = f"ws://127.0.0.1:{port}/ws"
    stop = time.monotonic() + warmup + seconds
    watchers = [asyncio.create_task(watch(url, f"b{i}", stop)) for i in range(arenas)]
    await asyncio.sleep(warmup)
    since = time.monotonic()
    hub = app.hub
    await asyncio.sleep(seconds)
    summary = hub.stats.summary(since, 1 / settings.tick_rate)
    window = [s for s in hub.stats.samples if s[0] >= since]
    summary["work_max_ms"] = max(s[1] for s in window) * 1000
    summary["snakes"] = sum(len(r.world.snakes) for r in hub.arenas.runners.values())
    await asyncio.gather(*watchers)
    await app.stop()
    return summary


async def main(args: argparse.Namespace) -> None:
    print(f"{args.arenas} arenas, one watcher each, {args.seconds:g} s after {args.warmup:g} s "
          f"of warm-up, 10 ticks/s (budget 100 ms a tick; 'late' = started > 25 ms late)")
    print(f"{'bots':>22} {'snakes':>6} {'ticks':>6} {'work p50':>9} {'p99':>7} {'max':>7} "
          f"{'late':>6}")
    for bots, level in ((0, args.level), (4, args.level)):
        s = await measure(args.arenas, bots, level, args.seconds, args.warmup)
        label = f"{bots * args.arenas} {level}" if bots else "none"
        print(f"{label:>22} {s['snakes']:>6} {s['ticks']:>6} {s['work_p50_ms']:>7.2f}ms "
              f"{s['work_p99_ms']:>5.2f}ms {s['work_max_ms']:>5.2f}ms "
              f"{100 * s['overrun_ticks'] / max(1, s['ticks']):>5.1f}%")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arenas", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--level", default="hard", choices=["easy", "medium", "hard"])
    eventloop.run(main(parser.parse_args()))
