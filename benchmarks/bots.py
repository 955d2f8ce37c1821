"""The cost of a bot's decision, per bot per tick, for each level and each example robot.

Plays a default 60 x 40 world with 16 snakes (a mix of easy, medium and hard bots that
re-join when they die) for a warm-up, so that snakes have grown and corpses lie about, then
for every live snake in every measured tick times ``View.of`` and each robot's ``decide`` on
that snake's view. The same positions are put to every robot, so the figures compare.
Times are CPU time of this thread: what a decision costs the process that runs it.

It then plays arenas of 4 hard bots the same way and prints what 100 hard bots deciding in
one tick cost in total (25 arenas of 4 in one process), against the 100 ms tick budget of
the default 10 ticks a second. Usage:

    .venv/bin/python benchmarks/bots.py [--ticks 400] [--warmup 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections.abc import Callable, Iterator
from functools import partial

from snakepit.client.view import WorldView
from snakepit.engine import Direction, Join, Turn, World, WorldConfig
from snakepit.protocol import frames
from snakepit.robots import Robot, View
from snakepit.robots.brains import LEVELS, make_bot
from snakepit.robots.examples.greedy import Greedy
from snakepit.robots.examples.random_safe import RandomSafe
from snakepit.robots.examples.survivor import Survivor

TICK_BUDGET_MS = 100.0


def play(levels: list[str], seed: int, ticks: int) -> Iterator[tuple[WorldView, list[int]]]:
    """Play a default world with one bot of each of ``levels``; yield the view and the
    ids of the live snakes before each tick's decisions."""
    world = World(WorldConfig(), seed=seed)
    bots = [make_bot(level, seed=f"{seed}-{i}") for i, level in enumerate(levels)]
    view = WorldView()
    view.apply_snapshot(frames.snapshot(world))
    snake_of: dict[int, int] = {}  # bot index -> snake id
    waiting: dict[int, int] = {}  # join ref -> bot index
    refs = itertools.count(1)
    for _ in range(ticks):
        yield view, sorted(snake_of.values())
        intents: list[Join | Turn] = []
        for i, bot in enumerate(bots):
            sid = snake_of.get(i)
            if sid is None:
                if i not in waiting.values():
                    ref = next(refs)
                    waiting[ref] = i
                    intents.append(Join(ref, f"bot{i}"))
                continue
            choice = bot.decide(View.of(view, sid))
            if choice is not None and choice != view.snakes[sid].dir:
                intents.append(Turn(sid, Direction(choice)))
        report = world.step(intents)
        dead = {d.snake_id for d in report.deaths}
        snake_of = {i: s for i, s in snake_of.items() if s not in dead}
        for spawn in report.spawns:
            snake_of[waiting.pop(spawn.ref)] = spawn.snake_id
        for ref in report.rejected:
            waiting.pop(ref)
        view.apply_frame(frames.frame(report, world, at_ms=0))


def timed(fn: Callable[[], object]) -> float:
    """Microseconds of CPU time one call of ``fn`` takes (this thread's CPU time, so that
    other processes on a busy machine do not count)."""
    start = time.thread_time_ns()
    fn()
    return (time.thread_time_ns() - start) / 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(levels: list[str], robots: dict[str, Robot], seed: int, warmup: int,
            ticks: int) -> tuple[dict[str, list[float]], list[float], list[int]]:
    """Per robot, the microseconds of each decision; the microseconds of each ``View.of``;
    the live snakes and their mean length in each measured tick."""
    costs: dict[str, list[float]] = {name: [] for name in robots}
    views: list[float] = []
    lengths: list[int] = []
    for n, (world_view, live) in enumerate(play(levels, seed, warmup + ticks)):
        if n < warmup:
            continue
        lengths.extend(len(world_view.snakes[sid].body) for sid in live)
        for sid in live:
            views.append(timed(partial(View.of, world_view, sid)))
            view = View.of(world_view, sid)
            for name, robot in robots.items():
                costs[name].append(timed(partial(robot.decide, view)))
    return costs, views, lengths


def table(costs: dict[str, list[float]], views: list[float]) -> None:
    print(f"{'':<22}{'mean':>8}{'p50':>8}{'p99':>8}{'max':>9}   µs per decision")
    for name, values in [*costs.items(), ("(View.of)", views)]:
        print(f"{name:<22}{statistics.mean(values):>8.0f}{percentile(values, .5):>8.0f}"
              f"{percentile(values, .99):>8.0f}{max(values):>9.0f}")


def main(ticks: int, warmup: int, seed: int) -> None:
    robots: dict[str, Robot] = {level: make_bot(level, seed=seed) for level in LEVELS}
    for cls in (RandomSafe, Greedy, Survivor):
        robot = cls()
        robot.rng.seed(seed)
        robots[f"examples.{cls.__name__}"] = robot

    mix = ["easy"] * 4 + ["medium"] * 6 + ["hard"] * 6
    costs, views, lengths = measure(mix, robots, seed, warmup, ticks)
    print(f"60 x 40, 16 snakes ({len(views)} decisions over {ticks} ticks after {warmup} "
          f"of warm-up; snake length mean {statistics.mean(lengths):.0f}, "
          f"max {max(lengths)})")
    table(costs, views)

    hard = {"hard": robots["hard"]}
    arena_costs: list[float] = []
    arena_views: list[float] = []
    for arena in range(4):
        found, seen, _ = measure(["hard"] * 4, hard, seed + 100 + arena, warmup, ticks)
        arena_costs += found["hard"]
        arena_views += seen
    print()
    print(f"arenas of 4 hard bots on 60 x 40 ({len(arena_costs)} decisions in 4 arenas)")
    table({"hard": arena_costs}, arena_views)
    per_bot = statistics.mean(arena_costs) + statistics.mean(arena_views)
    worst = percentile(arena_costs, .99) + percentile(arena_views, .99)
    print()
    print(f"100 hard bots (25 arenas of 4) in one tick: {100 * per_bot / 1000:.1f} ms "
          f"on average, {100 * worst / 1000:.1f} ms if every bot hit its p99 "
          f"(tick budget {TICK_BUDGET_MS:.0f} ms at 10 ticks/s; the arenas share one "
          f"process, so this is the share of each tick's time the bots take)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=400, help="measured ticks")
    parser.add_argument("--warmup", type=int, default=300, help="ticks played first")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    main(args.ticks, args.warmup, args.seed)
