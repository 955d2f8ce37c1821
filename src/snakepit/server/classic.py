"""Classic connections: the 2016 page and its robots (``/connect``) in our arenas.

A classic connection is an ordinary :class:`Client` with an ordinary :class:`Session`;
only the words differ. What it sends is turned into the modern messages it means
(:func:`snakepit.protocol.classic.decode_classic`) and handled by the same session code as
a modern client's (:meth:`Session.handle`): same names, phases, strikes and allowance.
What the server sends it (welcome, snapshot, frames, top lists, errors...) is turned into
classic commands by :class:`ClassicClient`, which keeps its own :class:`WorldView` to know
which cells each tick changed. That costs a diff per classic client per tick (the tick's
frame is decoded once for all of them), where modern clients share one encoded frame: fine
for the few classic clients there are.
docs/classic.md is the protocol as this module speaks it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import msgspec

from ..client.view import XY, WorldView
from ..protocol import ProtocolError, decode_server
from ..protocol import classic as words
from ..protocol.classic import EMPTY, Cell, Command
from ..protocol.messages import (
    Error,
    Frame,
    Pong,
    ServerMessage,
    Snapshot,
    Spawned,
    TopScores,
    Welcome,
)
from .client import Client
from .session import Session
from ..websocket.frames import payloads, text_frame

log = logging.getLogger("snakepit.classic")


class ClassicClient(Client):
    """A client that is written classic commands instead of modern messages.

    ``send`` and ``send_frame`` take what every client is given and never raise: a message
    that cannot be translated (a bug) cuts this connection (1011), never the tick that is
    writing to everyone. Messages with no classic counterpart (``died``, ``saved``,
    ``warning``) are dropped; a tick that changed nothing this client sees writes nothing.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.view = WorldView()
        #: The cells the client was last told about (empty ones left out).
        self.cells: dict[XY, Cell] = {}
        #: The snakes' cells among them.
        self.snake_cells: dict[XY, Cell] = {}
        self._has_world = False

    def send(self, message: msgspec.Struct) -> bool:
        if self.dropped is not None:
            return False
        try:
            commands = self.translate(message)
        except Exception:
            log.exception("classic translation failed client=%d message=%s", self.id,
                          type(message).__name__)
            self.cut("classic-bug", code=1011, message="internal error")
            return False
        if not commands:
            return self.dropped is None
        return super().send_frame(text_frame(words.encode_commands(commands)))

    def send_frame(self, frame: bytes) -> bool:
        """Translate and write already framed messages (one, or several back to back)."""
        try:
            messages = _decoded(frame)
        except Exception:
            log.exception("classic decode failed client=%d", self.id)
            self.cut("classic-bug", code=1011, message="internal error")
            return False
        for message in messages:
            if not self.send(message):
                return False
        return True

    def _fan_out_writer(self) -> Callable[[bytes], object]:
        """The arena's frames are modern messages: a classic client translates them."""
        return self.send_frame

    def translate(self, message: msgspec.Struct) -> list[Command]:
        """The classic commands for one modern server message (updating the view)."""
        if isinstance(message, Frame):
            return self._frame(message)
        if isinstance(message, Snapshot):
            return self._snapshot(message)
        if isinstance(message, Welcome):
            return self._welcome(message)
        if isinstance(message, Spawned):
            # The page knows its own snake by the handshake's id: tell it the new one.
            return [words.handshake(self.name, message.snake)]
        if isinstance(message, TopScores):
            return [words.top_scores([(e.name, e.score) for e in message.all_time])]
        if isinstance(message, Error):
            return [words.error(message.message)]
        if isinstance(message, Pong):
            return [words.pong(message.t)]
        return []

    def _welcome(self, welcome: Welcome) -> list[Command]:
        """The first welcome is the handshake; a later one is a move to another arena,
        where the old snake id means nothing: the handshake names no snake again."""
        return [words.handshake(welcome.name, words.NO_SNAKE)]

    def _snapshot(self, snapshot: Snapshot) -> list[Command]:
        """The whole world and its players; after the first, the old players go first
        (p_gameover each) and the world is reset."""
        commands: list[Command] = []
        if self._has_world:
            commands += [words.p_gameover(sid) for sid in sorted(self.view.snakes)]
            commands.append(words.reset_world())
        self._has_world = True
        self.view.apply_snapshot(snapshot)
        self.snake_cells = paint_snakes(self.view)
        self.cells = {xy: board_cell(self.view, xy) for xy in (*self.view.stones,
                                                                 *self.view.digits)}
        self.cells.update(self.snake_cells)
        commands.append(words.world(grid(self.cells, self.view.width, self.view.height)))
        commands += [words.p_joined(s.id, s.name, s.color, s.score)
                     for s in sorted(self.view.snakes.values(), key=lambda s: s.id)]
        return commands

    def _frame(self, frame: Frame) -> list[Command]:
        """The cells that changed, then who died, who joined and whose score changed.

        Only cells that may have changed are looked at: those of the snakes before and
        after the tick, and those the frame names (digits and stones that came or went)."""
        view, cells, before = self.view, self.cells, self.snake_cells
        view.apply_frame(frame)
        after = self.snake_cells = paint_snakes(view)
        maybe = before.keys() | after.keys()
        maybe.update((x, y) for x, y, _value in frame.digits)
        maybe.update((x, y) for x, y in (*frame.eaten, *frame.stones, *frame.crumbled))
        changed: list[tuple[int, int, Cell]] = []
        for xy in maybe:
            cell = after.get(xy) or board_cell(view, xy)
            if cells.get(xy, EMPTY) != cell:
                changed.append((xy[1], xy[0], cell))
                if cell == EMPTY:
                    del cells[xy]
                else:
                    cells[xy] = cell
        changed.sort()
        commands = [words.render(x, y, cell) for y, x, cell in changed]
        commands += [words.p_gameover(sid) for sid, _cause, _killer in frame.deaths]
        commands += [words.p_joined(s.id, s.name, s.color, s.score) for s in frame.spawns]
        commands += [words.p_score(sid, score) for sid, score in frame.scores
                     if sid in view.snakes]
        return commands


