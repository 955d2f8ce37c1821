"""The elimination stage: who dies after all heads have moved, why, and who gets the credit.

Every rule has rows in one table. Each row sets up an exact position on a quiet 10 x 10
board (no digits, no stones unless the row puts one), runs one tick, and checks every death
(cause and killer), every survivor, and the kill credit: a killer gets one kill and
``kill_points`` per snake it killed, and each victim's record names it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from engine_helpers import DOWN, LEFT, RIGHT, UP, death_of, place, put_digit, put_stone, quiet_world

from snakepit.engine import Cause, Cell, Direction, Move, Turn
from snakepit.engine.collisions import eliminate

WALL, STONE, SELF, SNAKE, HEAD_ON = Cause.WALL, Cause.STONE, Cause.SELF, Cause.SNAKE, Cause.HEAD_ON
NAMES = {1: "ann", 2: "bob", 3: "cy", 4: "dee"}


@dataclass(frozen=True)
class S:
    """A snake of a table row: id, body (head first), heading, cells still to grow."""

    sid: int
    body: tuple[Cell, ...]
    heading: Direction
    grow: int = 0


@dataclass(frozen=True)
class Case:
    id: str
    why: str
    snakes: tuple[S, ...]
    #: ``{victim: (cause, killer or None)}``; every other snake survives.
    dies: dict[int, tuple[Cause, int | None]]
    turns: tuple[Turn, ...] = ()
    stones: tuple[Cell, ...] = ()


def row(id, why, snakes, dies, turns=(), stones=()):
    return pytest.param(Case(id, why, tuple(snakes), dies, tuple(turns), tuple(stones)), id=id)


def line(head: Cell, heading: Direction, length: int) -> tuple[Cell, ...]:
    """A straight body of ``length`` cells whose head is ``head``, heading ``heading``."""
    back = heading.opposite
    return tuple(back.ahead(head, i) for i in range(length))


CASES = [
    # -- the border ---------------------------------------------------------------------
    row("wall-right", "a head that leaves the grid on the right dies against the wall",
        [S(1, line((9, 5), RIGHT, 3), RIGHT)], {1: (WALL, None)}),
    row("wall-left", "a head that leaves the grid on the left dies against the wall",
        [S(1, line((0, 5), LEFT, 3), LEFT)], {1: (WALL, None)}),
    row("wall-top", "a head that leaves the grid at the top (y = -1) dies against the wall",
        [S(1, line((5, 0), UP, 3), UP)], {1: (WALL, None)}),
    row("wall-bottom", "a head that leaves the grid at the bottom dies against the wall",
        [S(1, line((5, 9), DOWN, 3), DOWN)], {1: (WALL, None)}),
    row("wall-after-turn", "the turn applied this tick decides where the head goes, and here "
        "that is out of the grid",
        [S(1, line((5, 0), RIGHT, 3), RIGHT)], {1: (WALL, None)}, turns=[Turn(1, UP)]),
    row("along-the-wall", "the border cells are inside the grid, so running along them is safe",
        [S(1, line((5, 0), RIGHT, 3), RIGHT)], {}),
    # -- stones -------------------------------------------------------------------------
    row("stone", "a head that moves onto a stone dies against the stone",
        [S(1, line((4, 5), RIGHT, 3), RIGHT)], {1: (STONE, None)}, stones=[(5, 5)]),
    row("stone-beside", "a stone beside the path is harmless",
        [S(1, line((4, 5), RIGHT, 3), RIGHT)], {}, stones=[(5, 4), (5, 6)]),
    # -- bodies -------------------------------------------------------------------------
    row("other-body", "a head that moves onto another snake's body dies, and that snake "
        "gets the kill",
        [S(1, line((4, 5), RIGHT, 3), RIGHT), S(2, line((5, 4), UP, 4), UP)],
        {1: (SNAKE, 2)}),
    row("other-neck", "a head's old cell becomes its neck, so moving into the cell a head "
        "just left is deadly",
        [S(1, line((4, 5), RIGHT, 3), RIGHT), S(2, line((5, 5), UP, 3), UP)],
        {1: (SNAKE, 2)}),
    row("own-body", "a head that moves onto its own body dies by its own fault (self) and "
        "nobody gets credit",
        [S(1, ((4, 4), (5, 4), (5, 5), (4, 5), (3, 5)), LEFT)], {1: (SELF, None)},
        turns=[Turn(1, DOWN)]),
    row("own-tail", "a snake that is not growing moves its tail away first, so biting its "
        "own tail cell is safe",
        [S(1, ((4, 4), (5, 4), (5, 5), (4, 5)), LEFT)], {}, turns=[Turn(1, DOWN)]),
    row("own-tail-growing", "a growing snake keeps its tail this tick, so biting its own "
        "tail cell is deadly",
        [S(1, ((4, 4), (5, 4), (5, 5), (4, 5)), LEFT, grow=1)], {1: (SELF, None)},
        turns=[Turn(1, DOWN)]),
    row("other-tail", "another snake's tail leaves its cell in the same tick, so moving "
        "into that cell is safe",
        [S(1, line((4, 5), RIGHT, 3), RIGHT), S(2, line((5, 3), UP, 3), UP)], {}),
    row("other-tail-growing", "a growing snake's tail stays this tick, so moving into it "
        "is deadly and the grower gets the kill",
        [S(1, line((4, 5), RIGHT, 3), RIGHT), S(2, line((5, 3), UP, 3), UP, grow=2)],
        {1: (SNAKE, 2)}),
    row("ring-of-tails", "every tail leaves before any head arrives, so two snakes may chase "
        "each other's tails round a ring",
        [S(1, ((6, 3), (5, 3), (4, 3), (3, 3)), RIGHT),
         S(2, ((3, 4), (4, 4), (5, 4), (6, 4)), LEFT)],
        {}, turns=[Turn(1, DOWN), Turn(2, UP)]),
    # -- head-ons -----------------------------------------------------------------------
    row("head-on-shorter-dies", "two heads meeting on a free cell is a head-on: the shorter "
        "snake dies and the longer gets the kill",
        [S(1, line((3, 5), RIGHT, 3), RIGHT), S(2, line((5, 5), LEFT, 4), LEFT)],
        {1: (HEAD_ON, 2)}),
    row("head-on-equal", "in a head-on between snakes of equal length both die and nobody "
        "gets credit",
        [S(1, line((3, 5), RIGHT, 3), RIGHT), S(2, line((5, 5), LEFT, 3), LEFT)],
        {1: (HEAD_ON, None), 2: (HEAD_ON, None)}),
    row("head-on-at-right-angles", "heads meeting from perpendicular directions are a "
        "head-on just the same",
        [S(1, line((3, 5), RIGHT, 3), RIGHT), S(2, line((4, 4), DOWN, 4), DOWN)],
        {1: (HEAD_ON, 2)}),
    row("head-on-growth-counts", "lengths are compared after the move, so a snake whose tail "
        "stays this tick counts its new cell",
        [S(1, line((3, 5), RIGHT, 3), RIGHT, grow=1), S(2, line((5, 5), LEFT, 3), LEFT)],
        {2: (HEAD_ON, 1)}),
    row("head-on-growth-ties", "a snake of 3 that grows this tick ties with a snake of 4 "
        "that does not, so both die",
        [S(1, line((3, 5), RIGHT, 3), RIGHT, grow=1), S(2, line((5, 5), LEFT, 4), LEFT)],
        {1: (HEAD_ON, None), 2: (HEAD_ON, None)}),
    row("head-swap-shorter-dies", "two heads passing through each other (swapping cells) "
        "are a head-on: the shorter dies",
        [S(1, line((4, 5), RIGHT, 3), RIGHT), S(2, line((5, 5), LEFT, 4), LEFT)],
        {1: (HEAD_ON, 2)}),
    row("head-swap-equal", "two heads of equal length passing through each other both die, "
        "as in any head-on",
        [S(1, line((4, 5), RIGHT, 3), RIGHT), S(2, line((5, 5), LEFT, 3), LEFT)],
        {1: (HEAD_ON, None), 2: (HEAD_ON, None)}),
    row("three-way", "in a three-way head-on only the single longest survives, credited with "
        "every other snake",
        [S(1, line((4, 5), RIGHT, 3), RIGHT), S(2, line((6, 5), LEFT, 4), LEFT),
         S(3, line((5, 4), DOWN, 5), DOWN)],
        {1: (HEAD_ON, 3), 2: (HEAD_ON, 3)}),
    row("three-way-tie", "when the longest snakes of a three-way head-on are equal, all "
        "three die and nobody gets credit",
        [S(1, line((4, 5), RIGHT, 3), RIGHT), S(2, line((6, 5), LEFT, 4), LEFT),
         S(3, line((5, 4), DOWN, 4), DOWN)],
        {1: (HEAD_ON, None), 2: (HEAD_ON, None), 3: (HEAD_ON, None)}),
    row("four-way", "a four-way head-on with one longest snake leaves it alone with three "
        "kills",
        [S(1, line((4, 5), RIGHT, 3), RIGHT), S(2, line((6, 5), LEFT, 3), LEFT),
         S(3, line((5, 4), DOWN, 4), DOWN), S(4, line((5, 6), UP, 3), UP)],
        {1: (HEAD_ON, 3), 2: (HEAD_ON, 3), 4: (HEAD_ON, 3)}),
    # -- bodies of snakes that die in the same tick ----------------------------------------
    row("body-of-the-dying", "a body still counts in the tick its owner dies: the owner gets "
        "the kill and the victim's record names it",
        [S(1, line((9, 5), RIGHT, 3), RIGHT), S(2, line((8, 4), DOWN, 3), DOWN)],
        {1: (WALL, None), 2: (SNAKE, 1)}),
    row("body-of-the-dying-ids-swapped", "the same position with the ids swapped has the "
        "same outcome: ids never decide who is credited",
        [S(2, line((9, 5), RIGHT, 3), RIGHT), S(1, line((8, 4), DOWN, 3), DOWN)],
        {2: (WALL, None), 1: (SNAKE, 2)}),
    row("body-of-head-on-loser", "the loser of a head-on still has a body this tick: a "
        "third snake that hits it dies, credited to the loser",
        [S(1, line((3, 5), RIGHT, 3), RIGHT), S(2, line((5, 5), LEFT, 4), LEFT),
         S(3, line((2, 4), DOWN, 3), DOWN)],
        {1: (HEAD_ON, 2), 3: (SNAKE, 1)}),
    row("mutual-bodies", "two snakes that each hit the other's body both die, each "
        "credited with the other",
        [S(1, line((4, 5), UP, 3), UP), S(2, ((5, 5), (5, 4), (4, 4), (3, 4)), DOWN)],
        {1: (SNAKE, 2), 2: (SNAKE, 1)}, turns=[Turn(2, LEFT)]),
]


@pytest.mark.parametrize("case", CASES)
def test_each_collision_rule_decides_deaths_and_kill_credit(case: Case) -> None:
    world = quiet_world()
    for s in case.snakes:
        place(world, s.sid, NAMES[s.sid], s.body, s.heading, s.grow)
    for cell in case.stones:
        put_stone(world, cell)
    everyone = {s.sid for s in case.snakes}

    report = world.step(case.turns)

    got = {d.snake_id: (d.cause, d.killer_id) for d in report.deaths}
    assert got == case.dies, f"{case.why}: got deaths {got}"
    assert set(world.snakes) == everyone - set(case.dies), f"{case.why}: wrong survivors"

    credited = Counter(killer for _, killer in case.dies.values() if killer is not None)
    for sid in everyone:
        record = world.snakes[sid] if sid in world.snakes else death_of(report, sid)
        assert record.kills == credited[sid], f"{case.why}: kills of snake {sid}"
        assert record.score == credited[sid] * world.config.kill_points, (
            f"{case.why}: score of snake {sid}"
        )
    for sid, (_, killer) in case.dies.items():
        expected_name = NAMES[killer] if killer is not None else None
        assert death_of(report, sid).killer_name == expected_name, (
            f"{case.why}: killer_name of snake {sid}"
        )


def test_every_death_cause_but_leaving_appears_in_the_table() -> None:
    causes = {cause for p in CASES for cause, _ in p.values[0].dies.values()}
    assert causes == set(Cause) - {Cause.LEFT}


def test_a_killer_that_survives_has_its_new_score_reported() -> None:
    world = quiet_world()
    place(world, 1, "ann", line((4, 5), RIGHT, 3), RIGHT)
    place(world, 2, "bob", line((5, 4), UP, 4), UP)
    report = world.step()
    assert report.scores == [(2, world.config.kill_points)]


def test_kill_points_come_from_the_config() -> None:
    world = quiet_world(kill_points=7)
    place(world, 1, "ann", line((3, 5), RIGHT, 3), RIGHT)
    place(world, 2, "bob", line((5, 5), LEFT, 4), LEFT)
    world.step()
    assert (world.snakes[2].kills, world.snakes[2].score) == (1, 7)


def test_a_death_records_the_length_before_the_fatal_move() -> None:
    for grow in (0, 2):
        world = quiet_world()
        place(world, 1, "ann", line((7, 5), RIGHT, 5), RIGHT, grow=grow, score=42)
        world.step()
        world.step()
        report = world.step()  # the head leaves the grid on the third tick
        death = death_of(report, 1)
        expected_length = 5 + min(grow, 2)
        assert (death.cause, death.score, death.length, death.ticks_alive) == (
            WALL, 42, expected_length, 3,
        ), f"grow={grow}"


def test_a_head_on_on_a_digit_lets_the_winner_eat_it() -> None:
    world = quiet_world()
    place(world, 1, "ann", line((3, 5), RIGHT, 3), RIGHT)
    place(world, 2, "bob", line((5, 5), LEFT, 4), LEFT)
    put_digit(world, (4, 5), 6)
    report = world.step()
    assert report.moves == [Move(2, (4, 5), False)]
    assert world.snakes[2].score == world.config.kill_points + 6


def test_elimination_does_not_depend_on_the_order_of_its_inputs() -> None:
    old_heads = {1: (4, 5), 2: (6, 5), 3: (5, 4), 4: (9, 9)}
    new_heads = {1: (5, 5), 2: (5, 5), 3: (5, 5), 4: (10, 9)}
    lengths = {1: 3, 2: 6, 3: 6, 4: 3}
    occupancy = {cell: sid for sid, cell in old_heads.items()}

    def run(order):
        return eliminate(
            width=10, height=10,
            old_heads={k: old_heads[k] for k in order},
            new_heads={k: new_heads[k] for k in order},
            lengths={k: lengths[k] for k in order},
            stones=set(),
            occupancy=dict(reversed(list(occupancy.items()))),
        )

    assert run([1, 2, 3, 4]) == run([4, 3, 2, 1]) == run([2, 4, 1, 3]) == {
        1: (HEAD_ON, None), 2: (HEAD_ON, None), 3: (HEAD_ON, None), 4: (WALL, None),
    }
