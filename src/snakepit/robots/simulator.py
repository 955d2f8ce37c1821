"""The local simulator: robots and built-in bots play one game in-process, with no server,
no sockets and no clock, on the same engine the server runs.

The rules of a simulated game:

* Every entrant joins at the first tick, in the order given (the command line puts the
  robots first, then the bots). A join the engine finds no room for is reported as the
  cause ``no room``; that entrant plays no part.
* Each entrant has one life: a snake that dies stays dead (no respawn).
* The game ends after ``ticks`` ticks, or as soon as no snake is left.
* The winner has the highest score; a tie goes to the one that survived more ticks, then
  to the one given first.
* Each tick, every live entrant decides from exactly the view a remote client has: one
  :class:`~snakepit.client.view.WorldView` fed the engine's snapshot and then every tick's
  frame, turned into a :class:`~snakepit.robots.view.View` for its snake. Its answer steers
  the snake on the next tick, as a turn sent over the socket would.
* A ``decide`` that raises (or returns something other than a direction or None) is
  counted as an error, the first one is kept for the report, and the snake keeps going:
  that tick's turn is simply not made. A ``reset`` that raises is counted the same way.
* Randomness is fixed by the seed: the world is ``World(config, seed)``; the entrant at
  index ``i`` gets ``robot.rng`` seeded with ``f"{seed}/{i}"`` before the game and
  ``reset()`` when its snake spawns; the module-level :mod:`random` is seeded with the game
  seed for the game's duration (and restored afterwards) for robots that use it. So the
  same seed and the same robots play the same game, every time.

Nothing here prints: boards go to the ``on_frame`` callback, and everything else comes back
in a :class:`GameResult`. :func:`play_many` plays one game per seed and tallies them.
"""

from __future__ import annotations

import random
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..client.view import WorldView
from ..engine import Direction, Join, TickReport, Turn, World, WorldConfig
from ..protocol import frames
from . import ascii
from .robot import Robot
from .view import View

#: The legend under a board wraps at this width, or at the board's if that is wider.
LEGEND_WIDTH = 80


@dataclass(slots=True)
class Entrant:
    """A player of a simulated game: a robot, the name it plays under and, for a built-in
    bot, its level (None for a robot under test)."""

    name: str
    robot: Robot
    level: str | None = None

    @property
    def is_bot(self) -> bool:
        return self.level is not None

    @property
    def kind(self) -> str:
        """``robot``, or ``bot`` and its level, such as ``bot medium``."""
        return "robot" if self.level is None else f"bot {self.level}"


@dataclass(slots=True)
class Row:
    """How one entrant's game went. ``cause`` is the engine's cause of death (``wall``,
    ``stone``, ``self``, ``snake``, ``head-on``), ``alive`` if it lasted to the end, or
    ``no room`` if it never got a snake; ``killer`` names the snake it ran into, if any, and
    ``killer_letter`` is that snake's letter.
    ``score``, ``length``, ``kills`` and ``ticks`` are the engine's own figures (its
    :class:`~snakepit.engine.Death` record, or the live snake's state at the end).
    ``decide_ms`` is filled only when the game is timed."""

    index: int
    letter: str
    name: str
    kind: str
    snake_id: int | None = None
    score: int = 0
    length: int = 0
    kills: int = 0
    cause: str = "alive"
    killer: str | None = None
    killer_letter: str | None = None
    ticks: int = 0
    decisions: int = 0
    errors: int = 0
    first_error: str | None = None
    decide_ms: list[float] = field(default_factory=list, repr=False)


@dataclass(slots=True)
class GameResult:
    """One simulated game: ``rows`` in the order entrants were given, ``ticks`` played,
    and the final board (the text :func:`simulate` gives ``on_frame``)."""

    seed: int
    ticks: int
    rows: list[Row]
    board: str

    @property
    def standings(self) -> list[Row]:
        """The rows best first: score, then ticks survived, then order given."""
        return sorted(self.rows, key=lambda r: (-r.score, -r.ticks, r.index))

    @property
    def winner(self) -> Row:
        return self.standings[0]


