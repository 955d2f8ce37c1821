"""Two engines side by side: a World and a FastWorld made alike, given the same intents,
compared after every tick; and the players and game scripts that drive them.

What ``test_fast_world.py`` plays with: :class:`Duel` (the pair, and the first difference
found, named by tick and path), :class:`Tally` (what happened in a game, to show that the
games exercise every rule), :class:`Crowd` (seeded random players), :class:`Script` and the
hypothesis strategies of small, crowded worlds where every rule fires often.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

import msgspec
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from snakepit.engine import (
    DIRECTIONS,
    Cause,
    Join,
    Leave,
    Move,
    TickReport,
    Turn,
    World,
    WorldConfig,
)
from snakepit.engine.fast import FastWorld
from snakepit.protocol import encode
from snakepit.protocol import frames as wire
from snakepit.replay.recording import PARTS, full_digest, tick_digest

Intent = Join | Turn | Leave

#: Ticks between full digests in the side-by-side games (the per-tick digest, the
#: fingerprint and every attribute are compared after every tick).
FULL_EVERY = 10


# -- comparing the two engines --------------------------------------------------------------


def first_difference(python: object, fast: object, path: str) -> str | None:
    """Where ``fast`` first differs from ``python`` (value, type, length or dict order), as
    ``"path: World ..., FastWorld ..."``; None if they are the same, types and all."""
    if type(python) is not type(fast):
        return (f"{path}: World has a {type(python).__name__} {python!r}, "
                f"FastWorld a {type(fast).__name__} {fast!r}")
    if isinstance(python, Enum) or isinstance(python, (int, str, float, bytes, type(None))):
        return None if python == fast else f"{path}: World {python!r}, FastWorld {fast!r}"
    if dataclasses.is_dataclass(python):
        for f in dataclasses.fields(python):
            found = first_difference(getattr(python, f.name), getattr(fast, f.name),
                                     f"{path}.{f.name}")
            if found:
                return found
        return None
    if isinstance(python, dict):
        python, fast = list(python.items()), list(fast.items())
        for i, ((pk, pv), (fk, fv)) in enumerate(zip(python, fast)):
            if pk != fk:
                return (f"{path}: entry #{i} has key {pk!r} in World, {fk!r} in FastWorld "
                        f"(insertion order or contents differ)")
            found = first_difference(pv, fv, f"{path}[{pk!r}]")
            if found:
                return found
        if len(python) != len(fast):
            return (f"{path}: World has {len(python)} entries, FastWorld {len(fast)} "
                    f"(first extra: {(python + fast)[min(len(python), len(fast))]!r})")
        return None
    if isinstance(python, (list, tuple, deque)):
        for i, (p, f) in enumerate(zip(python, fast)):
            found = first_difference(p, f, f"{path}[{i}]")
            if found:
                return found
        if len(python) != len(fast):
            return (f"{path}: World has {len(python)} items, FastWorld {len(fast)}: "
                    f"World {python!r}, FastWorld {fast!r}")
        return None
    return None if python == fast else f"{path}: World {python!r}, FastWorld {fast!r}"


def fingerprint_difference(python: tuple, fast: tuple) -> str | None:
    if python == fast:
        return None
    if len(python) != len(fast):
        return f"fingerprint(): World has {len(python)} parts, FastWorld {len(fast)}"
    for name, p, f in zip(PARTS, python, fast):
        if p != f:
            return first_difference(p, f, f"fingerprint() part {name!r}") or (
                f"fingerprint() part {name!r}: World {p!r}, FastWorld {f!r}")
    return "fingerprint(): differs"


_pack = msgspec.msgpack.Encoder(enc_hook=lambda value: ("deque", list(value))).encode


def same(python: object, fast: object) -> bool:
    """Equal, and of the same types as far as msgpack tells (it tells ``True`` from ``1``
    and keeps dicts' order; ``==`` tells lists from tuples and deques, and a dataclass from
    another class). Quick; :func:`first_difference` says what differs when this is false."""
    if python != fast:
        return False
    try:
        return _pack(python) == _pack(fast)
    except OverflowError:  # an int of more than 64 bits (a seed, a ref)
        return first_difference(python, fast, "") is None


def report_difference(python: TickReport, fast: TickReport) -> str | None:
    if same(python, fast) and all(type(move) is Move for move in fast.moves):
        return None
    return first_difference(python, fast, "report") or "report: differs"


def state_difference(python: World, fast: FastWorld) -> str | None:
    """The first attribute in which the two worlds' states differ, or None."""
    for name in ("tick", "seed", "config", "_next_id", "snakes", "digits", "stones",
                 "_digit_expiry"):
        mine, theirs = getattr(python, name), getattr(fast, name)
        if isinstance(mine, dict) and not isinstance(theirs, dict):
            return f"{name}: FastWorld's is a {type(theirs).__name__}, not a dict"
        if not same(mine, theirs):
            return first_difference(mine, theirs, name) or f"{name}: differs"
    if not isinstance(fast.rng, random.Random):
        return f"rng: FastWorld's is a {type(fast.rng).__name__}, not a random.Random"
    if python.rng.getstate() != fast.rng.getstate():
        return "rng.getstate() differs (the worlds drew different numbers, or not as many)"
    return fingerprint_difference(python.fingerprint(), fast.fingerprint())


