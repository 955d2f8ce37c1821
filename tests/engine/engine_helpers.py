"""Helpers for the engine's tests: build exact positions and drive busy games.

The engine is changed only by ``World.step``; tests that need an exact position build it
here by writing the world's state directly, the same way ``World._spawn`` does.
(Named ``engine_helpers`` rather than ``helpers`` so that it cannot clash with a helper
module of another test folder on ``sys.path``.)
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Sequence

from snakepit.engine import (
    DIRECTIONS,
    Cell,
    Death,
    Direction,
    Join,
    Leave,
    Snake,
    TickReport,
    Turn,
    World,
    WorldConfig,
)

UP, DOWN, LEFT, RIGHT = Direction.UP, Direction.DOWN, Direction.LEFT, Direction.RIGHT


def quiet_config(width: int = 10, height: int = 10, **overrides) -> WorldConfig:
    """Rules with nothing appearing at random: no digits, no stones."""
    fields = {"digits_base": 0, "digits_per_snake": 0, "stone_cap": 0}
    fields.update(overrides)
    return WorldConfig(width=width, height=height, **fields)


def quiet_world(width: int = 10, height: int = 10, seed: int = 0, **overrides) -> World:
    return World(quiet_config(width, height, **overrides), seed=seed)


def place(
    world: World,
    sid: int,
    name: str,
    body: Sequence[Cell],
    direction: Direction,
    grow: int = 0,
    *,
    score: int = 0,
) -> Snake:
    """Put a snake on the board: ``body[0]`` is the head, ``direction`` its heading."""
    body = list(body)
    assert sid not in world.snakes, f"snake {sid} is already there"
    for a, b in zip(body, body[1:]):
        assert abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1, f"body {body} is not a chain"
    if len(body) > 1:
        assert direction.ahead(body[1]) == body[0], f"{direction} does not point away from the neck"
    for cell in body:
        assert cell not in world.occupancy, f"{cell} is already taken"
    # start_length + eaten == len(body) + grow, as for a snake that grew by eating
    eaten = len(body) + grow - world.config.start_length
    snake = Snake(sid, name, sid % 12, deque(body), direction, world.tick, grow=grow,
                  score=score, eaten=max(0, eaten))
    world.snakes[sid] = snake
    for cell in body:
        world.occupancy[cell] = sid
    world._next_id = max(world._next_id, sid + 1)
    return snake


def put_digit(world: World, cell: Cell, value: int) -> None:
    assert cell not in world.occupancy and cell not in world.stones
    world.digits[cell] = value


def put_stone(world: World, cell: Cell, crumbles: int = 10**9) -> None:
    assert cell not in world.occupancy and cell not in world.digits
    world.stones[cell] = crumbles
    world._expiring.setdefault(crumbles, []).append(cell)


def death_of(report: TickReport, sid: int) -> Death:
    found = [d for d in report.deaths if d.snake_id == sid]
    assert len(found) == 1, f"snake {sid} should have exactly one death in {report.deaths}"
    return found[0]


def turns(sid: int, *directions: Direction) -> list[Turn]:
    return [Turn(sid, d) for d in directions]


# -- driving games --------------------------------------------------------------------------


def open_cell(world: World, cell: Cell) -> bool:
    x, y = cell
    return (
        0 <= x < world.config.width
        and 0 <= y < world.config.height
        and cell not in world.occupancy
        and cell not in world.stones
    )


def autopilot(world: World, rng: random.Random, wander: float = 0.2) -> list[Turn]:
    """Turns that keep most snakes alive a while, with some random wandering.

    A pure function of the world's state and ``rng``, so two identical worlds driven with
    identically seeded generators get identical intents.
    """
    out: list[Turn] = []
    for sid in sorted(world.snakes):
        snake = world.snakes[sid]
        options = [d for d in DIRECTIONS if d is not snake.direction.opposite]
        if rng.random() < wander:
            choice = rng.choice(options)
        else:
            safe = [d for d in options if open_cell(world, d.ahead(snake.head))]
            choice = snake.direction if snake.direction in safe else (safe[0] if safe else None)
        if choice is not None and choice is not snake.direction:
            out.append(Turn(sid, choice))
    return out


def busy_game(world: World, ticks: int, driver_seed: int, players: int = 8) -> Iterable[
    tuple[list[Join | Turn | Leave], TickReport]
]:
    """Drive ``world`` through a busy game; yield each tick's intents and report.

    Players join, steer by autopilot, now and then leave, and rejoin after they die.
    """
    rng = random.Random(driver_seed)
    refs = 0
    for _ in range(ticks):
        intents: list[Join | Turn | Leave] = list(autopilot(world, rng))
        if world.snakes and rng.random() < 0.02:
            intents.append(Leave(rng.choice(sorted(world.snakes))))
        if len(world.snakes) < players and rng.random() < 0.3:
            refs += 1
            intents.append(Join(refs, f"p{refs}"))
        yield intents, world.step(intents)
