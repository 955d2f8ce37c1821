"""Cells and directions on the grid.

A cell is an ``(x, y)`` tuple; ``x`` grows to the right, ``y`` grows downwards, and
``(0, 0)`` is the top-left corner. Plain tuples keep the hot paths of the engine cheap.
"""

from __future__ import annotations

from enum import Enum

Cell = tuple[int, int]


class Direction(Enum):
    """One of the four ways a snake can head. The value is the wire name.

    ``delta`` (the step, ``(dx, dy)``) and ``opposite`` are plain attributes of each member,
    set once below: the engine reads them for every snake every tick, and an attribute is
    several times cheaper than a lookup keyed by an enum member (whose hash is Python code).
    """

    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"

    delta: Cell
    opposite: Direction

    def ahead(self, cell: Cell, steps: int = 1) -> Cell:
        """The cell ``steps`` cells from ``cell`` in this direction."""
        dx, dy = self.delta
        return (cell[0] + dx * steps, cell[1] + dy * steps)


for _member, _delta, _opposite in (
    (Direction.UP, (0, -1), Direction.DOWN),
    (Direction.DOWN, (0, 1), Direction.UP),
    (Direction.LEFT, (-1, 0), Direction.RIGHT),
    (Direction.RIGHT, (1, 0), Direction.LEFT),
):
    _member.delta = _delta
    _member.opposite = _opposite

#: Directions in a fixed order, for anything that must iterate them deterministically.
DIRECTIONS: tuple[Direction, ...] = (Direction.UP, Direction.RIGHT, Direction.DOWN, Direction.LEFT)
#: Each direction by its wire name (a dict lookup; calling the Enum is several times slower).
DIRECTION_NAMED: dict[str, Direction] = {d.value: d for d in Direction}


def chebyshev(a: Cell, b: Cell) -> int:
    """Distance in king moves: how many ticks apart two cells are, ignoring turns' limits."""
    return max(abs(a[0] - b[0]), abs(a[1] - b[1]))
