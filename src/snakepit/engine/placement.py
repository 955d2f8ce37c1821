"""Where new things go: free cells for digits and stones, room for a new snake.

Every choice draws from the world's own generator, so placement is as deterministic as the
rest of the engine. Random probing finds a cell quickly on a sparse board; a scan from a
random start finds one on a crowded board, so a spot is found whenever one exists.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from .geometry import DIRECTIONS, Cell, Direction

_PROBES = 64


def find_cell(
    rng: random.Random, width: int, height: int, ok: Callable[[Cell], bool]
) -> Cell | None:
    """A random cell for which ``ok`` holds, or None if there is none."""
    for _ in range(_PROBES):
        cell = (rng.randrange(width), rng.randrange(height))
        if ok(cell):
            return cell
    start = rng.randrange(width * height)
    for i in range(width * height):
        index = (start + i) % (width * height)
        cell = (index % width, index // width)
        if ok(cell):
            return cell
    return None


def place_snake(
    rng: random.Random,
    width: int,
    height: int,
    length: int,
    free: Callable[[Cell], bool],
    far_from_heads: Callable[[Cell, int], bool],
    margin: int,
    head_distance: int,
) -> tuple[list[Cell], Direction] | None:
    """A body (head first) and heading for a new snake of ``length`` cells, or None.

    Tries the strict rules first (``margin`` cells from the border, ``head_distance`` from
    every live head, facing the direction with the most open cells ahead), then relaxes them
    step by step rather than refuse a player while any room is left.
    """
    attempts = (
        (margin, head_distance, length + 2),
        (1, max(2, head_distance // 2), 2),
        (0, 1, 1),
    )
    for m, distance, need_ahead in attempts:
        if width - 2 * m < 1 or height - 2 * m < 1:
            continue

        def fits(cell: Cell, m: int = m, distance: int = distance, need: int = need_ahead) -> bool:
            x, y = cell
            if not (m <= x < width - m and m <= y < height - m):
                return False
            if not free(cell) or not far_from_heads(cell, distance):
                return False
            return _best_heading(cell, width, height, length, free, need) is not None

        head = find_cell(rng, width, height, fits)
        if head is not None:
            heading = _best_heading(head, width, height, length, free, need_ahead)
            assert heading is not None
            tail_way = heading.opposite
            return [tail_way.ahead(head, i) for i in range(length)], heading
    return None


def _best_heading(
    head: Cell,
    width: int,
    height: int,
    length: int,
    free: Callable[[Cell], bool],
    need_ahead: int,
) -> Direction | None:
    """The heading with the longest free run ahead (ties: fixed order), body fitting behind.

    (Spawning calls this for every candidate cell, so the cells are walked with plain
    arithmetic rather than through :meth:`Direction.ahead`.)"""
    best: Direction | None = None
    best_run = need_ahead - 1
    hx, hy = head
    for heading in DIRECTIONS:
        dx, dy = heading.delta
        for i in range(1, length):  # the body, behind the head
            x, y = hx - dx * i, hy - dy * i
            if not (0 <= x < width and 0 <= y < height and free((x, y))):
                break
        else:
            run, x, y = 0, hx + dx, hy + dy
            while run < 8 and 0 <= x < width and 0 <= y < height and free((x, y)):
                run, x, y = run + 1, x + dx, y + dy
            if run > best_run:
                best, best_run = heading, run
    return best
