"""The rules of Snakepit as pure, deterministic code: no I/O, no clock, no asyncio, no JSON.

The public surface is here; see :mod:`snakepit.engine.world` for the order of a tick's stages.
"""

from .config import WorldConfig
from .geometry import DIRECTION_NAMED, DIRECTIONS, Cell, Direction
from .model import Cause, Death, Intent, Join, Leave, Move, Snake, Spawn, TickReport, Turn
from .world import PALETTE_SIZE, World

__all__ = [
    "DIRECTION_NAMED",
    "DIRECTIONS",
    "PALETTE_SIZE",
    "Cause",
    "Cell",
    "Death",
    "Direction",
    "Intent",
    "Join",
    "Leave",
    "Move",
    "Snake",
    "Spawn",
    "TickReport",
    "Turn",
    "World",
    "WorldConfig",
]
