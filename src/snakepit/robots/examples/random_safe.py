"""RandomSafe: the smallest robot worth running. It never drives into a wall, a stone or a
body when it has a choice, and otherwise wanders at random.

Copy this file to start your own robot: a robot is a class with a ``decide`` method that
gets a fresh view of the world every tick and answers "up", "down", "left", "right", or
None to keep going.
"""

from __future__ import annotations

from snakepit.robots import Dir, Robot, View
from snakepit.robots.brains import last_resort


class RandomSafe(Robot):
    """A random move among the safe ones."""

    #: The name the snake plays under unless you give another.
    name = "random safe"

    def decide(self, view: View) -> Dir | None:
        # The moves (never straight back) that do not hit a wall, a stone or a body on the
        # next tick. A tail that moves on is not in the way: following a tail is safe.
        safe = view.safe_moves()
        if not safe:
            # Every move crashes. The one hope left is a head-on with a snake coming
            # straight at us (the longer snake lives): last_resort finds that move, if any.
            return last_resort(view)
        # Take randomness from self.rng only: the simulator seeds it, so a game replays
        # exactly the same way every time.
        return self.rng.choice(safe)