def simulate(
    entrants: Sequence[Entrant],
    seed: int,
    ticks: int,
    config: WorldConfig | None = None,
    *,
    every: int = 0,
    on_frame: Callable[[str], None] | None = None,
    tick_ms: float = 100.0,
    timing: bool = False,
    observe: Callable[[TickReport, World, WorldView], None] | None = None,
) -> GameResult:
    """Play one game (see the module's rules) and return how it went.

    ``on_frame`` gets the text of the board every ``every`` ticks and once at the end (never
    twice for the same tick); with ``every=0``, only at the end. The text is a header line
    (``tick 120/500, 3 of 4 alive``), the board as clients see it (:func:`ascii.board`) and
    a legend line (``A Greedy: 12 pts  B bot-1 (medium): out (wall)``).
    ``tick_ms`` is the budget robots are told; with ``timing`` each ``decide`` is timed.
    ``observe``, for tests and tools, is called after every tick with the engine's report,
    the world and the clients' view of it, before anyone decides; it must change nothing.
    """
    if not 1 <= len(entrants) <= len(ascii.LETTERS):
        raise ValueError(f"a game takes 1 to {len(ascii.LETTERS)} entrants, not {len(entrants)}")
    if ticks < 1:
        raise ValueError("a game lasts at least one tick")
    saved = random.getstate()
    random.seed(seed)
    try:
        game = _Game(entrants, seed, config or WorldConfig(), tick_ms, timing)
        return game.play(ticks, every, on_frame, observe)
    finally:
        random.setstate(saved)


class _Game:
    def __init__(self, entrants: Sequence[Entrant], seed: int, config: WorldConfig,
                 tick_ms: float, timing: bool) -> None:
        self.entrants = entrants
        self.seed = seed
        self.tick_ms = tick_ms
        self.timing = timing
        self.world = World(config, seed)
        self.view = WorldView()
        self.rows = [Row(i, ascii.letter(i), e.name, e.kind) for i, e in enumerate(entrants)]
        self.index_of: dict[int, int] = {}  # snake id -> entrant index
        self.bot_ids: set[int] = set()
        for i, entrant in enumerate(entrants):
            _seed_rng(entrant.robot, f"{seed}/{i}")

    def play(self, ticks: int, every: int, on_frame: Callable[[str], None] | None,
             observe: Callable[[TickReport, World, WorldView], None] | None) -> GameResult:
        self.view.apply_snapshot(frames.snapshot(self.world))
        intents: list[Join | Turn] = [Join(i, e.name) for i, e in enumerate(self.entrants)]
        while True:
            report = self.world.step(intents)
            for spawn in report.spawns:
                self._spawned(spawn.ref, spawn.snake_id)
            for ref in report.rejected:
                self.rows[ref].cause = "no room"
            for death in report.deaths:
                row = self.rows[self.index_of[death.snake_id]]
                row.score, row.length, row.kills = death.score, death.length, death.kills
                row.cause, row.killer = death.cause.value, death.killer_name
                if death.killer_id in self.index_of:
                    row.killer_letter = self.rows[self.index_of[death.killer_id]].letter
                row.ticks = death.ticks_alive
            self.view.apply_frame(frames.frame(report, self.world, 0, bots=self.bot_ids))
            if observe is not None:
                observe(report, self.world, self.view)
            over = self.world.tick >= ticks or not self.world.snakes
            if on_frame is not None and (over or (every and self.world.tick % every == 0)):
                on_frame(self.frame_text(ticks))
            if over:
                break
            intents = self._decisions()
        for sid, snake in self.world.snakes.items():
            row = self.rows[self.index_of[sid]]
            row.score, row.length, row.kills = snake.score, snake.length, snake.kills
            row.ticks = self.world.tick - snake.born_tick
        return GameResult(self.seed, self.world.tick, self.rows, self.frame_text(ticks))

    def _spawned(self, index: int, snake_id: int) -> None:
        self.index_of[snake_id] = index
        self.rows[index].snake_id = snake_id
        if self.entrants[index].is_bot:
            self.bot_ids.add(snake_id)
        try:
            self.entrants[index].robot.reset()
        except Exception as exc:  # noqa: BLE001 - as for decide
            _failed(self.rows[index], exc)

    def _decisions(self) -> list[Join | Turn]:
        turns: list[Join | Turn] = []
        for sid in sorted(self.view.snakes, key=self.index_of.__getitem__):
            row = self.rows[self.index_of[sid]]
            robot = self.entrants[row.index].robot
            view = View.of(self.view, sid, self.tick_ms)
            started = time.perf_counter() if self.timing else 0.0
            try:
                answer = robot.decide(view)
                direction = None if answer is None else _direction(answer)
            except Exception as exc:  # noqa: BLE001 - a robot's bug must not end the game
                _failed(row, exc)
                direction = None
            if self.timing:
                row.decide_ms.append((time.perf_counter() - started) * 1000)
            row.decisions += 1
            if direction is not None:
                turns.append(Turn(sid, direction))
        return turns

    def frame_text(self, ticks: int) -> str:
        """The header, the board as clients see it, and the legend."""
        alive = len(self.view.snakes)
        header = f"tick {self.view.tick}/{ticks}, {alive} of {len(self.rows)} alive"
        letters = {sid: self.rows[i].letter for sid, i in self.index_of.items()}
        return "\n".join([header, *ascii.board(self.view, letters), self._legend()])

    def _legend(self) -> str:
        parts = []
        for row in self.rows:
            snake = self.view.snakes.get(row.snake_id) if row.snake_id is not None else None
            state = f"{snake.score} pts" if snake is not None else f"out ({row.cause})"
            parts.append(f"{row.letter} {row.name}: {state}")
        width = max(self.view.width + 2, LEGEND_WIDTH)
        lines = [parts[0]]
        for part in parts[1:]:
            if len(lines[-1]) + 2 + len(part) > width:
                lines.append(part)
            else:
                lines[-1] += "  " + part
        return "\n".join(lines)


