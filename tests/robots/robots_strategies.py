"""Hypothesis strategies for robots' tests: crowded random positions in small worlds.

A position is a world of 10-14 cells a side with up to eight snakes (random self-avoiding
walks, some of them still growing), stones and digits, and the id of the snake a robot
drives. Crowding is the point: most snakes have a wall, a stone or a body within reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st
from robots_helpers import place, put_digit, put_stone, quiet_world

from snakepit.engine import World

STEPS = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}


@dataclass
class Position:
    world: World
    #: The snake the robot drives.
    sid: int

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        return f"Position(sid={self.sid}, board=\n{board(self.world)})"


def board(world: World) -> str:
    """The world as text: ``#`` stone, digits, ``A``.. heads (snake 1, 2, ..), ``a``..
    their bodies."""
    w, h = world.config.width, world.config.height
    rows = [["."] * w for _ in range(h)]
    for (x, y) in world.stones:
        rows[y][x] = "#"
    for (x, y), v in world.digits.items():
        rows[y][x] = str(v)
    for sid, snake in world.snakes.items():
        letter = chr(ord("a") + (sid - 1) % 26)
        for (x, y) in snake.body:
            rows[y][x] = letter
        x, y = snake.head
        rows[y][x] = letter.upper()
    lines = ["".join(r) for r in rows]
    lines += [f"{chr(ord('A') + (sid - 1) % 26)}: {s.direction.value} len {s.length} "
              f"grow {s.grow}" for sid, s in world.snakes.items()]
    return "\n".join(lines)


cells = st.tuples(st.integers(0, 13), st.integers(0, 13))
walks = st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=30)


@st.composite
def positions(draw: st.DrawFn) -> Position:
    width, height = draw(st.integers(10, 14)), draw(st.integers(10, 14))
    world = quiet_world(width, height, seed=draw(st.integers(0, 1000)))
    taken: set[tuple[int, int]] = set()

    def free(cell: tuple[int, int]) -> bool:
        return 0 <= cell[0] < width and 0 <= cell[1] < height and cell not in taken

    sid = 0
    for start, walk, grow in draw(st.lists(
            st.tuples(cells, walks, st.sampled_from([0, 0, 0, 1, 2, 5])), min_size=1,
            max_size=8)):
        if not free(start):
            continue
        body = [start]  # head first: the walk lays the body out from the head backwards
        for direction in walk:
            dx, dy = STEPS[direction]
            nxt = (body[-1][0] + dx, body[-1][1] + dy)
            if free(nxt) and nxt not in body:
                body.append(nxt)
        if len(body) < 2:
            continue
        sid += 1
        place(world, sid, body, grow=grow)
        taken.update(body)
    if sid == 0:  # nothing fitted: one short snake in the middle
        sid = 1
        place(world, 1, [(width // 2, height // 2), (width // 2 - 1, height // 2)])
        taken.update(world.snakes[1].body)
    for cell in draw(st.lists(cells, max_size=20)):
        if free(cell):
            put_stone(world, cell)
            taken.add(cell)
    for cell, value in draw(st.lists(st.tuples(cells, st.integers(1, 9)), max_size=12)):
        if free(cell):
            put_digit(world, cell, value)
            taken.add(cell)
    return Position(world, draw(st.integers(1, sid)))
