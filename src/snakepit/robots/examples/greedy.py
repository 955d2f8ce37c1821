"""Greedy: heads for the nearest digit, as the crow flies, without ever crashing when it
has a choice. It does not look further than one move, so it happily follows a digit into
a dead end: a good first thing to improve.
"""

from __future__ import annotations

from snakepit.robots import Dir, Robot, View, nearest, step
from snakepit.robots.brains import last_resort


class Greedy(Robot):
    """The safe move that brings the head closest to the nearest digit."""

    name = "greedy"

    def decide(self, view: View) -> Dir | None:
        safe = view.safe_moves()
        if not safe:
            return last_resort(view)  # every move crashes: hope for a head-on we win
        head = view.me.head
        # view.digits maps each digit's cell (x, y) to its value 1-9.
        target = nearest(view.digits, head)
        if target is None:
            # No digit anywhere: keep going if we can, else turn at random.
            return view.me.dir if view.me.dir in safe else self.rng.choice(safe)

        def distance_after(move: Dir) -> int:
            # Steps from where this move puts the head to the digit, ignoring obstacles.
            x, y = step(head, move)
            return abs(x - target[0]) + abs(y - target[1])

        return min(safe, key=distance_after)
