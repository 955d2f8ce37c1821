"""Computer-driven snakes: the robot interface, its view of the world, the built-in bots,
the example robots, the local simulator and the runner that plays a robot on a server."""

from .robot import Robot
from .view import DIRECTIONS, OPPOSITE, Dir, View, nearest, step

__all__ = ["DIRECTIONS", "OPPOSITE", "Dir", "Robot", "View", "nearest", "step"]
