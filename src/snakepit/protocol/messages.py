"""Every message of the Snakepit protocol (version 1), as typed msgspec structs.

Messages are JSON objects whose ``"type"`` field names them. Cells are ``[x, y]`` pairs,
``x`` to the right and ``y`` downwards from the top-left corner. docs/protocol.md shows an
example of each; a test decodes every one of them with the decoders below.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

PROTOCOL_VERSION = 1

Dir = Literal["up", "down", "left", "right"]
Cause = Literal["wall", "stone", "self", "snake", "head-on", "left"]
XY = tuple[int, int]
XYV = tuple[int, int, int]


class _Message(msgspec.Struct, tag_field="type", forbid_unknown_fields=True, omit_defaults=True):
    pass


# -- client -> server ------------------------------------------------------------------


ArenaName = Annotated[str, msgspec.Meta(max_length=64)]


class Hello(_Message, tag="hello"):
    """First message on a connection: protocol version, the player's name, and optionally
    the arena to enter (by name; opened if it does not exist). Without one, the server picks
    the liveliest public arena with room."""

    protocol: int
    #: Any length up to 256 reaches the name rules (and gets their ``bad-name`` answer).
    name: Annotated[str, msgspec.Meta(max_length=256)]
    arena: ArenaName | None = None
    #: The token of an earlier connection's ``welcome``: take that session (and its
    #: snake) over, if it has not ended.
    resume: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class Watch(_Message, tag="watch"):
    """Move to another arena (by name, or the liveliest public one) to watch it; only while
    not playing."""

    arena: ArenaName | None = None


class Join(_Message, tag="join"):
    """Ask for a snake in the world (again after death)."""


class Turn(_Message, tag="turn"):
    """Steer your snake. Up to 3 turns within one tick are queued.

    ``tick``, if given, is the frame this turn answers: it is meant for the next tick. If
    that tick has already been simulated when the turn arrives, the turn is ignored (the
    snake keeps going) and the client gets a ``warning`` with code ``late``."""

    dir: Dir
    tick: Annotated[int, msgspec.Meta(ge=0, le=2**53)] | None = None


class Ping(_Message, tag="ping"):
    """Ask for a pong carrying ``t`` back (the client's clock, any finite number)."""

    t: Annotated[float, msgspec.Meta(ge=-1e15, le=1e15)]


ClientMessage = Hello | Join | Turn | Ping | Watch


# -- server -> client ------------------------------------------------------------------


class SnakeInfo(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A snake in full: who it is and every cell of it, head first."""

    id: int
    name: str
    color: int
    dir: Dir
    body: list[XY]
    score: int = 0
    #: True for the server's own computer-driven snakes (never in the top scores).
    bot: bool = False
    #: Cells still to grow: the tail stays put on each of the next ``growing`` moves.
    growing: int = 0


class Welcome(_Message, tag="welcome"):
    """You are in ``arena`` (after hello, watch, or a join that moved you): your normalised
    name and the world's shape and pace. A snapshot of that arena follows."""

    protocol: int
    name: str
    arena: str
    width: int
    height: int
    tick_rate: float
    #: Milliseconds between ticks (1000 / tick_rate): the deadline for answering a frame.
    tick_ms: float
    max_players: int
    #: Say this in ``hello`` (``resume``) on a new connection to get this session back.
    token: str | None = None
    #: The id of this arena's recording (``/replay?id=...``), when it is being recorded.
    replay: str | None = None


class Snapshot(_Message, tag="snapshot"):
    """The whole world at ``tick``. Frames that follow apply on top of it."""

    tick: int
    width: int
    height: int
    snakes: list[SnakeInfo]
    digits: list[XYV]
    stones: list[XY]
    #: Clients watching this arena without playing.
    watchers: int = 0


class Frame(_Message, tag="frame"):
    """What changed in one tick. Apply deaths, then moves, then spawns, then the cells (no
    cell is both added and removed within one kind, so their order does not matter).

    ``moves``: ``[id, x, y, grew]`` per surviving snake: its new head; ``grew`` is 1 when the
    tail stayed. ``deaths``: ``[id, cause, killer_id or null]``. ``at``: server time (Unix
    milliseconds) when the tick was computed.
    """

    tick: int
    at: int
    moves: list[tuple[int, int, int, int]] = []
    deaths: list[tuple[int, Cause, int | None]] = []
    spawns: list[SnakeInfo] = []
    digits: list[XYV] = []
    eaten: list[XY] = []
    stones: list[XY] = []
    crumbled: list[XY] = []
    #: ``[id, score]`` for snakes whose score changed.
    scores: list[tuple[int, int]] = []
    #: The number of watchers, when it changed.
    watchers: int | None = None


class Spawned(_Message, tag="spawned"):
    """Your snake is in the world: ``snake`` is its id in frames."""

    snake: int


class Died(_Message, tag="died"):
    """Your snake died: the record of its game."""

    cause: Cause
    killer: str | None
    score: int
    length: int
    kills: int
    ticks: int


class Saved(_Message, tag="saved"):
    """Your last game (the one ``died`` described) is committed to the top scores: it will
    be there after any crash or restart."""

    score: int


class ScoreEntry(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: str
    score: int
    length: int
    kills: int
    cause: str
    at: str


class TopScores(_Message, tag="top"):
    """Best game per name, all time and today (UTC). Sent on connect and on every change."""

    all_time: list[ScoreEntry]
    today: list[ScoreEntry]


class Pong(_Message, tag="pong"):
    t: float


class ServerWarning(_Message, tag="warning"):
    """Something you sent was accepted but had no effect, and why. ``code`` is stable:
    ``late`` means a turn answered ``tick`` after the next tick had been simulated."""

    code: str
    message: str
    tick: int | None = None


class Error(_Message, tag="error"):
    """Something you sent was refused. ``code`` is stable; ``message`` is for people."""

    code: str
    message: str


ServerMessage = (Welcome | Snapshot | Frame | Spawned | Died | Saved | TopScores | Pong
                 | ServerWarning | Error)
