"""Steering: turns are queued per snake and applied one per tick.

All positions are on a quiet 20 x 20 board with one snake in the middle heading right.
"""

from __future__ import annotations

from engine_helpers import DOWN, LEFT, RIGHT, UP, place, quiet_world, turns

from snakepit.engine import Leave, Turn, World


def heading_right() -> World:
    world = quiet_world(20, 20)
    place(world, 1, "ann", [(10, 10), (9, 10), (8, 10)], RIGHT)
    return world


def headings(world: World, ticks: int, first=()) -> list:
    """The snake's heading after each of ``ticks`` ticks; ``first`` are the first tick's intents."""
    out = []
    for i in range(ticks):
        world.step(first if i == 0 else ())
        out.append(world.snakes[1].direction)
    return out


def test_a_turn_takes_effect_in_the_tick_it_arrives() -> None:
    world = heading_right()
    world.step(turns(1, UP))
    assert world.snakes[1].head == (10, 9)


def test_reversing_into_the_neck_is_ignored() -> None:
    world = heading_right()
    world.step(turns(1, LEFT))
    assert world.snakes[1].head == (11, 10)
    assert world.snakes[1].direction is RIGHT
    assert not world.snakes[1].turns


def test_a_turn_that_reverses_the_last_queued_turn_is_ignored() -> None:
    world = heading_right()
    assert headings(world, 3, turns(1, UP, DOWN)) == [UP, UP, UP]


def test_a_turn_equal_to_the_current_heading_takes_no_queue_slot() -> None:
    world = heading_right()
    assert headings(world, 4, turns(1, RIGHT, UP, LEFT, DOWN)) == [UP, LEFT, DOWN, DOWN]


def test_a_quick_up_then_left_is_never_lost() -> None:
    world = heading_right()
    assert headings(world, 3, turns(1, UP, LEFT)) == [UP, LEFT, LEFT]
    assert list(world.snakes[1].body)[:3] == [(8, 9), (9, 9), (10, 9)]


def test_three_turns_in_one_tick_are_applied_one_per_tick() -> None:
    world = heading_right()
    assert headings(world, 4, turns(1, UP, LEFT, DOWN)) == [UP, LEFT, DOWN, DOWN]


def test_a_fourth_turn_within_one_tick_is_dropped() -> None:
    world = heading_right()
    assert headings(world, 5, turns(1, UP, LEFT, DOWN, RIGHT)) == [UP, LEFT, DOWN, DOWN, DOWN]


def test_the_queue_length_comes_from_the_config() -> None:
    world = quiet_world(20, 20, turn_queue=1)
    place(world, 1, "ann", [(10, 10), (9, 10), (8, 10)], RIGHT)
    assert headings(world, 3, turns(1, UP, LEFT)) == [UP, UP, UP]


def test_turns_left_in_the_queue_carry_over_and_new_ones_queue_behind_them() -> None:
    world = heading_right()
    world.step(turns(1, UP, LEFT, DOWN))  # UP applied; LEFT, DOWN wait
    world.step(turns(1, RIGHT))  # LEFT applied; DOWN, RIGHT wait
    assert world.snakes[1].direction is LEFT
    assert list(world.snakes[1].turns) == [DOWN, RIGHT]
    assert headings(world, 2) == [DOWN, RIGHT]


def test_turns_for_an_unknown_snake_are_ignored() -> None:
    world, twin = heading_right(), heading_right()
    world.step([Turn(99, UP), Turn(0, DOWN)])
    twin.step()
    assert world.fingerprint() == twin.fingerprint()


def test_turns_for_a_snake_that_left_are_ignored() -> None:
    world = heading_right()
    place(world, 2, "bob", [(3, 3), (2, 3), (1, 3)], RIGHT)
    report = world.step([Leave(2), Turn(2, DOWN), Turn(1, UP)])
    assert [d.snake_id for d in report.deaths] == [2]
    assert world.snakes[1].head == (10, 9)
    world.step([Turn(2, UP)])  # and in later ticks too
    assert set(world.snakes) == {1}


def test_each_snake_has_its_own_queue() -> None:
    world = heading_right()
    place(world, 2, "bob", [(5, 5), (4, 5), (3, 5)], RIGHT)
    world.step([Turn(1, UP), Turn(2, DOWN), Turn(1, LEFT)])
    assert (world.snakes[1].direction, world.snakes[2].direction) == (UP, DOWN)
    assert list(world.snakes[1].turns) == [LEFT]
    assert not world.snakes[2].turns
