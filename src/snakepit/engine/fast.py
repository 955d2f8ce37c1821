"""FastWorld: the same game as :class:`~snakepit.engine.world.World`, stepped in C.

:class:`World` is the reference, written to be read and checked; replays are verified
against it. ``FastWorld`` plays the same rules with a compact layout of its own (the C
extension ``_fastworld``): for the same config, seed and intents it returns equal
``TickReport``\\ s, has an equal :meth:`fingerprint` and gives equal replay digests, tick
for tick (``tests/engine/test_fast_world.py`` holds it to that). The server steps its
arenas with it when the extension is built (``AVAILABLE``), which ``pip install`` does
wherever a C compiler is at hand.

The state lives in C; the attributes the engine's users read (``snakes``, ``digits``,
``stones``, ``rng``, ...) are built on each read as fresh copies: read them freely,
but changing them changes nothing. ``snake(sid)`` builds only one snake.

Its integers are C's: a config with a field of 2**31 or more, which no playable world
has, is refused when the world is made (OverflowError), never played differently.
"""

from __future__ import annotations

import dataclasses
import random
from collections import deque
from collections.abc import Container, Iterable
from typing import TYPE_CHECKING

from .config import WorldConfig
from .geometry import DIRECTIONS, Cell
from .model import Cause, Death, Join, Leave, Move, Snake, Spawn, TickReport, Turn
from .world import World

try:
    from . import _fastworld
except ImportError:  # not built (no C compiler at install time): the Python engine serves
    _fastworld = None

AVAILABLE = _fastworld is not None

if _fastworld is not None:
    _fastworld._bind(TickReport, Move, Death, Spawn, Turn, Leave, DIRECTIONS,
                     (Cause.WALL, Cause.STONE, Cause.SELF, Cause.SNAKE, Cause.HEAD_ON,
                      Cause.LEFT),
                     *(tuple(f.name for f in dataclasses.fields(cls))
                       for cls in (TickReport, Death, Spawn)))
    _Base = _fastworld.CWorld
else:
    _Base = object


def engine_class(engine: str = "auto") -> type[World] | type[FastWorld]:
    """The world class an engine setting names: ``"python"`` is :class:`World`, ``"c"`` is
    :class:`FastWorld` (ValueError if the extension was not built), ``"auto"`` is
    FastWorld where it was built and World elsewhere."""
    if engine == "python" or (engine == "auto" and not AVAILABLE):
        return World
    if engine in ("c", "auto"):
        if not AVAILABLE:
            raise ValueError("the C engine was not built when Snakepit was installed (no C "
                             "compiler?); use the python engine")
        return FastWorld
    raise ValueError(f"no engine called {engine!r}: auto, c or python")


def _snake(state: tuple) -> Snake:
    sid, name, color, body, direction, born, grow, score, kills, eaten, turns = state
    return Snake(sid, name, color, deque(body), direction, born, grow, score, kills, eaten,
                 deque(turns))


class FastWorld(_Base):  # type: ignore[misc, valid-type]  (_Base: the C type, or object)
    """A world whose :meth:`step` runs in C; otherwise read it as a :class:`World`.

    Where the extension was not built the class still exists (``isinstance`` checks work)
    but making one raises RuntimeError; the server then runs :class:`World`."""

    __slots__ = ("config", "seed")

    def __init__(self, config: WorldConfig | None = None, seed: int = 0) -> None:
        if _fastworld is None:
            raise RuntimeError("the C engine is not built; use World")
        cfg = config or WorldConfig()
        self.config = cfg
        self.seed = seed
        state = random.Random(seed).getstate()[1]
        super().__init__(cfg.width, cfg.height, cfg.start_length, cfg.turn_queue,
                         cfg.digits_base, cfg.digits_per_snake, cfg.kill_points,
                         cfg.corpse_step, cfg.corpse_max_digit, cfg.corpse_ttl,
                         cfg.stone_interval, cfg.max_stones, cfg.stone_ttl,
                         cfg.spawn_head_distance, cfg.stone_head_distance, cfg.spawn_margin,
                         state)

    if TYPE_CHECKING:  # what the C type provides (defining them here would hide it)
        tick: int
        _next_id: int
        snake_count: int

        def step(self, intents: Iterable[Join | Turn | Leave] = ()) -> TickReport: ...
        def wire_moves(self) -> list[tuple[int, int, int, int]]: ...
        def wire_frame(self, report: TickReport, at: int, watchers: int | None,
                       bots: Container[int]) -> bytes: ...
        def tick_digest(self) -> str: ...
        def full_digest(self) -> tuple[str, str]: ...

    # -- views, built on each read --------------------------------------------------------

    @property
    def snakes(self) -> dict[int, Snake]:
        """Every live snake by id, in id order (copies)."""
        return {state[0]: _snake(state) for state in self.snakes_state()}

    def snake(self, sid: int) -> Snake | None:
        """The live snake ``sid`` (a copy), or None."""
        state = self.snake_state(sid)
        return None if state is None else _snake(state)

    @property
    def digits(self) -> dict[Cell, int]:
        return dict(self.digits_items())

    @property
    def stones(self) -> dict[Cell, int]:
        """Cell -> the tick the stone there crumbles."""
        return dict(self.stones_items())

    @property
    def _digit_expiry(self) -> dict[Cell, int]:
        return dict(self.expiry_items())

    @property
    def occupancy(self) -> dict[Cell, int]:
        """Every live snake's body cells, mapped to the owner's id."""
        return {cell: state[0] for state in self.snakes_state() for cell in state[3]}

    @property
    def rng(self) -> random.Random:
        """A generator in the state this world's is in (drawing from it changes nothing here)."""
        rng = random.Random()
        rng.setstate((3, self.rng_state(), None))
        return rng

    fingerprint = World.fingerprint
