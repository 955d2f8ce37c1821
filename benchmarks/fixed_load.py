"""One fixed load for a while: what it costs the server, second by second.

Starts ``snakepit serve`` pinned to core 0 (as ``snakepit bench`` does: no bots, no cap per
address), connects ``--players`` players and ``--watchers`` watchers (the bench's C
clients, ``clients.c``, or its Python ones without a C compiler) from core 1,
spread over ``--arenas`` arenas (default: as many as the players fill), holds them for
``--seconds`` and prints the server's CPU and its late ticks over that window; with
``--verbose``, a line a second from the start (connecting and settling included). Where
``snakepit bench`` finds a capacity, this is for comparing two versions of the server at
one load (run them alternately: this machine's speed drifts from one minute to the next).
Only ever targets 127.0.0.1.

    .venv/bin/python benchmarks/fixed_load.py --players 1500 --watchers 4500 --seconds 20
    .venv/bin/python benchmarks/fixed_load.py --players 0 --watchers 6000 --arenas 94

With ``--sample FILE`` the server runs under ``benchmarks/sampler.py`` (a CPU-time
sampler; its folded stacks go to FILE) and the heaviest functions are printed, as shares
of the server's samples in the measured window (start-up and goodbyes left out). With
``--raw FRAME_BYTES`` the same clients load the raw baseline of ``snakepit bench`` instead
(frames of that size, to groups made up as the arenas would be: 16 players and the watchers
that name the arena; ``--raw-by-arrival``: in the order the clients came, as many to a
group as to an arena), for the same figures of the server that only writes. Besides the
server's own CPU, the output says how its whole core spent the window
(``server_core_percent``: user, system, interrupts, stolen, idle, from /proc/stat).

    .venv/bin/python benchmarks/fixed_load.py --players 1000 --watchers 3000 --raw 560
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import signal
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from snakepit import eventloop
from snakepit.bench.generators import core_percent, cores, cpu_seconds, generate, pin_to
from snakepit.settings import Settings

SAMPLER = Path(__file__).with_name("sampler.py")
#: Players to an arena: ``snakepit serve``'s default cap, which the server here runs with.
ARENA_PLAYERS = Settings().max_players


def heaviest(folded: str, count: int = 25) -> list[tuple[float, str]]:
    """The functions in most of the samples of a folded-stacks file (each counted once per
    stack it is in), as (share, "file:function")."""
    within: collections.Counter[str] = collections.Counter()
    total = 0
    for line in Path(folded).read_text().splitlines():
        stack, samples = line.rsplit(" ", 1)
        total += int(samples)
        for name in {frame.rsplit(":", 1)[0] for frame in stack.split(";")}:
            within[name] += int(samples)
    return [(n / max(total, 1), name) for name, n in within.most_common(count)]


async def run(players: int, watchers: int, arenas: int, seconds: float, verbose: bool,
              sample: str | None = None, raw: int | None = None,
              raw_players: int = 0) -> None:
    server_core, _ = cores()
    data = tempfile.mkdtemp(prefix="snakepit-fixed-load-")
    serve = ["-m", "snakepit"] if sample is None else [str(SAMPLER)]
    env = None if sample is None else dict(os.environ, SNAKEPIT_SAMPLES=os.path.abspath(sample))
    if raw is None:
        args = [*serve, "serve", "--port", "0", "--data-dir", data, "--bots", "0",
                "--max-per-address", "0", "--arenas-per-address", "0",
                "--new-arenas-per-minute", "0", "--log-level", "warning"]
    else:  # the raw baseline
        args = ["-m", "snakepit.bench.baseline", "--frame-bytes", str(raw)]
    server = await asyncio.create_subprocess_exec(
        sys.executable, *args, env=env, preexec_fn=pin_to(server_core),
        stdout=asyncio.subprocess.PIPE)
    assert server.stdout is not None
    try:
        line = (await server.stdout.readline()).decode()
        started = re.search(r"http://[^:]+:(\d+)/", line)
        if started is None:
            raise SystemExit(f"fixed_load: the server did not start: {line!r}")
        port = int(started.group(1))
        if raw is not None:
            group = -(-(players + watchers) // arenas)
            async with aiohttp.ClientSession() as http:
                url = (f"http://127.0.0.1:{port}/api/shape?frame_bytes={raw}&group={group}"
                       f"&players={raw_players}")
                async with http.get(url) as response:
                    response.raise_for_status()
        def window(begins: bool) -> None:  # the sampler counts the measured window only
            os.kill(server.pid, signal.SIGUSR1 if begins else signal.SIGUSR2)

        load = asyncio.create_task(generate(port, server.pid, players, watchers, arenas, 1,
                                            3.0, seconds, window if sample else None))
        async with aiohttp.ClientSession() as http:
            while not load.done():  # a line a second
                before, at = cpu_seconds(server.pid), time.monotonic()
                await asyncio.wait([load], timeout=1.0)
                if verbose and not load.done():
                    url = f"http://127.0.0.1:{port}/api/stats?since={at}"
                    async with http.get(url) as response:
                        stats = await response.json()
                    share = (cpu_seconds(server.pid) - before) / (time.monotonic() - at)
                    print(f"ticks {stats.get('ticks', 0)}, late {stats.get('overrun_ticks', 0)}, "
                          f"late p99 {stats.get('late_p99_ms', 0):.1f} ms, frame "
                          f"{stats.get('frame_bytes_mean', 0):.0f} B, cpu {100 * share:.0f} %")
            results, figures = load.result()
            window = (min(r["began"] for r in results), max(r["ended"] for r in results))
            url = f"http://127.0.0.1:{port}/api/stats?since={window[0]}&until={window[1]}"
            async with http.get(url) as response:
                stats = await response.json()
    finally:
        server.terminate()
        await server.wait()
    ticks = stats.get("ticks", 0)
    deaths = sum(r.get("deaths", 0) for r in results)
    print(json.dumps({
        "players": players, "watchers": watchers, "arenas": arenas, "seconds": seconds,
        "server_cpu_percent": round(100 * figures["server_cpu"], 1),
        "generator_cpu_percent": round(100 * figures["generator_cpu"], 1),
        "late_ticks_percent": round(100 * stats.get("overrun_ticks", 0) / max(ticks, 1), 2),
        "tick_work_p50_ms": stats.get("work_p50_ms"), "tick_work_p99_ms": stats.get("work_p99_ms"),
        "deaths_per_second": round(deaths / seconds, 1),
        "server_core_percent": core_percent(figures),
    }))
    if sample is not None:
        for share, name in heaviest(sample):
            print(f"{100 * share:5.1f} %  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--players", type=int, default=1500)
    parser.add_argument("--watchers", type=int, default=4500)
    parser.add_argument("--arenas", type=int, default=0,
                        help="arenas the watchers spread over (default: those the players fill)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--verbose", action="store_true", help="a line a second")
    parser.add_argument("--raw", type=int, metavar="FRAME_BYTES",
                        help="load the raw baseline instead, writing frames of FRAME_BYTES "
                        "to groups made up as the arenas would be")
    parser.add_argument("--raw-by-arrival", action="store_true",
                        help="with --raw: group clients in the order they come, not as "
                        f"Snakepit's arenas ({ARENA_PLAYERS} players and the watchers that "
                        "name it)")
    parser.add_argument("--sample", metavar="FILE",
                        help="run the server under benchmarks/sampler.py, stacks to FILE")
    args = parser.parse_args()
    if args.raw is not None and args.sample is not None:
        parser.error("--sample samples Snakepit's server, not the raw baseline")
    if args.raw_by_arrival and args.raw is None:
        parser.error("--raw-by-arrival groups the raw baseline's clients: it needs --raw")
    arenas = args.arenas or max(1, -(-args.players // ARENA_PLAYERS))
    eventloop.run(run(args.players, args.watchers, arenas, args.seconds, args.verbose,
                      args.sample, args.raw, 0 if args.raw_by_arrival else ARENA_PLAYERS))


if __name__ == "__main__":
    main()
