"""Spawning: where a new snake appears, what it looks like, and when a join is refused."""

from __future__ import annotations

import pytest
from engine_helpers import RIGHT, place, put_stone, quiet_world

from snakepit.engine import PALETTE_SIZE, Join, Leave, Snake, Spawn, World, WorldConfig
from snakepit.engine.geometry import chebyshev


def inside(world: World, cell) -> bool:
    return 0 <= cell[0] < world.config.width and 0 <= cell[1] < world.config.height


def assert_well_formed(world: World, snake: Snake) -> None:
    body = list(snake.body)
    assert len(body) == world.config.start_length
    assert len(set(body)) == len(body)
    assert all(inside(world, c) for c in body)
    for a, b in zip(body, body[1:]):
        assert chebyshev(a, b) == 1 and (a[0] == b[0] or a[1] == b[1]), f"{body} is not a chain"
    assert snake.direction.ahead(body[1]) == body[0], "the head must face away from the neck"
    ahead = snake.direction.ahead(snake.head)
    assert inside(world, ahead) and ahead not in world.occupancy, "it must face open space"
    assert ahead not in world.stones and ahead not in world.digits
    assert (snake.grow, snake.score, snake.kills, snake.eaten, len(snake.turns)) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("seed", range(20))
def test_a_new_snake_has_start_length_cells_on_free_cells_facing_open_space(seed: int) -> None:
    world = World(WorldConfig(), seed=seed)
    for _ in range(seed % 5):
        world.step()
    digits_before, stones_before = dict(world.digits), dict(world.stones)

    report = world.step([Join(7, "ann")])

    assert report.spawns == [Spawn(7, 1)]
    snake = world.snakes[1]
    assert snake.name == "ann" and snake.born_tick == world.tick
    assert_well_formed(world, snake)
    assert not set(snake.body) & (set(digits_before) | set(stones_before) | set(world.digits))
    assert {c: 1 for c in snake.body} == world.occupancy


@pytest.mark.parametrize("seed", range(10))
def test_with_room_a_new_head_keeps_the_margin_and_its_distance_from_other_heads(
    seed: int,
) -> None:
    config = WorldConfig()
    world = World(config, seed=seed)
    place(world, 50, "old", [(30, 20), (29, 20), (28, 20)], RIGHT)
    world.step([Join(ref, f"p{ref}") for ref in range(8)])

    assert len(world.snakes) == 9
    heads = [s.head for s in world.snakes.values()]
    for sid, snake in world.snakes.items():
        if sid == 50:
            continue
        x, y = snake.head
        m = config.spawn_margin
        assert m <= x < config.width - m and m <= y < config.height - m
        others = [h for h in heads if h != snake.head]
        assert min(chebyshev(snake.head, h) for h in others) >= config.spawn_head_distance
        # With room to spare, a snake sees start_length + 2 free cells straight ahead when it
        # is placed (a snake placed later in the same tick may lie across that run).
        there_before = {c for k, s in world.snakes.items() if k <= sid or k == 50 for c in s.body}
        for i in range(1, config.start_length + 3):
            cell = snake.direction.ahead(snake.head, i)
            assert inside(world, cell) and cell not in there_before
            assert cell not in world.digits and cell not in world.stones


def test_a_new_snake_does_not_move_in_the_tick_it_spawns() -> None:
    world = World(WorldConfig(), seed=1)
    report = world.step([Join(1, "ann")])
    assert report.moves == []
    body = list(world.snakes[1].body)
    report = world.step()
    assert report.moves[0].head == world.snakes[1].direction.ahead(body[0])


def test_a_join_on_a_board_with_no_room_is_rejected() -> None:
    world = quiet_world(10, 10)
    for x in range(10):
        for y in range(10):
            put_stone(world, (x, y))
    report = world.step([Join(5, "ann")])
    assert (report.rejected, report.spawns, world.snakes) == ([5], [], {})


def test_joins_are_served_in_the_order_given_until_the_room_runs_out() -> None:
    world = quiet_world(10, 10)
    room = {(x, 0) for x in range(4)}  # exactly one snake and the cell ahead of it
    for x in range(10):
        for y in range(10):
            if (x, y) not in room:
                put_stone(world, (x, y))
    report = world.step([Join(8, "first"), Join(3, "second")])
    assert report.spawns == [Spawn(8, 1)]
    assert report.rejected == [3]
    assert_well_formed(world, world.snakes[1])


def test_a_crowded_board_relaxes_the_margin_rather_than_refuse() -> None:
    world = quiet_world(10, 10)
    place(world, 1, "old", [(2, 9), (1, 9), (0, 9)], RIGHT)
    for x in range(10):
        for y in range(9):
            put_stone(world, (x, y))
    report = world.step([Join(1, "ann")])  # only the bottom row is left
    assert report.spawns == [Spawn(1, 2)]
    new = world.snakes[2]
    assert {c[1] for c in new.body} == {9}
    assert_well_formed(world, new)


def test_ids_are_never_reused() -> None:
    world = World(WorldConfig(), seed=2)
    world.step([Join(1, "a"), Join(2, "b")])
    world.step([Leave(2)])
    report = world.step([Join(3, "c")])
    assert report.spawns == [Spawn(3, 3)]


def test_live_snakes_have_distinct_colors_and_a_freed_color_is_reused() -> None:
    world = World(WorldConfig(digits_base=0, digits_per_snake=0), seed=4)
    world.step([Join(i, f"p{i}") for i in range(PALETTE_SIZE - 1)])
    colors = [s.color for s in world.snakes.values()]
    assert len(set(colors)) == len(colors) == PALETTE_SIZE - 1
    assert set(colors) <= set(range(PALETTE_SIZE))

    gone = world.snakes[3].color
    world.step([Leave(3), Join(100, "new")])
    colors = [s.color for s in world.snakes.values()]
    assert len(set(colors)) == len(colors)
    assert world.snakes[max(world.snakes)].color == gone

    world.step([Join(101, "twelfth")])
    assert sorted(s.color for s in world.snakes.values()) == list(range(PALETTE_SIZE))
