"""Server bots: computer-driven snakes that keep a quiet arena lively.

An arena with fewer human players than ``fill`` adds bots up to that many snakes, and bots
leave (their snakes turn into digits, like anyone who leaves) as humans arrive. Humans are
the clients in the arena that have joined a game there at least once, alive or between games.
Bots play only while someone is in the arena to see them.

A bot is a :class:`BotClient`: a client without a socket. It decides from the same picture
of the world every remote client has (a :class:`~snakepit.client.WorldView` kept from the
very frames the arena sends, one per arena, shared by its bots) through the same
:class:`~snakepit.robots.Robot` interface robots use, and it joins and steers through the
runner's ``join`` and ``steer``, the path every human's messages take. Bots never enter the
top scores and are marked ``bot`` in every snake description.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec

from ..client.view import WorldView
from ..engine import Direction
from ..protocol import frames as wire
from ..protocol.messages import Died, Error, Frame
from ..robots.brains import make_bot
from ..robots.view import View
from .client import Client
from .lifecycle import Phase

if TYPE_CHECKING:
    from .world_runner import WorldRunner

log = logging.getLogger("snakepit.bots")

#: Ticks a bot waits after dying before it joins again (about what a person takes).
REJOIN_TICKS = 20

NAMES = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Margaret", "Ken",
         "Dennis", "Frances", "John", "Radia", "Tony", "Leslie", "Niklaus", "Karen")

#: Bots' client ids are negative, so they never meet a connection's id.
_ids = itertools.count(-1, -1)


class BotClient(Client):
    """A bot's side of an arena: a client whose messages are read in-process, not sent."""

    is_bot = True

    def __init__(self, name: str, level: str, seed: int) -> None:
        super().__init__(next(_ids), None, "bot")
        self.name = name
        self.level = level
        self.phase = Phase.WATCHING
        self.brain = make_bot(level, seed=seed)
        #: Ticks to wait before joining again.
        self.rest = 0
        self.errors = 0

    def send_frame(self, frame: bytes) -> bool:
        return True  # the arena's frames reach bots through ArenaBots' shared view

    def send(self, message: msgspec.Struct) -> bool:
        if isinstance(message, Died | Error):  # dead, or no room for a snake: wait a little
            self.rest = REJOIN_TICKS
        return True


class ArenaBots:
    """The bots of one arena: how many it needs, and their thinking after each tick."""

    def __init__(self, runner: WorldRunner, *, fill: int, level: str, seed: int = 0) -> None:
        self.runner = runner
        self.fill = fill
        self.level = level
        self.bots: list[BotClient] = []
        self.view = WorldView()
        #: The view is kept only while there are bots to read it; without any it falls
        #: behind, and is made again from a snapshot before the next bot comes.
        self.stale = False
        self._seeds = itertools.count(seed)
        self._names = itertools.cycle(NAMES)
        self.resync()

    def resync(self) -> None:
        """Start the shared view again from a snapshot of the world."""
        runner = self.runner
        self.view.apply_snapshot(wire.snapshot(runner.world, 0, runner.bot_snakes))
        self.stale = False

    @property
    def humans(self) -> int:
        """Clients here that play (or played) in this arena."""
        return sum(1 for c in self.runner.clients.values() if c.played)

    @property
    def wanted(self) -> int:
        """How many bots the arena needs now."""
        runner = self.runner
        if not runner.clients or runner.closed:
            return len(self.bots)  # nobody to see a change: keep things as they are
        humans = self.humans
        return max(0, min(self.fill, runner.max_players) - humans)

    def after_tick(self, frame: Callable[[], Frame]) -> None:
        """Take in the frame the arena just sent (``frame()`` makes it: only called while
        there are bots, so an arena of people alone never builds it), then add or remove
        bots and let each live one answer the frame (its turn is for the next tick, like
        anyone's)."""
        if not self.bots:
            self.stale = True
        elif self.stale:
            self.resync()
        else:
            sent = frame()
            try:
                self.view.apply_frame(sent)
            except (KeyError, ValueError):
                log.warning("bots' view out of step at tick=%d; resynchronising", sent.tick)
                self.resync()
        if not self.runner.clients:
            return
        self.balance()
        self.think()

    def evict(self) -> bool:
        """Take one bot out to make room for a human now; False if there is none."""
        if not self.bots:
            return False
        self._remove(self._least_useful())
        return True

    def balance(self) -> None:
        wanted = self.wanted
        while len(self.bots) > wanted:
            self._remove(self._least_useful())
        if len(self.bots) < wanted and self.stale:
            self.resync()
        while len(self.bots) < wanted:
            bot = BotClient(f"bot {next(self._names)}", self.level, next(self._seeds))
            self.bots.append(bot)
        for bot in self.bots:
            if bot.phase is Phase.WATCHING:
                if bot.rest > 0:
                    bot.rest -= 1
                elif self.runner.player_count < self.runner.max_players:
                    self.runner.join(bot)

    def think(self) -> None:
        view, runner = self.view, self.runner
        tick_ms = 1000.0 * runner.period
        for bot in self.bots:
            sid = bot.snake_id
            if bot.phase is not Phase.PLAYING or sid is None or sid not in view.snakes:
                continue
            try:
                choice = bot.brain.decide(View.of(view, sid, tick_ms))
            except Exception:  # noqa: BLE001 -- a bot's bug must not stop the arena
                bot.errors += 1
                if bot.errors == 1:
                    log.exception("bot failed name=%r level=%s", bot.name, bot.level)
                continue
            if choice is not None and choice != view.snakes[sid].dir:
                runner.steer(bot, Direction(choice), answers=view.tick)

    def _least_useful(self) -> BotClient:
        """The bot to let go first: one not playing, else the one with the lowest score."""
        def score(bot: BotClient) -> tuple[int, int]:
            snake = self.view.snakes.get(bot.snake_id) if bot.snake_id is not None else None
            return (1 if snake is not None else 0, snake.score if snake is not None else 0)
        return min(self.bots, key=score)

    def _remove(self, bot: BotClient) -> None:
        self.bots.remove(bot)
        self.runner.detach(bot)
