"""The robot interface: a class with one method that picks a direction for each tick.

    from snakepit.robots import Robot, View

    class Cautious(Robot):
        def decide(self, view: View):
            safe = view.safe_moves()
            return view.me.dir if view.me.dir in safe else (safe[0] if safe else None)

``decide`` is called once per frame with a fresh :class:`~snakepit.robots.view.View` and
returns ``"up"``, ``"down"``, ``"left"``, ``"right"`` or ``None`` (keep going). The same
class runs unchanged in the simulator (``snakepit simulate``), on a server over a socket
(``snakepit robot``), and as a built-in bot.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod

from .view import Dir, View


class Robot(ABC):
    """Subclass this and implement :meth:`decide` (a subclass without it cannot be made)."""

    #: The name the robot plays under when none is given on the command line.
    name: str = "robot"

    def __init__(self) -> None:
        #: Use this for any randomness: the simulator seeds it, so games replay exactly.
        self.rng = random.Random()

    @abstractmethod
    def decide(self, view: View) -> Dir | None:
        """The direction to take on the next tick, or None to keep going."""

    def reset(self) -> None:
        """Called when the robot's snake (re)enters the world: forget the last life."""
