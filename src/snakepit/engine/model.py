"""The engine's values: snakes, the intents that drive a world, and what a tick reports.

Intents are what players (humans and bots alike) ask for; the world decides. A tick's
:class:`TickReport` is everything that changed, in canonical order, so that a renderer or
a wire encoder never needs to diff whole boards.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from .geometry import Cell, Direction


class Cause(Enum):
    """Why a snake died. The value is the wire name."""

    WALL = "wall"
    STONE = "stone"
    SELF = "self"
    SNAKE = "snake"
    HEAD_ON = "head-on"
    LEFT = "left"


@dataclass(slots=True)
class Snake:
    """A live snake. ``body[0]`` is the head; ``body[-1]`` is the tail."""

    id: int
    name: str
    color: int
    body: deque[Cell]
    direction: Direction
    born_tick: int
    #: Cells still to grow: while positive, the tail stays put for one tick per cell.
    grow: int = 0
    score: int = 0
    kills: int = 0
    #: Sum of the digits this snake has eaten (length == start length + eaten, once grown).
    eaten: int = 0
    turns: deque[Direction] = field(default_factory=deque)

    @property
    def head(self) -> Cell:
        return self.body[0]

    @property
    def length(self) -> int:
        return len(self.body)


# -- intents ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Join:
    """Ask for a new snake named ``name``. ``ref`` is the caller's handle, echoed back."""

    ref: int
    name: str


@dataclass(frozen=True, slots=True)
class Turn:
    """Ask snake ``snake_id`` to head ``direction`` (queued; one turn is applied per tick)."""

    snake_id: int
    direction: Direction


@dataclass(frozen=True, slots=True)
class Leave:
    """Remove snake ``snake_id`` now (its player went away); its body turns into digits."""

    snake_id: int


Intent = Join | Turn | Leave


# -- what a tick reports ---------------------------------------------------------------


class Move(NamedTuple):
    """A surviving snake's new head; ``grew`` means its tail stayed where it was. (A named
    tuple: a tick makes one for every snake, and a tuple is the cheapest value to make.)"""

    snake_id: int
    head: Cell
    grew: bool


@dataclass(frozen=True, slots=True)
class Death:
    """A snake that died this tick, and the record of its game."""

    snake_id: int
    name: str
    cause: Cause
    killer_id: int | None
    killer_name: str | None
    score: int
    length: int
    kills: int
    ticks_alive: int


@dataclass(frozen=True, slots=True)
class Spawn:
    """A snake that entered the world this tick, in reply to the :class:`Join` with ``ref``."""

    ref: int
    snake_id: int


@dataclass(slots=True)
class TickReport:
    """Everything one tick changed. Lists are in canonical (id or cell) order."""

    tick: int
    moves: list[Move] = field(default_factory=list)
    deaths: list[Death] = field(default_factory=list)
    spawns: list[Spawn] = field(default_factory=list)
    #: Joins that found no room: their refs.
    rejected: list[int] = field(default_factory=list)
    digits_added: list[tuple[Cell, int]] = field(default_factory=list)
    digits_removed: list[Cell] = field(default_factory=list)
    stones_added: list[Cell] = field(default_factory=list)
    stones_removed: list[Cell] = field(default_factory=list)
    #: Snakes whose score changed, with the new score.
    scores: list[tuple[int, int]] = field(default_factory=list)
