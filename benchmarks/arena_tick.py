"""What a busy arena's tick costs in Python, without the socket writes.

Runs the server's real arenas (``Hub``: engine, recording, scoreboard, stats, metrics) in
this process, each with 16 players that steer like ``snakepit bench``'s (away from walls,
joining again after each death) and 48 watchers, but every client's ``write`` is ``len``:
what remains is everything the game loop does per tick apart from the system calls of
the fan-out. Ticks are driven back to back (no sleeping), so the figure is CPU time per
tick and per client-tick; ``--profile`` adds a cProfile table of the tick's functions.

    .venv/bin/python benchmarks/arena_tick.py [--arenas 20] [--ticks 600] [--profile [cumtime]]
                                              [--no-record] [--watchers 48] [--sweep MB]

Instructions instead of seconds (this machine's speed drifts by tens of per cent from one
minute to the next): the difference of two runs under callgrind, which counts the same for
the same code whatever else the machine does, divided by the arena ticks between them:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python benchmarks/arena_tick.py --arenas 5 --ticks 50    # and --ticks 250
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

from snakepit import eventloop
from snakepit.engine import Direction
from snakepit.server.client import Client
from snakepit.server.hub import Hub
from snakepit.server.lifecycle import Phase
from snakepit.server.world_runner import WorldRunner
from snakepit.settings import Settings

if TYPE_CHECKING:
    from snakepit.server.websocket import WebSocket

_TURNS = {Direction.UP: (Direction.LEFT, Direction.RIGHT),
          Direction.DOWN: (Direction.LEFT, Direction.RIGHT),
          Direction.LEFT: (Direction.UP, Direction.DOWN),
          Direction.RIGHT: (Direction.UP, Direction.DOWN)}


def _steer(runner: WorldRunner, client: Client) -> None:
    """The bench's player policy: keep going unless a wall is two cells ahead, then turn
    towards the side with more room."""
    world = runner.world
    snake = world.snakes.get(client.snake_id) if client.snake_id is not None else None
    if snake is None:
        if client.phase is Phase.WATCHING:
            runner.join(client)
        return
    width, height = world.config.width, world.config.height
    (x, y), (dx, dy) = snake.body[0], snake.direction.delta
    if 1 <= x + 2 * dx < width - 1 and 1 <= y + 2 * dy < height - 1:
        return
    room = {Direction.LEFT: x, Direction.RIGHT: width - 1 - x, Direction.UP: y,
            Direction.DOWN: height - 1 - y}
    runner.steer(client, max(_TURNS[snake.direction], key=room.__getitem__))


async def run(arenas: int, ticks: int, profile: str | None, watchers: int,
              record: bool, sweep_mb: int = 0) -> None:
    data = Path(tempfile.mkdtemp(prefix="snakepit-arena-tick-"))
    hub = Hub(Settings(port=0, data_dir=data, seed=1, bots=0, max_connections_per_address=0,
                       record=record))
    await hub.start()
    socket = cast("WebSocket", SimpleNamespace(write=len))  # a socket that writes nowhere
    runners: list[tuple[WorldRunner, list[Client]]] = []
    for a in range(arenas):
        runner = hub.arenas.named(f"bench-{a}")
        hub.arenas._tasks.pop(runner.name).cancel()  # this benchmark drives the ticks itself
        players = []
        for i in range(16 + watchers):
            client = Client(hub.next_client_id(), socket, "127.0.0.1")
            client.name = f"p{a}-{i}"
            client.advance("hello")
            runner.attach(client)
            if i < 16:
                players.append(client)
        runners.append((runner, players))
    for _ in range(100):  # warm up: worlds that have played for a while
        for runner, players in runners:
            runner.tick()
            for client in players:
                _steer(runner, client)
        await asyncio.sleep(0)
    hub.stats.samples.clear()
    profiler = cProfile.Profile() if profile else None
    rounds: list[float] = []  # CPU seconds of the ticks, per round of ``ticks // 5`` ticks
    steer_cpu = 0.0
    spawned = -sum(r.world._next_id for r, _ in runners)
    per_round = max(1, ticks // 5)
    other = bytearray(sweep_mb << 20)  # memory read between two ticks, as a server's sockets are
    for n in range(5 * per_round):
        if n % per_round == 0:
            rounds.append(0.0)
        for runner, players in runners:
            if sweep_mb:
                other.count(1)
            started = time.process_time()
            if profiler is not None:
                profiler.enable()
            runner.tick()
            if profiler is not None:
                profiler.disable()
            middle = time.process_time()
            for client in players:
                _steer(runner, client)
            steer_cpu += time.process_time() - middle
            rounds[-1] += middle - started
        await asyncio.sleep(0)  # the scoreboard's writer and publisher run meanwhile
    spawned += sum(r.world._next_id for r, _ in runners)
    arena_ticks = per_round * arenas
    per_tick = sorted(1e6 * r / arena_ticks for r in rounds)
    clients = 16 + watchers
    print(f"{arenas} arenas x {5 * per_round} ticks, 16 players + {watchers} watchers each; "
          f"{spawned / (5 * arena_ticks / 10):.1f} spawns per arena-second")
    print(f"tick: {per_tick[2]:.1f} us CPU per arena tick (median of 5 rounds; min "
          f"{per_tick[0]:.1f}, max {per_tick[-1]:.1f}), {per_tick[2] / clients:.2f} us per "
          f"client and tick (players' policy, not counted: "
          f"{1e6 * steer_cpu / (5 * arena_ticks):.1f} us)")
    for runner, _ in runners:
        runner.closed = True
    await hub.stop()
    if profiler is not None:
        pstats.Stats(profiler).sort_stats(profile).print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arenas", type=int, default=20)
    parser.add_argument("--ticks", type=int, default=600)
    parser.add_argument("--watchers", type=int, default=48)
    parser.add_argument("--profile", nargs="?", const="tottime", default=None,
                        help="print a cProfile table of the ticks, sorted by this column "
                        "(default tottime; cumtime is the other useful one)")
    parser.add_argument("--no-record", action="store_true", help="arenas do not record")
    parser.add_argument("--sweep", type=int, default=0, metavar="MB",
                        help="read this many MB of other memory before each arena tick, so "
                        "that the tick finds its arena out of the caches, as in a server "
                        "with thousands of sockets (8 is enough on a 2 MB L2, 32 MB L3)")
    args = parser.parse_args()
    eventloop.run(run(args.arenas, args.ticks, args.profile, args.watchers,
                      not args.no_record, args.sweep))


if __name__ == "__main__":
    main()