def _failed(row: Row, exc: Exception) -> None:
    row.errors += 1
    row.first_error = row.first_error or _describe(exc)


class InvalidDecision(ValueError):
    """``decide`` returned something that is neither a direction nor None."""


def _direction(answer: object) -> Direction:
    try:
        return Direction(answer)
    except ValueError:
        message = f"decide() returned {answer!r}, not up/down/left/right/None"
        raise InvalidDecision(message) from None


def _describe(exc: Exception) -> str:
    """``Type: message (file.py:line)`` for the line that raised."""
    text = f"{type(exc).__name__}: {exc}"
    stack = traceback.extract_tb(exc.__traceback__)
    if stack and not isinstance(exc, InvalidDecision):
        last = stack[-1]
        text += f" ({Path(last.filename).name}:{last.lineno})"
    return text


def _seed_rng(robot: Robot, key: str) -> None:
    rng = getattr(robot, "rng", None)
    if isinstance(rng, random.Random):
        rng.seed(key)  # in place, in case the robot holds on to it elsewhere
    else:
        robot.rng = random.Random(key)


# -- line-ups -------------------------------------------------------------------------------


def robot_name(robot: Robot) -> str:
    """The name a robot plays under: its ``name``, or its class's name if it kept the
    default ``robot``."""
    name = str(getattr(robot, "name", "") or "")
    return name if name and name != Robot.name else type(robot).__name__


def make_lineup(robots: Sequence[Robot], bots: int = 0, level: str = "medium",
                seed: int = 0) -> list[Entrant]:
    """The robots (named by :func:`robot_name`, with ``#2``, ``#3``... on repeats), then
    ``bots`` built-in bots of ``level`` named ``bot-1 (medium)``, ``bot-2 (medium)``...,
    each bot seeded from ``seed`` and its place."""
    entrants: list[Entrant] = []
    seen: Counter[str] = Counter()
    for robot in robots:
        name = robot_name(robot)
        seen[name] += 1
        entrants.append(Entrant(name if seen[name] == 1 else f"{name} #{seen[name]}", robot))
    if bots:
        from .brains import make_bot

        for n in range(1, bots + 1):
            bot_seed = random.Random(f"{seed}/bot/{n}").getrandbits(32)
            entrants.append(Entrant(f"bot-{n} ({level})", make_bot(level, seed=bot_seed), level))
    return entrants


# -- many games ------------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """One entrant's record over many games."""

    name: str
    kind: str
    wins: int = 0
    scores: list[int] = field(default_factory=list)
    ticks: list[int] = field(default_factory=list)
    causes: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    decisions: int = 0
    decide_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def games(self) -> int:
        return len(self.scores)

    @property
    def win_rate(self) -> float:
        return self.wins / self.games if self.games else 0.0

    @property
    def mean_score(self) -> float:
        return sum(self.scores) / self.games if self.games else 0.0

    @property
    def mean_ticks(self) -> float:
        return sum(self.ticks) / self.games if self.games else 0.0


def play_many(
    lineup: Callable[[int], Sequence[Entrant]],
    seeds: Iterable[int],
    ticks: int,
    config: WorldConfig | None = None,
    *,
    tick_ms: float = 100.0,
    timing: bool = False,
) -> list[Tally]:
    """Play one game per seed with the entrants ``lineup(seed)`` makes (fresh ones each
    game, always in the same order) and tally each entrant's games, in that order. Every
    game has exactly one winner, so the wins add up to the number of games."""
    tallies: list[Tally] = []
    for seed in seeds:
        result = simulate(lineup(seed), seed, ticks, config, tick_ms=tick_ms, timing=timing)
        if not tallies:
            tallies = [Tally(row.name, row.kind) for row in result.rows]
        tallies[result.winner.index].wins += 1
        for tally, row in zip(tallies, result.rows, strict=True):
            tally.scores.append(row.score)
            tally.ticks.append(row.ticks)
            tally.causes[row.cause] += 1
            tally.errors += row.errors
            tally.decisions += row.decisions
            tally.decide_ms.extend(row.decide_ms)
    return tallies
