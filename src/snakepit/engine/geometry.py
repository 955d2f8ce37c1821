"""Cells and directions on the grid.

A cell is an ``(x, y)`` tuple; ``x`` grows to the right, ``y`` grows downwards, and
``(0, 0)`` is the top-left corner. Plain tuples keep the hot paths of the engine cheap.
"""

from __future__ import annotations

from enum import Enum

Cell = tuple[int, int]


class Direction(Enum):
    """One of the four ways a snake can head. The value is the wire name."""

    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"

    @property
    def delta(self) -> Cell:
        return _DELTAS[self]

    @property
    def opposite(self) -> Direction:
        return _OPPOSITES[self]

    def ahead(self, cell: Cell, steps: int = 1) -> Cell:
        """The cell ``steps`` cells from ``cell`` in this direction."""
        dx, dy = _DELTAS[self]
        return (cell[0] + dx * steps, cell[1] + dy * steps)


_DELTAS: dict[Direction, Cell] = {
    Direction.UP: (0, -1),
    Direction.DOWN: (0, 1),
    Direction.LEFT: (-1, 0),
    Direction.RIGHT: (1, 0),
}
_OPPOSITES: dict[Direction, Direction] = {
    Direction.UP: Direction.DOWN,
    Direction.DOWN: Direction.UP,
    Direction.LEFT: Direction.RIGHT,
    Direction.RIGHT: Direction.LEFT,
}

#: Directions in a fixed order, for anything that must iterate them deterministically.
DIRECTIONS: tuple[Direction, ...] = (Direction.UP, Direction.RIGHT, Direction.DOWN, Direction.LEFT)


def chebyshev(a: Cell, b: Cell) -> int:
    """Distance in king moves: how many ticks apart two cells are, ignoring turns' limits."""
    return max(abs(a[0] - b[0]), abs(a[1] - b[1]))