class Mismatch(AssertionError):
    pass


class Duel:
    """A World and a FastWorld made alike, stepped alike and compared after every step.

    ``step`` returns World's report (so a driver can react to it) once FastWorld's has been
    found equal; ``history`` keeps every tick's intents, for a reproduction.
    """

    def __init__(self, config: WorldConfig | None = None, seed: int = 0,
                 full_every: int = FULL_EVERY) -> None:
        self.config, self.seed, self.full_every = config, seed, full_every
        self.python = World(config, seed=seed)
        self.fast = FastWorld(config, seed=seed)
        self.history: list[list[Intent]] = []
        self.check_state()
        self.check_full_digest()

    @property
    def tick(self) -> int:
        return self.python.tick

    def fail(self, problem: str) -> None:
        given = self.history[-1] if self.history else []
        raise Mismatch(f"tick {self.tick}: {problem}\n  (config={self.config!r}, "
                       f"seed={self.seed}, intents of this tick: {given!r})")

    def step(self, intents: Iterable[Intent] = ()) -> TickReport:
        given = list(intents)
        kept = list(given)
        self.history.append(kept)
        expected = self.python.step(given)
        actual = self.fast.step(given)
        if given != kept:
            self.fail(f"FastWorld.step changed the list of intents it was given: {given!r}")
        found = report_difference(expected, actual)
        if found:
            self.fail(f"{found}\n  World:     {expected!r}\n  FastWorld: {actual!r}")
        self.check_frame(expected, actual)
        self.check_state()
        if self.tick % self.full_every == 0:
            self.check_full_digest()
        return expected

    def check_frame(self, expected: TickReport, actual: TickReport) -> None:
        """The frame FastWorld writes in C is msgspec's encoding of World's, byte for byte
        (odd snakes counted as bots; the watchers' count on every third tick)."""
        at, watchers = 1_764_000_000_000 + self.tick, None if self.tick % 3 else self.tick
        bots = {spawn.snake_id for spawn in expected.spawns if spawn.snake_id % 2}
        python = encode(wire.frame(expected, self.python, at, watchers, bots))
        fast = wire.frame_json(actual, self.fast, at, watchers, bots)
        if python != fast:
            self.fail(f"the frames differ:\n  World:     {python!r}\n  FastWorld: {fast!r}")

    def check_state(self) -> None:
        found = state_difference(self.python, self.fast)
        if found:
            self.fail(found)
        python, fast = tick_digest(self.python), tick_digest(self.fast)
        if python != fast:
            self.fail(f"tick_digest differs: World {python}, FastWorld {fast}")

    def check_full_digest(self) -> None:
        python, python_parts = full_digest(self.python)
        fast, fast_parts = full_digest(self.fast)
        if python != fast:
            parts = [name for i, name in enumerate(PARTS)
                     if python_parts[4 * i:4 * i + 4] != fast_parts[4 * i:4 * i + 4]]
            self.fail(f"full_digest differs in {', '.join(parts) or 'the whole only'}: "
                      f"World {python}/{python_parts}, FastWorld {fast}/{fast_parts}")

    def finish(self) -> None:
        self.check_full_digest()

    def reproduction(self) -> str:
        lines = [f"config = {self.config!r}", f"seed = {self.seed!r}", "intents per tick:"]
        lines += [f"  {tick}: {intents!r}" for tick, intents in enumerate(self.history, 1)
                  if intents]
        return "\n".join(lines)