def paint_snakes(view: WorldView) -> dict[XY, Cell]:
    """The cells of the snakes: tails and bodies, then every head on top."""
    cells: dict[XY, Cell] = {}
    for snake in view.snakes.values():
        color = words.classic_color(snake.color)
        body = (words.BODY, color)
        for xy in snake.body[1:-1]:
            cells[xy] = body
        if len(snake.body) > 1:
            cells[snake.body[-1]] = (words.TAIL, color)
    for snake in view.snakes.values():
        cells[snake.head] = (words.HEAD, words.classic_color(snake.color))
    return cells


_DIGITS: dict[int, Cell] = {d: (str(d), words.NEUTRAL) for d in range(1, 10)}
_STONE: Cell = (words.STONE, words.NEUTRAL)


def board_cell(view: WorldView, xy: XY) -> Cell:
    """What a cell holds apart from snakes: a stone, a digit, or nothing."""
    if xy in view.stones:
        return _STONE
    digit = view.digits.get(xy)
    return EMPTY if digit is None else _DIGITS.get(digit, (str(digit), words.NEUTRAL))


def grid(cells: dict[XY, Cell], width: int, height: int) -> list[list[Cell]]:
    """The world as rows, top to bottom."""
    return [[cells.get((x, y), EMPTY) for x in range(width)] for y in range(height)]


class ClassicInput:
    """Reads a classic connection's text messages into its session.

    Every message counts against the session's allowance once; valid ones go through
    :meth:`Session.handle`, bad ones are refused (an ``error`` and a strike), and key codes
    that are not arrows are ignored."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def on_text(self, data: str) -> None:
        session = self.session
        limit = session.max_message_bytes
        try:
            if len(data) > limit or len(data.encode()) > limit:
                raise ProtocolError("too-big", f"messages are at most {limit} bytes")
            message = words.decode_classic(data)
        except ProtocolError as exc:
            if session.admit():
                session.refuse(exc.code, exc.message)
            return
        except Exception as exc:  # the decoder's own failure: still the sender's message
            log.warning("undecodable client=%d error=%s", session.client.id,
                        type(exc).__name__)
            if session.admit():
                session.refuse("bad-message", "the message could not be read")
            return
        if message is None:
            session.admit()
            return
        session.handle(message)


#: The last framed bytes decoded, with their messages: a tick's frame is one bytes object
#: written to every client of the arena, so classic clients decode it once between them.
_last: tuple[bytes, list[ServerMessage]] | None = None


def _decoded(frames: bytes) -> list[ServerMessage]:
    """The messages in server text frames (built by :func:`text_frame`, back to back)."""
    global _last
    if _last is not None and _last[0] is frames:
        return _last[1]
    messages = [decode_server(payload) for payload in payloads(frames)]
    _last = (frames, messages)
    return messages
