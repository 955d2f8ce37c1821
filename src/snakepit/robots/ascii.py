"""The board as text, for the simulator and for anyone debugging a robot in a terminal.

Inside a border of ``+``, ``-`` and ``|``: ``.`` is an empty cell, ``#`` a stone, ``1``-``9``
a digit, and each snake is drawn with its own letter: the capital on its head, the lower
case on the rest of its body. Nothing else ever shares a cell with a snake, a stone or a
digit, so the drawing is exact: one character per cell, row ``y`` of the world on line
``y + 1`` of the board, column ``x`` at character ``x + 1``.

:func:`board` draws either the engine's :class:`~snakepit.engine.World` or a client's
:class:`~snakepit.client.view.WorldView`; both give the same text for the same tick.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping

from ..client.view import WorldView
from ..engine import World

XY = tuple[int, int]

#: The letters snakes are drawn with, in the order entrants are given.
LETTERS = string.ascii_uppercase


def letter(index: int) -> str:
    """The letter of the ``index``-th entrant (0 -> ``A``); at most 26 entrants have one."""
    if not 0 <= index < len(LETTERS):
        raise ValueError(f"only {len(LETTERS)} snakes can be told apart on an ASCII board")
    return LETTERS[index]


def board(world: World | WorldView, letters: Mapping[int, str] | None = None) -> list[str]:
    """The bordered board, one string per line. ``letters`` maps snake ids to the capital
    letters to draw them with; a snake missing from it is drawn with ``?``."""
    if isinstance(world, World):
        width, height = world.config.width, world.config.height
    else:
        width, height = world.width, world.height
    letters = letters or {}
    rows = [["."] * width for _ in range(height)]
    for x, y in world.stones:
        rows[y][x] = "#"
    for (x, y), value in world.digits.items():
        rows[y][x] = str(value)
    for sid, snake in world.snakes.items():
        head = letters.get(sid, "?").upper()
        body = head.lower()
        cells: Iterable[XY] = snake.body
        for i, (x, y) in enumerate(cells):
            rows[y][x] = head if i == 0 else body
    edge = "+" + "-" * width + "+"
    return [edge, *("|" + "".join(row) + "|" for row in rows), edge]


def parse(lines: list[str]) -> dict[XY, str]:
    """The inverse of :func:`board`: every non-empty cell of a bordered board to its
    character (for tests and tools that read boards back)."""
    cells: dict[XY, str] = {}
    for y, line in enumerate(lines[1:-1]):
        for x, char in enumerate(line[1:-1]):
            if char != ".":
                cells[(x, y)] = char
    return cells