# -- what happened in a game (to show that the games exercise every rule) -------------------


class Tally(Counter):
    """Counts of the events of a game, from World's side of a :class:`Duel`."""

    def step(self, duel: Duel, intents: Sequence[Intent]) -> TickReport:
        world = duel.python
        heads = {sid: s.body[0] for sid, s in world.snakes.items()}
        bodies = {sid: set(s.body) for sid, s in world.snakes.items()}
        digits = set(world.digits)
        report = duel.step(intents)
        self.update(death.cause.value for death in report.deaths)
        head_ons = [d for d in report.deaths if d.cause is Cause.HEAD_ON]
        for death in head_ons:
            mine = heads[death.snake_id]
            others = ([death.killer_id] if death.killer_id is not None else
                      [d.snake_id for d in head_ons if d.snake_id != death.snake_id])
            apart = {abs(mine[0] - heads[o][0]) + abs(mine[1] - heads[o][1]) for o in others}
            self["head-on by swapping places"] += 1 in apart
            self["head-on on one cell"] += 2 in apart
            self["head-on won" if death.killer_id is not None else "head-on tie"] += 1
        self["kill credited"] += sum(d.killer_id is not None for d in report.deaths)
        moved = {m.head for m in report.moves}
        self["eaten"] += len(moved & digits)
        self["grew"] += sum(m.grew for m in report.moves)
        corpses = set().union(*(bodies[d.snake_id] for d in report.deaths))
        self["corpse digit"] += sum(cell in corpses for cell, _ in report.digits_added)
        self["digit faded"] += sum(cell not in moved for cell in report.digits_removed)
        self["stone added"] += len(report.stones_added)
        self["stone crumbled"] += len(report.stones_removed)
        self["spawn"] += len(report.spawns)
        self["join rejected"] += len(report.rejected)
        self["turn for no snake"] += sum(isinstance(i, Turn) and i.snake_id not in heads
                                         for i in intents)
        self["leave for no snake"] += sum(isinstance(i, Leave) and i.snake_id not in heads
                                          for i in intents)
        return report


#: Everything a game should show, for a test to say that its games exercise every rule.
EVERY_EVENT = (
    *(cause.value for cause in Cause), "head-on by swapping places", "head-on on one cell",
    "head-on won", "head-on tie", "kill credited", "eaten", "grew", "corpse digit",
    "digit faded", "stone added", "stone crumbled", "spawn", "join rejected",
    "turn for no snake", "leave for no snake",
)


# -- players ---------------------------------------------------------------------------------

NAMES = (
    "", "a", "Ann", "Zoë", "Ærøskøbing", "蛇", "змея", "ثعبان", "🐍", "👩‍👩‍👧", "e\u0301",
    "x" * 40, " ", "tab\there", "nul\x00byte", "\U0010ffff", "<b>&amp;</b>", "Ann",
)


