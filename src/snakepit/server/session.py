"""What a client's messages mean: hello, join, turn and ping, checked against its phase.

A :class:`Session` is the protocol side of one connection. It decodes each text message,
answers refused ones with an ``error`` message, and counts refusals in a row: after
``max_strikes`` of them it asks for the connection to be closed with 1008. It also holds
the connection's message allowance (a token bucket): a client that sends faster than
that for long is asked to be closed with 1008 too. From its hello to its end, its game
holds a seat at its address (guards.AddressCounter), which may end that address's oldest
resume-pending game. An arena that cannot be opened (:class:`ArenaError`: ``bad-arena``,
``arena-limit``, ``no-arena``) is answered with an ``error`` on whatever path asked for it
(hello, watch, join, a join again after dying); it never escapes the session.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from ..engine import DIRECTION_NAMED
from ..protocol import (
    PROTOCOL_VERSION,
    InvalidName,
    ProtocolError,
    decode_client,
    normalise_name,
)
from ..protocol.messages import (
    ClientMessage,
    Error,
    Hello,
    Join,
    Ping,
    Pong,
    ServerWarning,
    Spawned,
    Turn,
    Watch,
    Welcome,
)
from .allowance import Allowance
from .arenas import ArenaError, Arenas
from .client import Client
from .guards import AddressCounter
from .lifecycle import ACCEPTS, Phase
from .resume import REPLACED, Resumes
from .world_runner import WorldRunner

log = logging.getLogger("snakepit.session")


class Closable(Protocol):
    def close(self, code: int, reason: str = "") -> None: ...


class Session:
    """Turns one client's messages into intents for its world."""

    def __init__(self, client: Client, arenas: Arenas, *, max_strikes: int,
                 top_scores: Callable[[], bytes], max_message_bytes: int = 4096,
                 message_rate: float = 50.0, message_burst: int = 100,
                 clock: Callable[[], float] = time.monotonic,
                 on_refuse: Callable[[str], None] = lambda code: None,
                 resumes: Resumes | None = None, allowance: Allowance | None = None,
                 seats: AddressCounter | None = None) -> None:
        self.client = client
        #: Where this session's game holds its seat, from its hello (None: nowhere).
        self.seats = seats
        #: Where sessions wait to be resumed (None: this connection cannot be resumed).
        self.resumes = resumes
        #: This session's resume token, from its hello on.
        self.token: str | None = None
        #: Set once another connection took this session over: this one must not touch it.
        self.handed_over = False
        #: This session's connection (anything with ``close(code, text)``), set by the
        #: connection's handler: how another connection that takes the session over closes it.
        self.socket: Closable | None = None
        self.max_message_bytes = max_message_bytes
        self.arenas = arenas
        #: The arena this client is in (watching or playing), once it said hello.
        self.runner: WorldRunner | None = None
        self.max_strikes = max_strikes
        self.strikes = 0
        #: Set when the connection must be closed: (close code, reason, text for the client).
        self.close_with: tuple[int, str, str] | None = None
        self._on_refuse = on_refuse
        self._top_scores = top_scores
        #: ``message_burst`` messages at once, ``message_rate`` a second for ever (shared
        #: with the connection's socket, which spends it on frames that are not messages).
        #: A client that sends faster is closed with 1008.
        self.allowance = allowance or Allowance(message_rate, message_burst, clock)

    def admit(self) -> bool:
        """Count one message against the client's allowance; False (and the connection
        marked for closing with 1008) once it sends faster than the allowance."""
        if self.allowance.take():
            return True
        if self.close_with is None:
            log.info("flood client=%d peer=%s", self.client.id, self.client.peer)
            self._on_refuse("flood")
            self.close_with = (1008, "flood", f"too many messages (at most "
                                              f"{self.allowance.rate:g} a second)")
        return False

    def on_text(self, data: str) -> None:
        """Handle one text message from the client."""
        if not self.admit():
            return
        if len(data) > self.max_message_bytes:  # characters; a quick bound before encoding
            self.refuse("too-big", f"messages are at most {self.max_message_bytes} bytes")
            return
        if len(data.encode()) > self.max_message_bytes:
            self.refuse("too-big", f"messages are at most {self.max_message_bytes} bytes")
            return
        try:
            message = decode_client(data)
        except ProtocolError as exc:
            self.refuse(exc.code, exc.message)
            return
        except Exception as exc:  # the decoder's own failure: still the sender's message
            log.warning("undecodable client=%d error=%s", self.client.id, type(exc).__name__)
            self.refuse("bad-message", "the message could not be read")
            return
        self._dispatch(message)

    def handle(self, message: ClientMessage) -> None:
        """Handle one message already decoded from another dialect (the classic protocol,
        server/classic.py) exactly as :meth:`on_text` handles a decoded one: it counts
        against the allowance, then goes through the same checks and actions."""
        if not self.admit():
            return
        self._dispatch(message)

    def on_binary(self, data: bytes = b"") -> None:
        if not self.admit():
            return
        self.refuse("binary", "binary messages are not part of the protocol; send JSON text")

    def refuse(self, code: str, message: str) -> None:
        """Answer with an error; close with 1008 after too many refusals in a row."""
        self.strikes += 1
        self._on_refuse(code)
        log.info("refused client=%d code=%s", self.client.id, code)
        self.client.send(Error(code=code, message=message))
        if self.strikes >= self.max_strikes:
            self.close_with = (1008, "strikes", f"too many invalid messages ({code})")

    def _dispatch(self, message: ClientMessage) -> None:
        client = self.client
        kind = type(message).__name__.lower()
        if kind not in ACCEPTS[client.phase]:
            if isinstance(message, Turn):  # a key pressed just after dying: harmless
                return
            self.refuse("out-of-place", _out_of_place(kind, client.phase))
            return
        self.strikes = 0
        try:
            if isinstance(message, Hello):
                self._hello(message)
            elif isinstance(message, Join):
                self._join()
            elif isinstance(message, Watch):
                self._enter_named_or_any(message.arena)
            elif isinstance(message, Turn) and self.runner is not None:
                self._turn(message, self.runner)
            elif isinstance(message, Ping):
                client.send(Pong(t=message.t))
        except ArenaError as exc:  # every path that may open an arena ends here at worst
            self.refuse(exc.code, exc.message)

    def _turn(self, turn: Turn, runner: WorldRunner) -> None:
        """Steer; a turn that names the tick it answers is checked against the clock of the
        world: late ones are ignored with a warning (one per tick), future ones refused."""
        now = runner.world.tick
        if turn.tick is not None and turn.tick > now:
            self.refuse("bad-tick", f"tick {turn.tick} has not happened yet (now {now})")
            return
        if runner.steer(self.client, DIRECTION_NAMED[turn.dir], answers=turn.tick):
            return
        if self.client.warned_tick != now:
            self.client.warned_tick = now
            self.client.send(ServerWarning(
                code="late", tick=turn.tick,
                message=f"your answer to tick {turn.tick} arrived after tick {now} was "
                        f"simulated; it was ignored (answer within {1000 * runner.period:g} ms)",
            ))

    def leave(self) -> None:
        """The connection is gone: leave the arena (a snake in play leaves the world)."""
        if self.handed_over:
            return
        if self.runner is not None:
            self.runner.detach(self.client)
            self.runner = None

    def end(self, resumable: bool) -> None:
        """The connection ended. If it may come back (it dropped, it was not cut or closed
        on purpose), keep the session for a resume (its seat with it); otherwise leave now
        and give the seat up."""
        if self.handed_over:
            return
        if self.resumes is not None:
            if resumable and self.token is not None and self.client.dropped is None:
                self.resumes.suspend(self)
                return
            self.resumes.forget(self)
        self.leave()
        if self.seats is not None:
            self.seats.stand(self.client)

    def _sit(self) -> None:
        """This session's game is played from its connection's address: it holds a seat
        there (which may evict the address's oldest ghost)."""
        if self.seats is not None:
            self.seats.sit(self.client, self.client.peer)

    def _resume(self, token: str) -> bool:
        """Take over the session ``token`` names: its client (and snake) continue on this
        connection, with a fresh welcome and snapshot. False if there is no such session."""
        if self.resumes is None:
            return False
        old = self.resumes.claim(token)
        if old is None:
            return False
        if old.client.socket is not None and old.socket is not None:  # still open: replace it
            old.socket.close(REPLACED, "replaced by a newer connection")
        old.handed_over = True
        client, runner = old.client, old.runner
        missed = client.rebind(self.client.socket)
        client.peer = self.client.peer  # the game is played from here now
        self.client, self.token, self.runner = client, token, None
        self.resumes.adopt(token, self)
        self._sit()  # its seat moves here: no game counts twice
        log.info("resume client=%d name=%r arena=%s", client.id, client.name,
                 runner.name if runner is not None else "-")
        if runner is not None:
            self.runner = runner
            self._welcome(runner)
            runner.snapshot_to(client)
        self.client.send_frame(self._top_scores())
        alive = client.snake_id is not None
        if alive and not any(isinstance(m, Spawned) for m in missed):
            client.send(Spawned(snake=client.snake_id))
        for message in missed:
            client.send(message)
        return True

    def _hello(self, hello: Hello) -> None:
        client = self.client
        if hello.protocol != PROTOCOL_VERSION:
            self.refuse("bad-protocol",
                        f"this server speaks protocol {PROTOCOL_VERSION}, not {hello.protocol}")
            return
        try:
            name = normalise_name(hello.name)
        except InvalidName as exc:
            self.refuse("bad-name", str(exc))
            return
        if hello.resume is not None:
            if self._resume(hello.resume):
                return
            client.send(ServerWarning(
                code="resume-failed",
                message="that game could not be resumed (it ended, or it is unknown): "
                        "starting afresh"))
        client.name = name
        if self.resumes is not None and self.token is None:
            self.token = self.resumes.issue(self)
        if self._enter_named_or_any(hello.arena):
            client.advance("hello")
            self._sit()
            client.send_frame(self._top_scores())
            log.info("hello client=%d name=%r arena=%s", client.id, name, self.runner_name)

    @property
    def runner_name(self) -> str:
        return self.runner.name if self.runner is not None else "-"

    def _join(self) -> None:
        """Play in this arena; from a full public arena, move to one with room first."""
        runner = self.runner
        assert runner is not None  # the phase table admits join only after hello
        if not runner.has_room and runner.public:
            try:
                moved = self.arenas.matchmake()
            except ArenaError as exc:
                self.refuse(exc.code, exc.message)
                return
            self._enter(moved)
            runner = self.runner
            assert runner is not None
        error = runner.join(self.client)
        if error is not None:
            self.client.send(error)
        else:
            log.info("join client=%d name=%r arena=%s", self.client.id, self.client.name,
                     runner.name)

    def _enter_named_or_any(self, arena: str | None) -> bool:
        """Enter the named arena (opening it if needed) or the liveliest public one."""
        try:
            runner = (self.arenas.named(arena, self.client.peer) if arena is not None
                      else self.arenas.matchmake())
        except ArenaError as exc:
            self.refuse(exc.code, exc.message)
            return False
        self._enter(runner)
        return True

    def _enter(self, runner: WorldRunner) -> None:
        """Leave the current arena (if any) and watch ``runner``: welcome, then snapshot."""
        if runner is self.runner:
            return
        self.leave()
        self._welcome(runner)
        self.runner = runner
        runner.attach(self.client)

    def _welcome(self, runner: WorldRunner) -> None:
        world = runner.world
        self.client.send(Welcome(
            protocol=PROTOCOL_VERSION,
            name=self.client.name,
            arena=runner.name,
            width=world.config.width,
            height=world.config.height,
            tick_rate=runner.tick_rate,
            tick_ms=1000.0 * runner.period,
            token=self.token,
            max_players=runner.max_players,
            replay=runner.recorder.id if runner.recorder is not None else None,
        ))


def _out_of_place(kind: str, phase: Phase) -> str:
    if phase is Phase.GREETING:
        return f"say hello first (got {kind})"
    if kind == "hello":
        return "you already said hello"
    if kind == "join":
        return "you are already in the game"
    return f"{kind} is not allowed while {phase.value}"
