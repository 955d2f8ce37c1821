"""A world and its tick: the rules of Snakepit as a pure, deterministic state machine.

``World.step(intents)`` advances the world by one tick. It reads no clock, does no I/O and
draws randomness only from the generator the world owns, seeded at construction, so the
same seed and the same intents per tick replay the same game, tick for tick.

The stages of a tick, in order (docs/rules.md says the same in prose):

1. **Intents.** ``Leave``: the snake is removed at once (cause ``left``) and its body turns
   into digits. ``Turn``: queued on the snake (at most ``turn_queue``; a turn that repeats
   the current heading or reverses into the neck is ignored). ``Join``: kept for stage 8.
2. **Steer.** Every snake takes the next turn from its queue, one per tick.
3. **Move.** Every snake's head advances one cell, all at once. A snake that is growing keeps
   its tail (and grows by one cell); any other snake's tail leaves its cell.
4. **Eliminate.** Walls, stones, bodies, head-ons: see :mod:`snakepit.engine.collisions`.
   Killers are credited (``kill_points`` and a kill) before anyone's record is written.
5. **Commit.** Dead snakes leave the board and each dead body turns into digits (every
   ``corpse_step``-th cell, never under a surviving head; they fade after ``corpse_ttl`` ticks);
   survivors' heads take their new cells.
6. **Feed.** A surviving head on a digit eats it: score and growth grow by its value.
7. **Upkeep.** Corpse digits and stones whose time has come fade or crumble; a new stone
   may appear; digits are topped up to ``digits_base + digits_per_snake * live snakes``.
8. **Spawn.** Each ``Join`` gets a snake on free cells away from the border and other heads,
   facing open space (in the order the joins were given); a join that finds no room is
   reported as rejected.

Snakes are always visited in id order and cells are tracked in dictionaries keyed by cell,
so no outcome depends on who joined first or on the order of a dict.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Container, Iterable
from itertools import islice

from .collisions import eliminate
from .config import WorldConfig
from .dice import below, digit
from .geometry import Cell
from .model import Cause, Death, Join, Leave, Move, Snake, Spawn, TickReport, Turn
from .placement import far_from, find_cell, free_cell, place_snake

PALETTE_SIZE = 16

#: ``_new_move(Move, (sid, head, grew))`` is ``Move(sid, head, grew)`` without the named
#: tuple's ``__new__``, which is written in Python (the step makes a move per snake per
#: tick).
_new_move = tuple.__new__


class World:
    """The whole state of one game world. Read its attributes freely; change it only by
    :meth:`step`."""

    def __init__(self, config: WorldConfig | None = None, seed: int = 0) -> None:
        self.config = config or WorldConfig()
        self.seed = seed
        self.rng = random.Random(seed)
        self.tick = 0
        self.snakes: dict[int, Snake] = {}
        #: Every live snake's body cells, mapped to the owner's id.
        self.occupancy: dict[Cell, int] = {}
        self.digits: dict[Cell, int] = {}
        #: Cell -> the tick a stone there crumbles.
        self.stones: dict[Cell, int] = {}
        self._digit_expiry: dict[Cell, int] = {}
        self._expiring: dict[int, list[Cell]] = {}
        self._next_id = 1
        #: During a step: what each cell whose digit changed held when the step began.
        self._digits_were: dict[Cell, int | None] = {}

    # -- the tick --------------------------------------------------------------------------

    def step(self, intents: Iterable[Join | Turn | Leave] = ()) -> TickReport:
        """Advance one tick with the given intents; return what changed."""
        self.tick += 1
        report = TickReport(self.tick)
        scored: set[int] = set()
        joins: list[Join] = []
        self._digits_were = digits_were = {}

        for intent in intents:  # stage 1
            if isinstance(intent, Turn):
                self._queue_turn(intent)
            elif isinstance(intent, Leave):
                snake = self.snakes.get(intent.snake_id)
                if snake is not None:
                    self._kill(snake, Cause.LEFT, None, report)
            else:
                joins.append(intent)

        live = sorted(self.snakes.items())  # (id, snake) in id order
        old_heads: dict[int, Cell] = {}
        new_heads: dict[int, Cell] = {}
        lengths: dict[int, int] = {}
        kept_tail: set[int] = set()
        occupancy = self.occupancy
        for sid, snake in live:  # stages 2 and 3
            turns = snake.turns
            if turns:
                heading = snake.direction
                while turns:
                    turn = turns.popleft()
                    if turn is not heading and turn is not heading.opposite:
                        snake.direction = turn
                        break
            body = snake.body
            old_heads[sid] = head = body[0]
            dx, dy = snake.direction.delta
            new_heads[sid] = (head[0] + dx, head[1] + dy)
            if snake.grow > 0:
                snake.grow -= 1
                kept_tail.add(sid)
            else:
                del occupancy[body.pop()]
            lengths[sid] = len(body) + 1

        verdicts = eliminate(  # stage 4
            width=self.config.width,
            height=self.config.height,
            old_heads=old_heads,
            new_heads=new_heads,
            lengths=lengths,
            stones=self.stones,
            occupancy=self.occupancy,
        )
        for sid in sorted(verdicts):
            killer_id = verdicts[sid][1]
            killer = self.snakes.get(killer_id) if killer_id is not None else None
            if killer is not None:
                killer.kills += 1
                killer.score += self.config.kill_points
                scored.add(killer.id)
        if verdicts:
            # Killers may die this tick too: name them before anyone leaves the board. No
            # corpse digit goes where a survivor's head lands (the winner of a head swap).
            names = {sid: snake.name for sid, snake in self.snakes.items()}
            landing = {new_heads[sid] for sid, _ in live if sid not in verdicts}
            for sid in sorted(verdicts):  # stage 5
                cause, killer_id = verdicts[sid]
                length = lengths[sid] - (sid in kept_tail)  # the length it had, before moving
                self._kill(self.snakes[sid], cause, killer_id, report, length=length,
                           killer_name=names.get(killer_id), keep_clear=landing)
        digits, moves = self.digits, report.moves
        for sid, snake in live:
            if sid in verdicts:
                continue
            head = new_heads[sid]
            snake.body.appendleft(head)
            occupancy[head] = sid
            moves.append(_new_move(Move, (sid, head, sid in kept_tail)))
            value = digits.pop(head, None)  # stage 6
            if value is not None:
                digits_were.setdefault(head, value)
                self._digit_expiry.pop(head, None)
                snake.score += value
                snake.grow += value
                snake.eaten += value
                scored.add(sid)

        self._upkeep(report)  # stage 7
        for join in joins:  # stage 8
            self._spawn(join, report)
        report.deaths.sort(key=lambda death: death.snake_id)
        report.scores = [(s, self.snakes[s].score) for s in sorted(scored) if s in self.snakes]
        self._net_digits(report)
        return report

    # -- stages' helpers ---------------------------------------------------------------------

    def _net_digits(self, report: TickReport) -> None:
        """Report each changed digit cell's net change, in cell order, so that a cell emptied
        and filled again within the tick (or the reverse) comes out right in any order of
        applying. (Every change of a digit's cell noted what the cell held when the step
        began, in ``_digits_were``.)
        """
        were, digits = self._digits_were, self.digits
        touched = sorted(were)
        report.digits_added = [(c, digits[c]) for c in touched
                               if c in digits and were[c] != digits[c]]
        report.digits_removed = [c for c in touched if were[c] is not None and c not in digits]

    def _queue_turn(self, turn: Turn) -> None:
        snake = self.snakes.get(turn.snake_id)
        if snake is None:
            return
        last = snake.turns[-1] if snake.turns else snake.direction
        if turn.direction is last or turn.direction is last.opposite:
            return
        if len(snake.turns) < self.config.turn_queue:
            snake.turns.append(turn.direction)

    def _kill(self, snake: Snake, cause: Cause, killer_id: int | None, report: TickReport,
              length: int | None = None, killer_name: str | None = None,
              keep_clear: Container[Cell] = ()) -> None:
        """Take ``snake`` off the board, record its game, and turn its body into digits.

        ``length`` is the length it died with, when its tail has already moved this tick;
        ``killer_name`` names ``killer_id``; no digit is put on a cell in ``keep_clear``.
        """
        report.deaths.append(
            Death(
                snake_id=snake.id,
                name=snake.name,
                cause=cause,
                killer_id=killer_id,
                killer_name=killer_name,
                score=snake.score,
                length=snake.length if length is None else length,
                kills=snake.kills,
                ticks_alive=self.tick - snake.born_tick,
            )
        )
        del self.snakes[snake.id]
        occupancy = self.occupancy
        for cell in snake.body:
            del occupancy[cell]
        cfg = self.config
        expiry = self.tick + cfg.corpse_ttl
        digits, stones, were, rng = self.digits, self.stones, self._digits_were, self.rng
        fading: list[Cell] | None = None
        for cell in islice(snake.body, 0, None, cfg.corpse_step):
            if cell in digits or cell in stones or cell in keep_clear:
                continue
            value = digit(rng, cfg.corpse_max_digit)
            were.setdefault(cell, None)
            digits[cell] = value
            self._digit_expiry[cell] = expiry
            if fading is None:
                fading = self._expiring.setdefault(expiry, [])
            fading.append(cell)

    def _upkeep(self, report: TickReport) -> None:
        stones_were: dict[Cell, bool] = {}  # a stone's cell that changed: was there one?
        for cell in self._expiring.pop(self.tick, ()):
            if self._digit_expiry.get(cell) == self.tick:
                del self._digit_expiry[cell]
                self._digits_were.setdefault(cell, self.digits.pop(cell))
            elif self.stones.get(cell) == self.tick:
                del self.stones[cell]
                stones_were.setdefault(cell, True)

        cfg = self.config
        taken = (self.occupancy, self.digits, self.stones)
        if self.tick % cfg.stone_interval == 0 and len(self.stones) < cfg.max_stones:
            heads = [snake.body[0] for snake in self.snakes.values()]
            distance = cfg.stone_head_distance
            occupied, digits, stones = taken
            cell = find_cell(self.rng, cfg.width, cfg.height, lambda cell: not (
                cell in occupied or cell in digits or cell in stones)
                and far_from(cell, heads, distance))
            if cell is not None:
                crumbles = self.tick + cfg.stone_ttl + below(self.rng, cfg.stone_ttl // 2 + 1)
                self.stones[cell] = crumbles
                self._expiring.setdefault(crumbles, []).append(cell)
                stones_were.setdefault(cell, False)
        if stones_were:  # each changed cell's net change, in cell order (see _net_digits)
            for cell in sorted(stones_were):
                if stones_were[cell] and cell not in self.stones:
                    report.stones_removed.append(cell)
                elif not stones_were[cell] and cell in self.stones:
                    report.stones_added.append(cell)

        wanted = cfg.digits_base + cfg.digits_per_snake * len(self.snakes)
        while len(self.digits) < wanted:
            cell = free_cell(self.rng, cfg.width, cfg.height, taken)
            if cell is None:
                break
            value = digit(self.rng, 9)
            self._digits_were.setdefault(cell, None)
            self.digits[cell] = value

    def _spawn(self, join: Join, report: TickReport) -> None:
        cfg = self.config
        placed = place_snake(
            self.rng,
            cfg.width,
            cfg.height,
            cfg.start_length,
            taken=(self.occupancy, self.digits, self.stones),
            heads=[snake.body[0] for snake in self.snakes.values()],
            margin=cfg.spawn_margin,
            head_distance=cfg.spawn_head_distance,
        )
        if placed is None:
            report.rejected.append(join.ref)
            return
        body, heading = placed
        sid = self._next_id
        self._next_id += 1
        used = {s.color for s in self.snakes.values()}
        color = next((c for c in range(PALETTE_SIZE) if c not in used), sid % PALETTE_SIZE)
        self.snakes[sid] = Snake(sid, join.name, color, deque(body), heading, self.tick)
        for cell in body:
            self.occupancy[cell] = sid
        report.spawns.append(Spawn(join.ref, sid))

    # -- views -------------------------------------------------------------------------------

    def snake(self, sid: int) -> Snake | None:
        """The live snake ``sid``, or None."""
        return self.snakes.get(sid)

    def fingerprint(self) -> tuple:
        """The whole state as one canonical, comparable value (for replays and tests)."""
        return (
            self.tick,
            tuple(
                (s.id, s.name, s.color, tuple(s.body), s.direction.value, s.grow, s.score,
                 s.kills, s.eaten, tuple(d.value for d in s.turns))
                for s in sorted(self.snakes.values(), key=lambda s: s.id)
            ),
            tuple(sorted(self.digits.items())),
            tuple(sorted(self._digit_expiry.items())),
            tuple(sorted(self.stones.items())),
            self._next_id,
            self.rng.getstate(),
        )
