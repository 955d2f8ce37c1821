"""What one engine step costs, warm: a default board kept at 16 snakes.

Plays ``--ticks`` ticks on the default board (``WorldConfig()``) with 16 players that
join again as soon as they die and, every third tick, turn at random (three in ten of
them); times ``step`` (and, for the C engine, ``wire_moves``, which the frame reads) and
prints the mean per step, the best of ``--rounds`` rounds. The world stays in the caches
here: in the server, among thousands of sockets, a step costs about twice as much
(docs/performance-log.md). No I/O, one process.

    .venv/bin/python benchmarks/engine_step.py [--engine c|python] [--ticks 6000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import time

from snakepit.engine import DIRECTIONS, Join, Turn, World, WorldConfig
from snakepit.engine.fast import FastWorld

PLAYERS = 16


def one_round(engine: str, ticks: int) -> float:
    """Mean seconds per step over ``ticks`` ticks of a new game."""
    world: World | FastWorld = FastWorld(WorldConfig(), seed=1) if engine == "c" else World(
        WorldConfig(), seed=1)
    rng = random.Random(2)
    refs = 0
    spent = 0.0
    for tick in range(ticks):
        intents: list[Join | Turn] = []
        snakes = list(world.snakes_state()) if isinstance(world, FastWorld) else [
            (sid,) for sid in world.snakes]
        for _ in range(PLAYERS - len(snakes)):
            refs += 1
            intents.append(Join(refs, f"p{refs}"))
        if tick % 3 == 0:
            intents += [Turn(snake[0], rng.choice(DIRECTIONS)) for snake in snakes
                        if rng.random() < 0.3]
        started = time.perf_counter()
        world.step(intents)
        if isinstance(world, FastWorld):
            world.wire_moves()
        spent += time.perf_counter() - started
    return spent / ticks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("c", "python"), default="c")
    parser.add_argument("--ticks", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    best = min(one_round(args.engine, args.ticks) for _ in range(args.rounds))
    print(f"{args.engine} engine: {best * 1e6:.2f} us per step (best of {args.rounds} rounds "
          f"of {args.ticks} ticks, {PLAYERS} players)")


if __name__ == "__main__":
    main()
