"""The built-in bots and the example robots: what every one of them promises, and what each
level adds."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from robots_helpers import (
    CERTAIN,
    death,
    heading_after,
    moves,
    place,
    put_digit,
    put_stone,
    quiet_world,
    view_of,
)
from robots_strategies import Position, board, positions

from snakepit.client.view import WorldView
from snakepit.engine import Direction, Join, Turn, World, WorldConfig
from snakepit.protocol import frames
from snakepit.robots import Robot, View
from snakepit.robots import examples as examples_package
from snakepit.robots.brains import LEVELS, EasyBot, HardBot, MediumBot, make_bot
from snakepit.robots.examples.greedy import Greedy
from snakepit.robots.examples.random_safe import RandomSafe
from snakepit.robots.examples.survivor import Survivor


def seeded(cls: type[Robot]) -> Callable[[], Robot]:
    def make() -> Robot:
        robot = cls()
        robot.rng.seed(7)
        return robot
    make.__name__ = cls.__name__
    return make


ROBOTS: dict[str, Callable[[], Robot]] = {
    **{level: (lambda level=level: make_bot(level, seed=7)) for level in LEVELS},
    "RandomSafe": seeded(RandomSafe),
    "Greedy": seeded(Greedy),
    "Survivor": seeded(Survivor),
}


# -- every robot -----------------------------------------------------------------------------


@pytest.mark.parametrize("robot_name", list(ROBOTS))
@settings(max_examples=150, deadline=None)
@given(position=positions())
def test_a_robot_never_takes_a_certain_death_when_another_move_may_live(
        robot_name: str, position: Position) -> None:
    """Checked with the engine, not the view: the robot's move, played while every other
    snake goes straight on, kills it by wall, stone or body only if every other move it had
    would too (a head-on is never certain: it depends on what the other snake does)."""
    world, sid = position.world, position.sid
    choice = ROBOTS[robot_name]().decide(view_of(world, sid))
    taken = heading_after(world, sid, choice)
    cause = death(world, sid, taken)
    if cause not in CERTAIN:
        return
    for other in moves(world, sid):
        assert death(world, sid, other) in CERTAIN, (
            f"{robot_name} went {taken} ({cause.value}) but {other} was not certain death "
            f"for snake {chr(ord('A') + sid - 1)} in\n{board(world)}")


# -- the levels ------------------------------------------------------------------------------


def snake_heading_right(world: World, length: int, head: tuple[int, int] = (10, 10)) -> int:
    """Snake 1, ``length`` cells in a row, heading right with its head at ``head``."""
    x, y = head
    place(world, 1, [(x - i, y) for i in range(length)])
    return 1


@pytest.mark.parametrize("level", ["medium", "hard"])
def test_medium_and_hard_refuse_a_pocket_smaller_than_their_body_when_open_space_exists(
        level: str) -> None:
    """A stone dead ahead; up is a dead-end corridor of 4 cells with a 9 in it, down is
    open board. A snake of 11 cells goes down."""
    world = quiet_world()
    sid = snake_heading_right(world, 11)
    put_stone(world, (11, 10))
    for y in range(6, 10):  # the corridor (10, 6)..(10, 9), walled on both sides and on top
        put_stone(world, (9, y))
        put_stone(world, (11, y))
    put_stone(world, (10, 5))
    put_digit(world, (10, 9), 9)
    assert make_bot(level, seed=1).decide(view_of(world, sid)) == "down"


@pytest.mark.parametrize("level", ["medium", "hard"])
def test_medium_and_hard_take_the_roomiest_move_when_every_move_leads_into_a_pocket(
        level: str) -> None:
    """Boxed in: up is a pocket of 2 cells, down one of 5; neither holds the body of 11."""
    world = quiet_world()
    sid = snake_heading_right(world, 11)
    put_stone(world, (11, 10))
    for y in (8, 9):  # up: (10, 8), (10, 9)
        put_stone(world, (9, y))
        put_stone(world, (11, y))
    put_stone(world, (10, 7))
    for y in range(11, 16):  # down: (10, 11) .. (10, 15)
        put_stone(world, (9, y))
        put_stone(world, (11, y))
    put_stone(world, (10, 16))
    assert make_bot(level, seed=1).decide(view_of(world, sid)) == "down"


def test_hard_follows_its_own_tail_rather_than_enter_a_bigger_dead_end() -> None:
    """A snake of 8 in a walled loop of 10 cells, two free cells ahead of its head and then
    its tail; below its head, a gap into a dead-end corridor of 5 cells. Counting cells as
    they are, the corridor is bigger (5 against 3); but the tail frees the loop as the head
    follows it, so hard goes round the loop."""
    world = quiet_world()
    loop = [(5, 5), (6, 5), (7, 5), (8, 5), (9, 5), (9, 6), (8, 6), (7, 6), (6, 6), (5, 6)]
    for x in range(4, 11):
        put_stone(world, (x, 4))
        if x != 7:
            put_stone(world, (x, 7))
    for y in (5, 6):
        put_stone(world, (4, y))
        put_stone(world, (10, y))
    for y in range(8, 12):  # the corridor (7, 7) .. (7, 11)
        put_stone(world, (6, y))
        put_stone(world, (8, y))
    put_stone(world, (7, 12))
    place(world, 1, loop[7::-1])  # head (7, 6) heading left, tail (5, 5)
    assert HardBot().decide(view_of(world, 1)) == "left"


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_eats_a_digit_next_to_its_head_when_that_is_safe(level: str) -> None:
    """A 1 just above the head, and nothing else near (a 9 far away is worth less per
    step). Easy wanders at random now and then, so here it is told not to."""
    world = quiet_world(30, 30)
    sid = snake_heading_right(world, 5)
    put_digit(world, (10, 9), 1)
    put_digit(world, (25, 25), 9)
    bot = make_bot(level, seed=1)
    if isinstance(bot, EasyBot):
        bot.wander = 0.0
    assert bot.decide(view_of(world, sid)) == "up"


def test_medium_keeps_off_a_cell_a_longer_head_could_take_when_it_has_another_move() -> None:
    """The digit dead ahead is one step from a longer snake's head too: a head-on there
    would kill us, so medium turns away."""
    world = quiet_world()
    sid = snake_heading_right(world, 4)
    put_digit(world, (11, 10), 9)
    place(world, 2, [(12, 10), (13, 10), (14, 10), (15, 10), (16, 10), (17, 10)])
    assert MediumBot().decide(view_of(world, sid)) in ("up", "down")


def test_hard_meets_a_shorter_snake_head_on_when_it_heads_for_the_same_cell() -> None:
    """A 3-cell snake comes down towards the cell in front of our 8-cell head: meeting it
    there kills it (and scores), so hard goes straight on rather than for the digit."""
    world = quiet_world()
    sid = snake_heading_right(world, 8)
    place(world, 2, [(11, 9), (11, 8), (11, 7)])
    put_digit(world, (10, 12), 5)
    assert HardBot().decide(view_of(world, sid)) == "right"


def test_hard_shuts_a_nearby_snake_into_a_dead_end_when_it_can() -> None:
    """A 6-cell snake crawls right along a walled channel whose only way out is the cell in
    front of our head: hard steps into it, and the other snake is left one cell to live."""
    world = quiet_world()
    for x in range(2, 10):  # the channel (2, 5) .. (9, 5), closed on the left
        put_stone(world, (x, 4))
        put_stone(world, (x, 6))
    put_stone(world, (1, 5))
    place(world, 2, [(x, 5) for x in range(8, 2, -1)])  # head (8, 5), heading right
    place(world, 1, [(11, y) for y in range(5, 13)])  # head (11, 5), heading up
    assert HardBot().decide(view_of(world, 1)) == "left"


# -- the levels' contract --------------------------------------------------------------------


def test_the_levels_are_easy_medium_and_hard_and_make_bot_builds_each() -> None:
    assert LEVELS == ("easy", "medium", "hard")
    assert [type(make_bot(level)) for level in LEVELS] == [EasyBot, MediumBot, HardBot]
    assert isinstance(make_bot(), MediumBot)


def test_an_unknown_level_is_a_value_error_that_names_the_levels() -> None:
    with pytest.raises(ValueError, match="unknown bot level 'expert'.*easy, medium, hard"):
        make_bot("expert")


def play(robots: list[Robot], ticks: int, seed: int = 3) -> list[tuple[int, str | None]]:
    """Play the robots in one 30 x 20 world (each rejoins when it dies); return every
    decision, as (tick, choice)."""
    world = World(WorldConfig(width=30, height=20), seed=seed)
    seen = WorldView()
    seen.apply_snapshot(frames.snapshot(world))
    snake_of: dict[int, int] = {}
    decisions: list[tuple[int, str | None]] = []
    for _ in range(ticks):
        intents: list[Join | Turn] = []
        for i, robot in enumerate(robots):
            sid = snake_of.get(i)
            if sid is None:
                intents.append(Join(i, f"r{i}"))
                continue
            choice = robot.decide(View.of(seen, sid))
            decisions.append((world.tick, choice))
            if choice is not None:
                intents.append(Turn(sid, Direction(choice)))
        report = world.step(intents)
        dead = {d.snake_id for d in report.deaths}
        snake_of = {i: s for i, s in snake_of.items() if s not in dead}
        snake_of.update({spawn.ref: spawn.snake_id for spawn in report.spawns})
        seen.apply_frame(frames.frame(report, world, at_ms=0))
    return decisions


@pytest.mark.parametrize("seed", [11, "a seed"])
def test_bots_with_the_same_seed_make_the_same_decisions(seed: int | str) -> None:
    first = play([make_bot(level, seed=seed) for level in LEVELS * 2], 300)
    again = play([make_bot(level, seed=seed) for level in LEVELS * 2], 300)
    assert first == again
    assert len({choice for _, choice in first}) > 1  # they did steer


# -- the example robots ----------------------------------------------------------------------


def test_each_example_robot_is_a_named_robot_importing_only_snakepit_robots() -> None:
    assert [RandomSafe.name, Greedy.name, Survivor.name] == ["random safe", "greedy",
                                                            "survivor"]
    folder = Path(examples_package.__file__).parent
    for name in ("random_safe", "greedy", "survivor"):
        tree = ast.parse((folder / f"{name}.py").read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        assert imported <= {"__future__", "snakepit.robots", "snakepit.robots.brains"}, name


def test_the_survivor_takes_the_roomiest_move_even_past_a_digit() -> None:
    world = quiet_world()
    sid = snake_heading_right(world, 6)
    put_stone(world, (11, 10))
    for y in (8, 9):
        put_stone(world, (9, y))
        put_stone(world, (11, y))
    put_stone(world, (10, 7))
    put_digit(world, (10, 9), 9)
    assert seeded(Survivor)().decide(view_of(world, sid)) == "down"
