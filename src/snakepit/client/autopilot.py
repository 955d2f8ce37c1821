"""Simple steering policies over a :class:`WorldView`: for load generators, tests and robots.

They decide from exactly what a remote client sees, and return a direction name for a
``turn`` message.
"""

from __future__ import annotations

from .view import WorldView

STEPS = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}
OPPOSITE = {"up": "down", "down": "up", "left": "right", "right": "left"}


def safe_directions(view: WorldView, snake_id: int) -> list[str]:
    """Directions that do not die on the very next tick (ignoring other heads)."""
    snake = view.snakes[snake_id]
    hx, hy = snake.head
    blocked = {cell for s in view.snakes.values() for cell in s.body[:-1]} | view.stones
    safe = []
    for name, (dx, dy) in STEPS.items():
        cell = (hx + dx, hy + dy)
        if name == OPPOSITE[snake.dir]:
            continue
        if 0 <= cell[0] < view.width and 0 <= cell[1] < view.height and cell not in blocked:
            safe.append(name)
    return safe


def toward_digit(view: WorldView, snake_id: int) -> str | None:
    """A safe direction that brings the head closer to the nearest digit, if any."""
    snake = view.snakes[snake_id]
    hx, hy = snake.head
    safe = safe_directions(view, snake_id)
    if not view.digits or not safe:
        return safe[0] if safe else None
    tx, ty = min(view.digits, key=lambda c: abs(c[0] - hx) + abs(c[1] - hy))

    def distance(name: str) -> int:
        dx, dy = STEPS[name]
        return abs(tx - hx - dx) + abs(ty - hy - dy)

    return min(safe, key=distance)


def toward_wall(view: WorldView, snake_id: int) -> str:
    """The direction of the nearest wall that the snake may turn to."""
    snake = view.snakes[snake_id]
    x, y = snake.head
    gaps = {"left": x, "right": view.width - 1 - x, "up": y, "down": view.height - 1 - y}
    allowed = [d for d in gaps if d != OPPOSITE[snake.dir]]
    return min(allowed, key=lambda d: gaps[d])
