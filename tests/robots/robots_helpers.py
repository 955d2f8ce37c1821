"""Helpers for the robots' tests: exact positions in an engine world, a robot's view of
them, and what the engine makes of a move.

(Named ``robots_helpers`` so that it cannot clash with another test folder's helper module
on ``sys.path``.)
"""

from __future__ import annotations

import copy
import itertools
from collections import deque
from collections.abc import Sequence

from snakepit.client.view import WorldView
from snakepit.engine import Cause, Cell, Direction, Snake, Turn, World, WorldConfig
from snakepit.protocol import frames
from snakepit.robots import View

#: Deaths that follow from the board alone. A head-on also depends on the other snakes'
#: choices, so it is never certain.
CERTAIN = frozenset({Cause.WALL, Cause.STONE, Cause.SELF, Cause.SNAKE})

ALL_DIRECTIONS = ("up", "down", "left", "right")


def quiet_world(width: int = 20, height: int = 20, seed: int = 0) -> World:
    """A world where nothing appears at random: no digits, no stones."""
    return World(WorldConfig(width=width, height=height, digits_base=0, digits_per_snake=0,
                             stone_cap=0), seed=seed)


def place(world: World, sid: int, body: Sequence[Cell], grow: int = 0) -> Snake:
    """Put snake ``sid`` on the board: ``body[0]`` is the head, and it heads away from
    ``body[1]``; ``grow`` is how many cells it has still to grow."""
    body = list(body)
    assert len(body) >= 2, "a snake has a head and a neck at least"
    for a, b in itertools.pairwise(body):
        assert abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1, f"body {body} is not a chain"
    for cell in body:
        assert cell not in world.occupancy and cell not in world.stones, f"{cell} is taken"
    (hx, hy), (nx, ny) = body[0], body[1]
    heading = next(d for d in Direction if d.delta == (hx - nx, hy - ny))
    snake = Snake(sid, f"s{sid}", sid % 16, deque(body), heading, world.tick, grow=grow)
    world.snakes[sid] = snake
    for cell in body:
        world.occupancy[cell] = sid
    world._next_id = max(world._next_id, sid + 1)
    return snake


def put_stone(world: World, cell: Cell) -> None:
    assert cell not in world.occupancy and cell not in world.digits
    world.stones[cell] = 10**9  # never crumbles


def put_digit(world: World, cell: Cell, value: int) -> None:
    assert cell not in world.occupancy and cell not in world.stones
    world.digits[cell] = value


def view_of(world: World, sid: int) -> View:
    """What the robot driving snake ``sid`` sees: the world as a remote client knows it."""
    seen = WorldView()
    seen.apply_snapshot(frames.snapshot(world))
    return View.of(seen, sid)


def heading_after(world: World, sid: int, choice: str | None) -> str:
    """The way snake ``sid`` goes if its robot answers ``choice`` (None, or a reversal,
    keeps the current heading)."""
    current = world.snakes[sid].direction
    if choice is None or Direction(choice) is current.opposite:
        return current.value
    return choice


def death(world: World, sid: int, direction: str) -> Cause | None:
    """How snake ``sid`` dies if it goes ``direction`` next tick while every other snake
    goes straight on (None if it lives). ``world`` itself is left as it was."""
    trial = copy.deepcopy(world)
    for snake in trial.snakes.values():
        snake.turns.clear()
    report = trial.step([Turn(sid, Direction(direction))])
    causes = [d.cause for d in report.deaths if d.snake_id == sid]
    return causes[0] if causes else None


def moves(world: World, sid: int) -> list[str]:
    """The directions snake ``sid`` may take: all but straight back."""
    back = world.snakes[sid].direction.opposite.value
    return [d for d in ALL_DIRECTIONS if d != back]
