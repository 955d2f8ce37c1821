"""Where new things go: free cells for digits and stones, room for a new snake.

Every choice draws from the world's own generator, so placement is as deterministic as the
rest of the engine. Random probing finds a cell quickly on a sparse board; a scan from a
random start finds one on a crowded board, so a spot is found whenever one exists.

A cell is *free* when none of the ``taken`` containers (the world's snake bodies, digits
and stones) holds it. Spawning tests many candidate cells and walks several cells around
each one, so the tests below are written out with plain membership checks rather than
through helper calls: they are the engine's hottest code after the step itself.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Container, Sequence

from .dice import below
from .geometry import DIRECTIONS, Cell, Direction

_PROBES = 64

#: The containers whose cells are not free: snakes' bodies, digits, stones.
Taken = tuple[Container[Cell], Container[Cell], Container[Cell]]


def find_cell(
    rng: random.Random, width: int, height: int, ok: Callable[[Cell], bool]
) -> Cell | None:
    """A random cell for which ``ok`` holds, or None if there is none."""
    getrandbits = rng.getrandbits
    x_bits, y_bits = width.bit_length(), height.bit_length()
    for _ in range(_PROBES):  # (x, y) = (below(rng, width), below(rng, height)), written out
        x = getrandbits(x_bits)
        while x >= width:
            x = getrandbits(x_bits)
        y = getrandbits(y_bits)
        while y >= height:
            y = getrandbits(y_bits)
        cell = (x, y)
        if ok(cell):
            return cell
    start = below(rng, width * height)
    for i in range(width * height):
        index = (start + i) % (width * height)
        cell = (index % width, index // width)
        if ok(cell):
            return cell
    return None


def free_cell(rng: random.Random, width: int, height: int, taken: Taken) -> Cell | None:
    """A random free cell, or None if the board is full."""
    a, b, c = taken
    return find_cell(rng, width, height, lambda cell: not (cell in a or cell in b or cell in c))


def far_from(cell: Cell, heads: Sequence[Cell], distance: int) -> bool:
    """At least ``distance`` king moves from each of ``heads``."""
    x, y = cell
    for hx, hy in heads:
        if -distance < x - hx < distance and -distance < y - hy < distance:
            return False
    return True


def place_snake(
    rng: random.Random,
    width: int,
    height: int,
    length: int,
    taken: Taken,
    heads: Sequence[Cell],
    margin: int,
    head_distance: int,
) -> tuple[list[Cell], Direction] | None:
    """A body (head first) and heading for a new snake of ``length`` cells, or None.

    Tries the strict rules first (``margin`` cells from the border, ``head_distance`` from
    every one of ``heads``, facing the direction with the most open cells ahead), then
    relaxes them step by step rather than refuse a player while any room is left.
    """
    occupied, digits, stones = taken
    attempts = (
        (margin, head_distance, length + 2),
        (1, max(2, head_distance // 2), 2),
        (0, 1, 1),
    )
    for m, distance, need_ahead in attempts:
        if width - 2 * m < 1 or height - 2 * m < 1:
            continue
        chosen: list[Direction] = []

        def fits(cell: Cell, m: int = m, distance: int = distance, need: int = need_ahead) -> bool:
            x, y = cell
            if not (m <= x < width - m and m <= y < height - m):
                return False
            if cell in occupied or cell in digits or cell in stones:
                return False
            for hx, hy in heads:
                if -distance < x - hx < distance and -distance < y - hy < distance:
                    return False
            heading = _best_heading(cell, width, height, length, taken, need)
            if heading is None:
                return False
            chosen.append(heading)
            return True

        head = find_cell(rng, width, height, fits)
        if head is not None:
            tail_way = chosen[-1].opposite
            return [tail_way.ahead(head, i) for i in range(length)], chosen[-1]
    return None


def _best_heading(
    head: Cell,
    width: int,
    height: int,
    length: int,
    taken: Taken,
    need_ahead: int,
) -> Direction | None:
    """The heading with the longest free run ahead (at most 8 cells counted; ties: the
    fixed order of ``DIRECTIONS``) and room for the body behind, or None if no heading has
    ``need_ahead`` free cells ahead."""
    occupied, digits, stones = taken
    best: Direction | None = None
    best_run = need_ahead - 1
    hx, hy = head
    for heading in DIRECTIONS:
        dx, dy = heading.delta
        for i in range(1, length):  # the body, behind the head
            x, y = hx - dx * i, hy - dy * i
            cell = (x, y)
            if not (0 <= x < width and 0 <= y < height) or (
                    cell in occupied or cell in digits or cell in stones):
                break
        else:
            run, x, y = 0, hx + dx, hy + dy
            while run < 8 and 0 <= x < width and 0 <= y < height:
                cell = (x, y)
                if cell in occupied or cell in digits or cell in stones:
                    break
                run, x, y = run + 1, x + dx, y + dy
            if run > best_run:
                best, best_run = heading, run
    return best
