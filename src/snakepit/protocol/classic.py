"""The 2016 protocol (docs/classic.md), word for word: what its clients send, as modern
messages, and the commands they are sent, as JSON lists.

Nothing here knows sessions or sockets: :func:`decode_classic` turns one text message of a
classic client into the modern message it means (or None for a key that steers nothing),
and the command builders below make the lists that :func:`encode_commands` writes.
"""

from __future__ import annotations

import html
import math
from typing import Any

import msgspec

from .codec import TOO_DEEP, ProtocolError
from .messages import PROTOCOL_VERSION, ClientMessage, Dir, Hello, Join, Ping, Turn

#: Arrow key codes and the directions they steer.
KEY_CODES: dict[int, Dir] = {37: "left", 38: "up", 39: "right", 40: "down"}
#: The ``PLAYER_ID`` of a handshake that names no snake (snake ids start at 1).
NO_SNAKE = 0
#: Classic colours of snakes: 1-6; 0 is for stones, digits and anything neutral.
CLASSIC_COLORS = 6
NEUTRAL = 0

Command = list[Any]
#: One cell of the classic world: its character and its colour.
Cell = tuple[str, int]
EMPTY: Cell = (" ", NEUTRAL)
STONE = "#"
HEAD, BODY, TAIL = "%", "@", "*"

_HINT = "the classic protocol at /connect speaks JSON lists (docs/classic.md); " \
        "modern clients connect to /ws"


def decode_classic(data: str | bytes) -> ClientMessage | None:
    """The modern message a classic client's text message means, or None for a key code
    that is not an arrow (the 2016 page sends every key pressed). Raises
    :class:`ProtocolError` (``bad-json`` or ``bad-message``) for anything else."""
    try:
        value = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise ProtocolError("bad-json", f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError("bad-json", TOO_DEEP) from None
    if isinstance(value, int) and not isinstance(value, bool):
        direction = KEY_CODES.get(value)
        return Turn(dir=direction) if direction is not None else None
    if not isinstance(value, list) or not value or not isinstance(value[0], str):
        raise ProtocolError("bad-message", f"expected a key code or a command list; {_HINT}")
    command, args = value[0], value[1:]
    if command == "new_player" and len(args) in (1, 2) and isinstance(args[0], str):
        return Hello(protocol=PROTOCOL_VERSION, name=args[0])
    if command == "join" and not args:
        return Join()
    if command == "ping" and len(args) in (1, 2) and _is_time(args[0]):
        return Ping(t=float(args[0]))
    raise ProtocolError("bad-message", f"not a command of the classic protocol: "
                                       f"{_shorten(value)} (expected [\"new_player\", NAME], "
                                       f"[\"join\"], [\"ping\", T, LATENCY] or a key code)")


def encode_commands(commands: list[Command]) -> bytes:
    """One classic message: the JSON list of ``commands``."""
    return msgspec.json.encode(commands)


def classic_color(color: int) -> int:
    """A classic colour (1-6) for a snake of our palette colour (0-15)."""
    return color % CLASSIC_COLORS + 1


def classic_name(name: str) -> str:
    """A name as classic clients get it: HTML-escaped, because the 2016 page inserts the
    names of the players list and the top scores into the page as HTML."""
    return html.escape(name)


def handshake(name: str, player_id: int) -> Command:
    return ["handshake", classic_name(name), player_id]


def world(grid: list[list[Cell]]) -> Command:
    """The whole world: rows top to bottom, each a list of ``[CHAR, COLOR]`` cells."""
    return ["world", grid]


def reset_world() -> Command:
    return ["reset_world"]


def render(x: int, y: int, cell: Cell) -> Command:
    return ["render", x, y, cell[0], cell[1]]


def p_joined(snake_id: int, name: str, color: int, score: int) -> Command:
    return ["p_joined", snake_id, classic_name(name), classic_color(color), score]


def p_gameover(snake_id: int) -> Command:
    return ["p_gameover", snake_id]


def p_score(snake_id: int, score: int) -> Command:
    return ["p_score", snake_id, score]


def top_scores(entries: list[tuple[str, int]]) -> Command:
    """The top list, best first; our lists keep no colours, so every entry is neutral."""
    return ["top_scores", [[classic_name(name), score, NEUTRAL] for name, score in entries]]


def pong(t: float) -> Command:
    """The answer to a ping, carrying its ``T`` back (whole numbers stay whole)."""
    return ["pong", int(t) if t.is_integer() else t]


def error(text: str) -> Command:
    return ["error", text]


def _is_time(value: object) -> bool:
    """A number a ping may carry: finite and at most 1e15 (an int of any size is compared
    as it is, never turned into a float first)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) <= 10**15 and (isinstance(value, int) or math.isfinite(value))


def _shorten(value: object, limit: int = 60) -> str:
    text = msgspec.json.encode(value).decode()
    return text if len(text) <= limit else text[:limit] + "..."