@dataclass(frozen=True)
class Crowd:
    """Players who steer at random (by a seeded generator: the same crowd sends the same
    intents to the same world), keep about ``players`` snakes in play by joining again after
    their snakes die, and now and then leave, rush in more joins than the board holds, or
    send turns and leaves for snakes that are dead or never were."""

    seed: int = 0
    players: int = 16
    #: Per tick, the chance that each missing player joins again.
    join: float = 0.3
    #: Per tick, the chance of a rush of 5 to 30 joins at once.
    rush: float = 0.0
    #: Per snake and tick, the chance of steering clear of what is just ahead ...
    steer: float = 0.6
    #: ... else the chance of 1 to 4 random turns (any direction: repeats and reversals too).
    wander: float = 0.2
    #: Per tick, the chance that a player leaves.
    leave: float = 0.01
    #: Per tick, the chance of a turn or leave for a dead or never-used snake id.
    stray: float = 0.05

    def play(self) -> Iterable[list[Intent]]:
        """Never ends: ``send`` each tick's World (after ``next``); get its intents."""
        rng = random.Random(self.seed)
        refs = 0
        seen: set[int] = set()
        world: World = yield []
        while True:
            seen.update(world.snakes)
            out: list[Intent] = []
            for sid in sorted(world.snakes):
                snake = world.snakes[sid]
                roll = rng.random()
                if roll < self.steer:
                    ahead = snake.direction.ahead(snake.body[0])
                    if not open_cell(world, ahead):
                        safe = [d for d in DIRECTIONS if d is not snake.direction.opposite
                                and open_cell(world, d.ahead(snake.body[0]))]
                        if safe:
                            out.append(Turn(sid, rng.choice(safe)))
                elif roll < self.steer + self.wander:
                    out += [Turn(sid, rng.choice(DIRECTIONS)) for _ in range(rng.randint(1, 4))]
            if world.snakes and rng.random() < self.leave:
                out.append(Leave(rng.choice(sorted(world.snakes))))
            if rng.random() < self.stray:
                dead = sorted(seen - set(world.snakes))
                ghosts = [0, -1, world._next_id, world._next_id + 3, 10**6]
                sid = rng.choice(dead + ghosts)
                out.append(Leave(sid) if rng.random() < 0.3 else
                           Turn(sid, rng.choice(DIRECTIONS)))
            missing = self.players - len(world.snakes)
            joins = sum(rng.random() < self.join for _ in range(missing))
            if rng.random() < self.rush:
                joins += rng.randint(5, 30)
            for _ in range(joins):
                refs += 1
                ref = -refs if refs % 4 == 0 else refs  # the server's bots join with ref < 0
                out.append(Join(ref, rng.choice(NAMES) if rng.random() < 0.5 else f"p{refs}"))
            rng.shuffle(out)  # joins, leaves and turns in any order
            world = yield out


def open_cell(world: World, cell: tuple[int, int]) -> bool:
    x, y = cell
    return (0 <= x < world.config.width and 0 <= y < world.config.height
            and cell not in world.occupancy and cell not in world.stones)


def play_crowd(duel: Duel, crowd: Crowd, ticks: int, tally: Tally | None = None) -> Tally:
    tally = Tally() if tally is None else tally
    players = crowd.play()
    next(players)
    for _ in range(ticks):
        tally.step(duel, players.send(duel.python))
    duel.finish()
    return tally


# -- strategies: small, crowded worlds where every rule fires often ---------------------------

configs = st.builds(
    WorldConfig,
    width=st.integers(10, 24),
    height=st.integers(10, 18),
    start_length=st.integers(2, 5),
    turn_queue=st.integers(1, 3),
    digits_base=st.integers(0, 6),
    digits_per_snake=st.integers(0, 3),
    kill_points=st.integers(0, 10),
    corpse_step=st.integers(1, 3),
    corpse_max_digit=st.integers(1, 9),
    corpse_ttl=st.integers(1, 40),
    stone_interval=st.integers(1, 10),
    stone_cap=st.none() | st.integers(0, 10),
    stone_ttl=st.integers(1, 30),
    spawn_head_distance=st.integers(1, 6),
    stone_head_distance=st.integers(1, 4),
    spawn_margin=st.integers(0, 4),
)

