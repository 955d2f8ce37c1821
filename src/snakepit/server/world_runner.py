"""The game loop of one world: a coroutine that drives the engine on a fixed timestep.

The loop schedules every tick by absolute deadline (``phase + n * period`` on the loop's
clock), so the time a tick takes never pushes the next one later, and it never sleeps a
whole period after doing work. When it falls more than a period behind it counts an
overrun, ticks at once and goes on from the next slot of its schedule instead of bursting
through the missed ones. With nobody connected it waits on an event and costs no CPU at
all; after ``idle_grace`` seconds of that, the loop ends (an empty arena closes).

A tick is synchronous from start to end: gather the intents received since the last tick,
step the engine, encode the frame once, tell the affected players (spawned / died), write
the same frame bytes to every client with one call each (news for everyone, such as new
top lists, rides in the same bytes). Nothing in it awaits or checks a client: a connection
that closes or falls behind is dealt with by its own events (connections.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ..engine import Death, Direction, Join, Leave, Turn, World
from ..protocol import encode
from ..protocol import frames as wire
from ..protocol.messages import Died, Error, Saved, Spawned
from .bots import ArenaBots
from .client import Client, unwired
from .lifecycle import Phase
from .metrics import Metrics
from .stats import TickStats
from .writers import DISCARD, Target, target_of
from ..websocket.frames import text_frame

if TYPE_CHECKING:
    from ..replay import Recorder

log = logging.getLogger("snakepit.world")


class WorldRunner:
    """Runs one world for the clients attached to it."""

    def __init__(
        self,
        world: World,
        *,
        tick_rate: float,
        max_players: int,
        name: str = "main",
        public: bool = True,
        serial: int = 0,
        phase: float = 0.0,
        idle_grace: float | None = None,
        on_close: Callable[[WorldRunner], None] = lambda runner: None,
        on_game_over: Callable[[Death, Callable[[], None] | None], None] = (
            lambda death, on_saved: None),
        stats: TickStats | None = None,
        bot_fill: int = 0,
        bot_level: str = "medium",
        metrics: Metrics | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        wall_clock_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
        recorder: Recorder | None = None,
    ) -> None:
        self.world = world
        #: Keeps every tick's intents and state digest (docs/replays.md), if recording.
        self.recorder = recorder
        self.name = name
        #: Public arenas take players from matchmaking; named ones only by their name.
        self.public = public
        #: Order of opening, for tie-breaks.
        self.serial = serial
        #: Offset of this world's ticks within the period, to spread arenas' fan-outs.
        self.phase = phase
        self.idle_grace = idle_grace
        self.closed = False
        self.period = 1.0 / tick_rate
        self.tick_rate = tick_rate
        self.max_players = max_players
        self.clients: dict[int, Client] = {}
        self.overruns = 0
        #: How late (seconds) the tick now running started after its deadline.
        self.lateness = 0.0
        self.stats = stats if stats is not None else TickStats(keep=1000)
        self._metrics = metrics
        self._on_game_over = on_game_over
        self._on_close = on_close
        self._watchers_sent = -1
        self._clock = clock
        self._sleep = sleep
        self._wall_clock_ms = wall_clock_ms
        self._intents: list[Join | Turn | Leave] = []
        self._joining: dict[int, Client] = {}
        #: Frames to send to every client right after the next tick's frame.
        self._outbox: list[bytes] = []
        #: This tick's messages for one client each (spawned, died), framed, by client id:
        #: written with the tick's frame, in one write.
        self._news: dict[int, bytes] = {}
        #: Turns each client sent since the last tick.
        self._turns: dict[int, int] = {}
        self._players: dict[int, Client] = {}
        #: What every attached client is written through, in one list (None: to be made
        #: again, as a client came, left or changed its ``write``; see ``_target``), and
        #: each client's place in it.
        self._writers: list[Target] | None = None
        self._slots: dict[int, int] = {}
        self._someone_here = asyncio.Event()
        #: Ids of the snakes bots drive (marked ``bot`` on the wire, kept off the top lists).
        self.bot_snakes: set[int] = set()
        self.bots = (ArenaBots(self, fill=bot_fill, level=bot_level, seed=world.seed)
                     if bot_fill > 0 else None)

    # -- what connections ask for ------------------------------------------------------------

    def attach(self, client: Client) -> None:
        """Start sending this world to ``client``: a snapshot now, then every tick's frame."""
        self.clients[client.id] = client
        client.on_rewire = self._rewire
        self._writers = None
        client.played = False
        client.send(wire.snapshot(self.world, self.watchers, self.bot_snakes))
        self._someone_here.set()

    def snapshot_to(self, client: Client) -> None:
        """Send an attached client the whole world again (it came back over a new
        connection): frames that follow apply on top of it."""
        client.send(wire.snapshot(self.world, self.watchers, self.bot_snakes))

    def detach(self, client: Client) -> None:
        """Forget ``client``; its snake (if any) leaves the world at the next tick."""
        if self.clients.pop(client.id, None) is not None:
            self._writers = None
            if client.on_rewire == self._rewire:
                client.on_rewire = unwired
        if self._joining.pop(client.id, None) is not None:
            self._intents = [i for i in self._intents
                             if not (isinstance(i, Join) and i.ref == client.id)]
        if client.snake_id is not None and self._players.pop(client.snake_id, None) is client:
            self._intents.append(Leave(client.snake_id))
            client.snake_id = None

    @property
    def player_count(self) -> int:
        """Snakes in play (bots' too, not those already leaving) plus joins waiting for the
        next tick."""
        return len(self._players) + len(self._joining)

    @property
    def humans(self) -> int:
        """Snakes of people alive plus people's joins waiting for the next tick."""
        if self.bots is None or not self.bots.bots:  # nobody here is a bot
            return len(self._players) + len(self._joining)
        return (sum(1 for c in self._players.values() if not c.is_bot)
                + sum(1 for c in self._joining.values() if not c.is_bot))

    @property
    def has_room(self) -> bool:
        """Room for one more person (a bot makes way for a person)."""
        return not self.closed and self.humans < self.max_players

    @property
    def watchers(self) -> int:
        """Attached clients that are neither playing nor about to (spectators; bots are
        never attached)."""
        return len(self.clients) - self.humans

    @property
    def best_score(self) -> int:
        """The highest score among the snakes alive now (0 if none)."""
        return max((s.score for s in self.world.snakes.values()), default=0)

    def join(self, client: Client) -> Error | None:
        """Queue a snake for ``client`` at the next tick, or say why not. A person who
        finds the world full of snakes takes a bot's place, if there is a bot."""
        if (self.player_count >= self.max_players and not client.is_bot
                and self.bots is not None):
            self.bots.evict()
        if self.player_count >= self.max_players:
            return Error(
                code="world-full",
                message=f"This world is full ({self.max_players} players). Try again shortly.",
            )
        client.advance("join")
        client.played = True
        self._joining[client.id] = client
        self._intents.append(Join(client.id, client.name))
        return None

    def steer(self, client: Client, direction: Direction, answers: int | None = None) -> bool:
        """Queue a turn for ``client``'s snake (ignored unless it is playing). Turns beyond
        what the snake can queue in one tick are dropped here, unseen by the engine.

        ``answers`` is the tick of the frame the turn answers, if the client said: a turn
        for a tick that has already been simulated is late and ignored (False)."""
        if answers is not None and answers < self.world.tick:
            return False
        if client.phase is Phase.PLAYING and client.snake_id is not None:
            sent = self._turns.get(client.id, 0)
            if sent < self.world.config.turn_queue:
                self._turns[client.id] = sent + 1
                self._intents.append(Turn(client.snake_id, direction))
        return True

    # -- the loop ------------------------------------------------------------------------------

    async def run(self) -> None:
        """Tick at ``tick_rate`` while anyone is attached; idle (no CPU) otherwise, and end
        (telling ``on_close``) once nobody has been here for ``idle_grace`` seconds."""
        deadline = self._last_slot()
        while True:
            if not self.clients and not self._intents:
                self._someone_here.clear()
                try:
                    await asyncio.wait_for(self._someone_here.wait(), self.idle_grace)
                except TimeoutError:
                    if not self.clients and not self._intents:
                        self.closed = True
                        self._on_close(self)
                        if self.recorder is not None:
                            self.recorder.close()
                        return
                deadline = self._last_slot()
            deadline += self.period
            delay = deadline - self._clock()
            if delay > 0:
                await self._sleep(delay)
            elif delay < -self.period:
                self.overruns += 1
                deadline = self._last_slot()
            self.lateness = self._clock() - deadline
            try:
                self.tick()
            except Exception:  # a bug must not freeze the world for everyone in it
                log.exception("tick failed tick=%d", self.world.tick)
                self._resync()

    def _last_slot(self) -> float:
        """The latest tick time at or before now: ``phase + n * period`` for some n."""
        now = self._clock()
        return now - (now - self.phase) % self.period

    def tick(self) -> None:
        """One whole tick: step, encode once, notify, fan out. Never awaits."""
        started = time.perf_counter()
        intents, self._intents = self._intents, []
        self._turns.clear()
        report = self.world.step(intents)
        if self.recorder is not None:
            self.recorder.record(report.tick, intents, self.world)

        for spawn in report.spawns:
            client = self._joining.pop(spawn.ref, None)
            if client is None:  # left while waiting: take the snake out again
                self._intents.append(Leave(spawn.snake_id))
                continue
            client.advance("spawned")
            client.snake_id = spawn.snake_id
            if client.is_bot:
                self.bot_snakes.add(spawn.snake_id)
            self._players[spawn.snake_id] = client
            self._tell(client, Spawned(snake=spawn.snake_id))
        for ref in report.rejected:
            client = self._joining.pop(ref, None)
            if client is not None:
                client.advance("refused")
                self._tell(client, Error(code="no-room",
                                         message="No room for a new snake right now."))
        for death in report.deaths:
            log.info("death snake=%d name=%r cause=%s killer=%r score=%d length=%d bot=%d",
                     death.snake_id, death.name, death.cause.value, death.killer_name,
                     death.score, death.length, death.snake_id in self.bot_snakes)
            client = self._players.pop(death.snake_id, None)
            if death.snake_id in self.bot_snakes:
                self.bot_snakes.discard(death.snake_id)
            else:
                self._on_game_over(death, self._acknowledge(client, death.score))
            if client is not None:
                client.advance("died")
                client.snake_id = None
                self._tell(client, wire.died(death))

        watchers = self.watchers
        changed = watchers if watchers != self._watchers_sent else None
        self._watchers_sent = watchers
        at = self._wall_clock_ms()
        frame = text_frame(wire.frame_json(report, self.world, at, changed, self.bot_snakes))
        if self._outbox:  # one write per client: news for everyone rides with the frame
            frame = b"".join((frame, *self._outbox))
            self._outbox.clear()
        self._fan_out(frame)
        if self.bots is not None:
            self.bots.after_tick(
                lambda: wire.frame(report, self.world, at, changed, self.bot_snakes))
        work = time.perf_counter() - started
        self.stats.record(work, self.lateness, len(frame), len(self.clients), self.serial)
        if self._metrics is not None:
            self._metrics.tick(work, self.lateness, len(frame), len(self.clients),
                               self.lateness > self.period / 4)

    def _rewire(self) -> None:
        """A client's ``write`` changed: make the list of writes again before the next
        fan-out."""
        self._writers = None

    def _fan_out(self, frame: bytes) -> None:
        """Write ``frame`` to every attached client, one call each; a client with news of
        its own gets its news and the frame in the same call. The loop walks a plain list
        of what the clients are written through, their transports themselves for plain
        clients (remade only when a client comes, goes or changes its ``write``), so a
        client costs the fan-out no more than the socket write itself."""
        writers = self._writers
        if writers is None:
            writers = self._writers = [target_of(client.write)
                                       for client in self.clients.values()]
            self._slots = {client_id: i for i, client_id in enumerate(self.clients)}
        news = self._news
        if not news:
            for target in writers:
                target.write(frame)
            return
        slots, told = self._slots, []
        try:
            for client_id, framed in news.items():
                i = slots.get(client_id)
                if i is None:  # it left since: the news is no longer anyone's
                    continue
                target = writers[i]
                target.write(framed + frame)
                writers[i] = DISCARD  # this client has had its frame
                told.append((i, target))
            for target in writers:
                target.write(frame)
        finally:  # even if a write raised: the list stays everyone's, the news is gone
            for i, target in told:
                writers[i] = target
            news.clear()

    def _tell(self, client: Client, message: Spawned | Error | Died | Saved) -> None:
        """A message for one client, sent just before the next frame and in the same write
        (a bot, a suspended client, or one no longer here is told at once as usual)."""
        if client.is_bot or client.suspended or client.id not in self.clients or self.closed:
            client.send(message)
            return
        framed = text_frame(encode(message))
        told = self._news.get(client.id)
        self._news[client.id] = framed if told is None else told + framed

    def _acknowledge(self, client: Client | None, score: int) -> Callable[[], None] | None:
        """What to do once a player's game is committed: tell the player (if still here),
        with the arena's next frame (one write, not one more)."""
        if client is None:
            return None
        return lambda: self._tell(client, Saved(score=score))

    def _resync(self) -> None:
        """After a failed tick, whose frame may never have gone out: a snapshot for all."""
        self.broadcast(text_frame(encode(wire.snapshot(self.world, self.watchers,
                                                       self.bot_snakes))))
        if self.bots is not None:
            self.bots.resync()

    def finish(self) -> None:
        """End the world's games now (the server is stopping): every snake leaves in one
        last tick, so its game is recorded, and the loop is over."""
        self.closed = True
        self._intents.extend(Leave(sid) for sid in sorted(self.world.snakes))
        if self._intents:
            self.tick()
        if self.recorder is not None:
            self.recorder.close()

    def post(self, frame: bytes) -> None:
        """Send an already framed message to every client with the next tick's frame, so
        that news for the whole process (the top lists) is spread over the arenas' tick
        slots instead of written to every socket of the process at once."""
        if self.clients:
            self._outbox.append(frame)

    def broadcast(self, frame: bytes) -> None:
        """Write an already framed message to every attached client."""
        for client in self.clients.values():
            client.write(frame)
