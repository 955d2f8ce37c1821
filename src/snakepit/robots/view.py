"""What a robot sees each tick: the world as its client knows it, from its snake's side.

A :class:`View` is built from the same snapshot and frames every remote client receives
(:class:`snakepit.client.WorldView`), so a robot, a built-in bot and a browser all decide
from exactly the same information. It is a fresh object every tick: keep what you want to
remember on your robot, not on the view.

Coordinates are ``(x, y)`` cells, ``x`` to the right and ``y`` down from the top-left corner.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from ..client.view import SnakeView, WorldView

Dir = Literal["up", "down", "left", "right"]
XY = tuple[int, int]

DIRECTIONS: tuple[Dir, ...] = ("up", "down", "left", "right")
STEP: dict[str, XY] = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}
OPPOSITE: dict[str, Dir] = {"up": "down", "down": "up", "left": "right", "right": "left"}


def step(cell: XY, direction: str) -> XY:
    """The cell next to ``cell`` in ``direction``."""
    dx, dy = STEP[direction]
    return cell[0] + dx, cell[1] + dy


@dataclass(slots=True)
class View:
    """The world at ``tick`` for the robot driving ``me``.

    ``others`` are the other live snakes (each a :class:`SnakeView`: ``id``, ``name``,
    ``color``, ``dir``, ``body`` head first, ``score``, ``bot``, ``growing``); ``digits``
    maps cells to values 1-9; ``stones`` is the set of stone cells; ``tick_ms`` is the time
    between ticks, the budget for an answer.
    """

    tick: int
    width: int
    height: int
    me: SnakeView
    others: list[SnakeView]
    digits: dict[XY, int]
    stones: frozenset[XY]
    tick_ms: float = 100.0
    #: Body cells that will still be occupied after every snake's next move, to owner id.
    _solid: dict[XY, int] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, world: WorldView, snake_id: int, tick_ms: float = 100.0) -> View:
        """The view of ``world`` for the snake ``snake_id`` (which must be alive in it)."""
        me = world.snakes[snake_id]
        others = [s for sid, s in sorted(world.snakes.items()) if sid != snake_id]
        solid: dict[XY, int] = {}
        for snake in world.snakes.values():
            # A tail leaves its cell on the next move unless the snake is growing.
            body = snake.body if snake.growing > 0 else snake.body[:-1]
            for cell in body:
                solid[cell] = snake.id
        return cls(world.tick, world.width, world.height, me, others, dict(world.digits),
                   frozenset(world.stones), tick_ms, solid)

    # -- the grid ---------------------------------------------------------------------------

    def inside(self, cell: XY) -> bool:
        """True if ``cell`` is on the grid."""
        return 0 <= cell[0] < self.width and 0 <= cell[1] < self.height

    def blocked(self, cell: XY) -> bool:
        """True if a head moving to ``cell`` on the next tick dies there for sure: off the
        grid, a stone, or a body cell that will still be there (tails that move on are not
        blocked)."""
        return not self.inside(cell) or cell in self.stones or cell in self._solid

    def owner(self, cell: XY) -> int | None:
        """The id of the snake whose body is on ``cell`` after the next move, if any."""
        return self._solid.get(cell)

    def neighbours(self, cell: XY) -> Iterator[tuple[Dir, XY]]:
        """``(direction, cell)`` for the four cells next to ``cell`` (some may be off-grid)."""
        for direction in DIRECTIONS:
            yield direction, step(cell, direction)

    def grid(self) -> list[str]:
        """The board as text, one string per row: ``.`` empty, ``#`` stone, ``1``-``9``
        digits, ``@`` your head, ``o`` your body, ``A``-``Z`` other heads (by id) and ``x``
        their bodies."""
        rows = [["."] * self.width for _ in range(self.height)]
        for (x, y) in self.stones:
            rows[y][x] = "#"
        for (x, y), value in self.digits.items():
            rows[y][x] = str(value)
        for snake in self.others:
            for (x, y) in snake.body[1:]:
                rows[y][x] = "x"
            hx, hy = snake.head
            rows[hy][hx] = chr(ord("A") + snake.id % 26)
        for (x, y) in self.me.body[1:]:
            rows[y][x] = "o"
        hx, hy = self.me.head
        rows[hy][hx] = "@"
        return ["".join(row) for row in rows]

    # -- moves ------------------------------------------------------------------------------

    def moves(self) -> list[Dir]:
        """The three directions the snake can take (all but straight back into its neck)."""
        back = OPPOSITE[self.me.dir]
        return [d for d in DIRECTIONS if d != back]

    def safe_moves(self) -> list[Dir]:
        """The moves that do not die for sure on the next tick (a head-on with another head
        is still possible: see :meth:`contested`)."""
        head = self.me.head
        return [d for d in self.moves() if not self.blocked(step(head, d))]

    def contested(self, cell: XY) -> list[SnakeView]:
        """Other snakes whose head could reach ``cell`` on the next tick."""
        found = []
        for snake in self.others:
            hx, hy = snake.head
            if abs(hx - cell[0]) + abs(hy - cell[1]) == 1 and step(snake.head, OPPOSITE[snake.dir]) != cell:
                found.append(snake)
        return found

    def room(self, start: XY, limit: int | None = None) -> int:
        """How many free cells can be reached from ``start`` (itself included, if free),
        counting up to ``limit``: a flood fill over cells that are not :meth:`blocked`.
        A move into a pocket smaller than your body is usually a slow death."""
        if self.blocked(start):
            return 0
        cap = limit if limit is not None else self.width * self.height
        seen = {start}
        queue = deque([start])
        while queue and len(seen) < cap:
            cell = queue.popleft()
            for _, nxt in self.neighbours(cell):
                if nxt not in seen and not self.blocked(nxt):
                    seen.add(nxt)
                    queue.append(nxt)
        return min(len(seen), cap)

    def distances(self, start: XY, limit: int | None = None) -> dict[XY, int]:
        """Shortest path lengths from ``start`` to every reachable free cell (breadth-first
        over cells that are not :meth:`blocked`; ``start`` itself is at 0)."""
        dist = {start: 0}
        queue = deque([start])
        while queue:
            cell = queue.popleft()
            d = dist[cell] + 1
            if limit is not None and d > limit:
                continue
            for _, nxt in self.neighbours(cell):
                if nxt not in dist and not self.blocked(nxt):
                    dist[nxt] = d
                    queue.append(nxt)
        return dist


def nearest(cells: Iterable[XY], origin: XY) -> XY | None:
    """The cell closest to ``origin`` by Manhattan distance (None if there are none)."""
    return min(cells, key=lambda c: (abs(c[0] - origin[0]) + abs(c[1] - origin[1]), c), default=None)
