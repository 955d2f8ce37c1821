"""Corpses: a snake that dies or leaves turns into digits, which fade after a while."""

from __future__ import annotations

import pytest
from engine_helpers import DOWN, LEFT, RIGHT, UP, death_of, place, put_digit, quiet_world, turns

from snakepit.engine import Cause, Leave

# A 7-cell snake about to run into the right wall of a 10 x 10 board.
DOOMED = [(9, 5), (8, 5), (7, 5), (6, 5), (5, 5), (4, 5), (3, 5)]


@pytest.mark.parametrize("step", [1, 2, 3])
def test_every_corpse_step_th_cell_of_a_dead_body_becomes_a_digit(step: int) -> None:
    world = quiet_world(corpse_step=step, corpse_max_digit=4)
    place(world, 1, "ann", DOOMED, RIGHT)
    report = world.step()
    assert death_of(report, 1).cause is Cause.WALL
    # Its tail left (3, 5) before the head hit the wall: the body is the other six cells.
    body = DOOMED[:-1]
    assert sorted(world.digits) == sorted(body[::step])
    assert sorted(report.digits_added) == sorted(world.digits.items())
    assert all(1 <= v <= 4 for v in world.digits.values())
    assert not world.occupancy


def test_a_growing_snake_dies_with_its_tail() -> None:
    world = quiet_world(corpse_step=1)
    place(world, 1, "ann", DOOMED, RIGHT, grow=1)
    world.step()
    assert sorted(world.digits) == sorted(DOOMED)


def test_corpse_digits_are_worth_one_to_corpse_max_digit() -> None:
    values = set()
    for seed in range(30):
        world = quiet_world(seed=seed, corpse_step=1, corpse_max_digit=3)
        place(world, 1, "ann", DOOMED, RIGHT)
        world.step()
        values |= set(world.digits.values())
    assert values == {1, 2, 3}


def test_corpse_digits_fade_after_corpse_ttl_ticks() -> None:
    world = quiet_world(corpse_ttl=5)
    place(world, 1, "ann", DOOMED, RIGHT)
    world.step()
    corpse = set(world.digits)
    assert corpse
    for _ in range(4):
        assert not world.step().digits_removed
    assert set(world.digits) == corpse  # still there at the end of tick 5
    report = world.step()
    assert world.tick == 6
    assert sorted(report.digits_removed) == sorted(corpse)
    assert not world.digits


def test_an_eaten_corpse_digit_does_not_fade_later_and_takes_no_new_digit_with_it() -> None:
    world = quiet_world(20, 10, corpse_ttl=10, corpse_step=1)
    place(world, 1, "ann", [(19 - i, 5) for i in range(7)], RIGHT)
    place(world, 2, "bob", [(16, 3), (16, 2), (16, 1)], DOWN)
    world.step()  # ann dies against the wall; bob moves to (16, 4)
    value = world.digits[(16, 5)]
    world.step()  # bob eats the digit at (16, 5)
    assert world.snakes[2].score == value
    world.step()
    world.step(turns(2, LEFT))  # bob heads off along row 6
    while (16, 5) in world.occupancy:
        world.step()
    assert world.tick < 10
    put_digit(world, (16, 5), 9)
    while world.tick < 11:  # ann's remains fade in tick 1 + corpse_ttl
        report = world.step()
    assert report.digits_removed and (16, 5) not in report.digits_removed
    assert world.digits == {(16, 5): 9}


def test_a_snake_that_leaves_is_removed_with_cause_left_and_its_body_becomes_digits() -> None:
    world = quiet_world(corpse_step=2)
    body = [(5, 5), (5, 6), (5, 7), (5, 8)]
    place(world, 1, "ann", body, UP, score=17)
    report = world.step([Leave(1)])
    death = death_of(report, 1)
    assert (death.cause, death.killer_id, death.killer_name) == (Cause.LEFT, None, None)
    assert (death.score, death.length, death.ticks_alive) == (17, 4, 1)
    assert world.snakes == {} and world.occupancy == {}
    assert report.moves == []
    assert sorted(world.digits) == sorted(body[::2])  # the whole body: it never moved


def test_a_leave_happens_before_anyone_moves() -> None:
    world = quiet_world(corpse_step=2)
    place(world, 1, "ann", [(5, 3), (5, 4), (5, 5), (5, 6)], UP)
    place(world, 2, "bob", [(4, 5), (3, 5), (2, 5)], RIGHT)
    report = world.step([Leave(1)])
    # bob would have hit ann's body at (5, 5); instead it eats a digit of her remains
    assert [d.snake_id for d in report.deaths] == [1]
    assert world.snakes[2].head == (5, 5)
    assert world.snakes[2].eaten > 0


def test_leaving_twice_or_as_an_unknown_snake_changes_nothing_more() -> None:
    world = quiet_world()
    place(world, 1, "ann", [(5, 5), (5, 6), (5, 7)], UP)
    report = world.step([Leave(1), Leave(1), Leave(42)])
    assert [d.snake_id for d in report.deaths] == [1]


def test_the_winner_of_a_head_swap_does_not_land_on_a_corpse_digit() -> None:
    world = quiet_world(corpse_step=1)
    place(world, 1, "ann", [(4, 5), (3, 5), (2, 5)], RIGHT)
    place(world, 2, "bob", [(5, 5), (6, 5), (7, 5), (8, 5)], LEFT)
    report = world.step()
    assert death_of(report, 1).cause is Cause.HEAD_ON
    bob = world.snakes[2]
    assert bob.head == (4, 5)
    assert (bob.score, bob.grow) == (world.config.kill_points, 0)  # kill points, no digit
    # the rest of ann's body (its tail left (2, 5)) is a digit
    assert sorted(world.digits) == [(3, 5)]


def test_a_melee_leaves_every_dead_body_as_digits_off_the_snakes() -> None:
    world = quiet_world(corpse_step=1)
    place(world, 1, "ann", [(3, 5), (2, 5), (1, 5)], RIGHT)
    place(world, 2, "bob", [(5, 5), (6, 5), (7, 5)], LEFT)
    place(world, 3, "cy", [(2, 4), (2, 3), (2, 2)], DOWN)
    world.step()
    assert not world.snakes
    assert not set(world.digits) & set(world.occupancy)
    assert sorted(world.digits) == [(2, 3), (2, 4), (2, 5), (3, 5), (5, 5), (6, 5)]
