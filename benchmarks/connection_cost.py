"""What one connected client costs the server: memory, objects the garbage collector must
walk, and how long a full collection takes with all of them connected.

Runs the server in this process (uvloop, behind the front door, as ``snakepit serve``
does) pinned to the first core, and ``snakepit.bench.loadgen`` pinned to the second with N
clients (a quarter playing, the rest watching), then measures once they are all in:

    .venv/bin/python benchmarks/connection_cost.py --clients 3000
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from snakepit import eventloop
from snakepit.server import create_app
from snakepit.settings import Settings


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def measure(clients: int, port: int) -> None:
    settings = Settings(port=port, data_dir=Path(tempfile.mkdtemp(prefix="snakepit-cost-")),
                        bots=0, max_connections_per_address=0, max_http_per_address=0,
                        arenas_per_address=0, new_arenas_per_minute=0)  # all from 127.0.0.1
    app = create_app(settings)
    await app.start("127.0.0.1", port)
    await asyncio.sleep(0.5)
    gc.collect()
    before_objects = collections.Counter(type(o).__name__ for o in gc.get_objects())
    before_rss = _rss_kb()
    players = clients // 4
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    command = [sys.executable, "-m", "snakepit.bench.loadgen", "--port", str(port),
               "--players", str(players), "--spectators", str(clients - players),
               "--arenas", str(max(1, (players + 15) // 16)), "--warmup", "10",
               "--seconds", "3"]
    if len(cores) > 1:
        command = ["taskset", "-c", str(cores[1]), *command]
    generator = await asyncio.create_subprocess_exec(*command, stdout=subprocess.DEVNULL)
    await asyncio.sleep(10)
    started = time.perf_counter()
    gc.collect()
    full = (time.perf_counter() - started) * 1000
    rss = _rss_kb()
    objects = collections.Counter(type(o).__name__ for o in gc.get_objects())
    grown = objects - before_objects
    print(f"{clients} clients ({players} playing): RSS {before_rss / 1024:.1f} -> "
          f"{rss / 1024:.1f} MB, {(rss - before_rss) / clients:.1f} KB per client")
    print(f"objects the collector tracks: {sum(objects.values()):,} "
          f"(+{sum(grown.values()) / clients:.1f} per client); a full collection: {full:.0f} ms")
    for name, count in grown.most_common(12):
        print(f"  {count / clients:6.2f} {name}")
    await generator.wait()
    await app.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=3000)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    eventloop.run(measure(args.clients, args.port))


if __name__ == "__main__":
    main()