seeds = st.one_of(
    st.sampled_from([0, 1, -1, 2**32 - 1, 2**32, 2**32 + 1, 2**63, 2**64 - 1, 2**64, 2**64 + 1,
                     -2**64 - 3, 2**127 + 5, -(2**200)]),
    st.integers(-2**80, 2**80),
)

names = st.sampled_from(NAMES) | st.text(max_size=20)
directions = st.sampled_from(DIRECTIONS)

#: Abstract actions, resolved against the world when their tick is played (see
#: :class:`Script`): a join (``ref`` None: the next of a counter), a turn or a leave for the
#: k-th live snake, the k-th dead one or a snake that never was, or a rush of n joins.
join_actions = st.tuples(st.just("join"), names, st.none() | st.none() | st.integers(-2**31, 2**31))
live_turns = st.tuples(st.just("turn"), st.just("live"), st.integers(0, 15), directions)
stray_turns = st.tuples(st.just("turn"), st.sampled_from(["dead", "never"]), st.integers(0, 15),
                        directions)
leaves = st.tuples(st.just("leave"), st.sampled_from(["live", "dead", "never"]),
                   st.integers(0, 15), st.just(None))
actions = st.one_of([live_turns] * 6 + [join_actions] * 2 + [stray_turns, leaves])
ticks = st.one_of([st.lists(actions, max_size=6)] * 6
                  + [st.tuples(st.just("rush"), st.integers(5, 30)).map(lambda rush: [rush])])


@dataclass(frozen=True)
class Script:
    """``joins`` joins, then each tick's actions in turn, then ``coast`` ticks without
    intents (the snakes run on into walls, corpses fade, stones come and crumble)."""

    joins: int
    ticks: tuple[tuple[tuple, ...], ...]
    coast: int

    def play(self, duel: Duel, tally: Tally) -> None:
        refs = 0
        seen: list[int] = []

        def ref() -> int:
            nonlocal refs
            refs += 1
            return refs

        def target(who: str, k: int) -> int:
            world = duel.python
            live = sorted(world.snakes)
            dead = [sid for sid in seen if sid not in world.snakes]
            pool = {"live": live, "dead": dead}.get(who) or [
                0, -1, -7, world._next_id, world._next_id + 1, world._next_id + 5, 10**6]
            return pool[k % len(pool)]

        script = [[("join", f"p{i}", None) for i in range(self.joins)], *self.ticks]
        script += [[]] * self.coast
        for actions in script:
            intents: list[Intent] = []
            for action in actions:
                if action[0] == "join":
                    intents.append(Join(ref() if action[2] is None else action[2], action[1]))
                elif action[0] == "rush":
                    intents += [Join(ref(), f"r{refs}") for _ in range(action[1])]
                elif action[0] == "turn":
                    intents.append(Turn(target(action[1], action[2]), action[3]))
                else:
                    intents.append(Leave(target(action[1], action[2])))
            report = tally.step(duel, intents)
            seen += [spawn.snake_id for spawn in report.spawns]


scripts = st.builds(
    Script,
    st.integers(1, 8),
    st.lists(ticks, max_size=60).map(lambda ts: tuple(tuple(t) for t in ts)),
    st.integers(0, 150),
)

crowds = st.builds(
    Crowd,
    seed=st.integers(0, 2**32),
    players=st.integers(1, 24),
    join=st.floats(0.05, 1.0),
    rush=st.sampled_from([0.0, 0.02, 0.1]),
    steer=st.floats(0.0, 0.95),
    wander=st.floats(0.0, 0.5),
    leave=st.sampled_from([0.0, 0.01, 0.05, 0.2]),
    stray=st.sampled_from([0.0, 0.05, 0.3]),
)

EXAMPLES = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def record_events(tally: Tally) -> None:
    for name in EVERY_EVENT:
        if tally[name]:
            event(name)

