"""Digits: eating them scores and grows a snake; the board keeps enough of them, on free cells."""

from __future__ import annotations

import pytest
from engine_helpers import RIGHT, place, put_digit, put_stone, quiet_world

from snakepit.engine import Join, Leave, Move, World, WorldConfig


@pytest.mark.parametrize("digit", range(1, 10))
def test_eating_digit_d_scores_d_and_keeps_the_tail_still_for_exactly_d_ticks(digit: int) -> None:
    world = quiet_world(20, 10)
    place(world, 1, "ann", [(2, 5), (1, 5), (0, 5)], RIGHT)
    put_digit(world, (3, 5), digit)

    report = world.step()
    snake = world.snakes[1]
    assert (snake.score, snake.grow, snake.eaten, snake.length) == (digit, digit, digit, 3)
    assert report.digits_removed == [(3, 5)]
    assert report.scores == [(1, digit)]
    assert (3, 5) not in world.digits

    grew = [world.step().moves[0].grew for _ in range(digit + 1)]
    assert grew == [True] * digit + [False]
    assert snake.length == 3 + digit
    assert snake.grow == 0
    assert snake.body[-1] == (2, 5)  # the tail waited d ticks, then moved one cell


def test_the_tick_that_eats_does_not_grow_yet() -> None:
    world = quiet_world(20, 10)
    place(world, 1, "ann", [(2, 5), (1, 5), (0, 5)], RIGHT)
    put_digit(world, (3, 5), 5)
    assert world.step().moves == [Move(1, (3, 5), False)]
    assert list(world.snakes[1].body) == [(3, 5), (2, 5), (1, 5)]


def test_digits_eaten_while_growing_add_up() -> None:
    world = quiet_world(20, 10)
    place(world, 1, "ann", [(2, 5), (1, 5), (0, 5)], RIGHT)
    put_digit(world, (3, 5), 2)
    put_digit(world, (4, 5), 3)
    world.step()
    world.step()
    snake = world.snakes[1]
    assert (snake.score, snake.eaten, snake.grow, snake.length) == (5, 5, 4, 4)
    for _ in range(6):
        world.step()
    assert snake.length == 3 + 5


def test_the_board_keeps_digits_base_plus_digits_per_snake_for_each_live_snake() -> None:
    config = WorldConfig(width=40, height=30, digits_base=4, digits_per_snake=2, stone_cap=0)
    world = World(config, seed=3)
    world.step()
    assert len(world.digits) == 4

    report = world.step([Join(1, "a"), Join(2, "b"), Join(3, "c")])
    assert len(report.spawns) == 3
    # Spawning is the tick's last stage: the new snakes' digits come with the next tick.
    world.step()
    assert len(world.snakes) == 3
    assert len(world.digits) == 4 + 2 * 3


def test_a_digit_that_is_eaten_is_replaced_in_the_same_tick() -> None:
    world = quiet_world(20, 10, digits_base=1)
    place(world, 1, "ann", [(2, 5), (1, 5), (0, 5)], RIGHT)
    put_digit(world, (3, 5), 4)
    report = world.step()
    assert len(world.digits) == 1 and (3, 5) not in world.digits
    assert [cell for cell, _ in report.digits_added] == list(world.digits)


def test_fewer_snakes_never_take_digits_away() -> None:
    config = WorldConfig(width=30, height=30, digits_base=3, digits_per_snake=2, stone_cap=0)
    world = World(config, seed=5)
    world.step([Join(1, "a"), Join(2, "b")])
    world.step()
    assert len(world.digits) == 7
    report = world.step([Leave(sid) for sid in sorted(world.snakes)])
    assert len(report.deaths) == 2
    assert len(world.digits) >= 7  # the two bodies even add a few


def test_digits_appear_only_on_free_cells_and_a_full_board_still_ends_its_tick() -> None:
    world = quiet_world(10, 10, digits_base=500)
    free_rows = {8, 9}
    for x in range(10):
        for y in range(10):
            if y not in free_rows:
                put_stone(world, (x, y))
    place(world, 1, "ann", [(5, 9), (4, 9), (3, 9)], RIGHT)

    report = world.step()

    free = {(x, y) for x in range(10) for y in free_rows} - set(world.occupancy)
    assert set(world.digits) == free  # every free cell, and nothing else
    assert len(free) == 17
    assert sorted(cell for cell, _ in report.digits_added) == sorted(free)
    assert all(1 <= v <= 9 for v in world.digits.values())


def test_random_digits_are_worth_one_to_nine() -> None:
    world = World(WorldConfig(digits_base=300, stone_cap=0), seed=11)
    world.step()
    assert set(world.digits.values()) == set(range(1, 10))
