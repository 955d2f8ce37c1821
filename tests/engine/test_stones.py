"""Stones: they appear over time up to a cap, keep away from heads, and crumble later."""

from __future__ import annotations

import random

import pytest
from engine_helpers import autopilot

from snakepit.engine import Join, World, WorldConfig
from snakepit.engine.geometry import chebyshev


def stone_world(**overrides) -> World:
    fields = dict(width=30, height=30, digits_base=0, digits_per_snake=0, stone_interval=5,
                  stone_cap=3, stone_ttl=1000)
    fields.update(overrides)
    return World(WorldConfig(**fields), seed=9)


def test_a_stone_appears_every_stone_interval_ticks_until_the_cap() -> None:
    world = stone_world()
    added_at = []
    for _ in range(60):
        report = world.step()
        added_at += [world.tick] * len(report.stones_added)
        assert len(world.stones) == min(3, world.tick // 5)
    assert added_at == [5, 10, 15]


def test_the_default_cap_is_one_stone_per_150_cells() -> None:
    assert WorldConfig().max_stones == 60 * 40 // 150 == 16
    assert WorldConfig(width=10, height=10).max_stones == 0
    assert WorldConfig(stone_cap=0).max_stones == 0
    assert WorldConfig(stone_cap=5).max_stones == 5


@pytest.mark.parametrize("ttl", [10, 21, 40])
def test_a_stone_crumbles_between_ttl_and_one_and_a_half_ttl_ticks_later(ttl: int) -> None:
    world = stone_world(stone_cap=1, stone_ttl=ttl)
    placed: dict = {}
    lifetimes = []
    for _ in range(20 * ttl):
        report = world.step()
        for cell in report.stones_removed:
            lifetimes.append(world.tick - placed.pop(cell))
        for cell in report.stones_added:
            placed[cell] = world.tick
    assert len(lifetimes) >= 10
    assert all(ttl <= life <= ttl + ttl // 2 for life in lifetimes), lifetimes
    assert len(set(lifetimes)) > 1  # the extra time is random


def test_a_crumbled_stone_frees_room_under_the_cap() -> None:
    world = stone_world(stone_cap=1, stone_ttl=10)
    ticks_with_a_new_stone = []
    for _ in range(100):
        report = world.step()
        if report.stones_added:
            ticks_with_a_new_stone.append(world.tick)
        assert len(world.stones) <= 1
    assert len(ticks_with_a_new_stone) >= 4
    assert all(t % 5 == 0 for t in ticks_with_a_new_stone)


def test_stones_never_appear_near_a_head() -> None:
    config = WorldConfig(width=20, height=20, stone_interval=1, stone_cap=40, stone_ttl=30,
                         stone_head_distance=3)
    world = World(config, seed=21)
    rng = random.Random(21)
    world.step([Join(i, f"p{i}") for i in range(6)])
    checked = 0
    for _ in range(200):
        intents = autopilot(world, rng)
        if len(world.snakes) < 4:
            intents.append(Join(1000 + world.tick, "again"))
        report = world.step(intents)
        # Stones are placed after heads have moved and before new snakes spawn.
        heads = [m.head for m in report.moves]
        for stone in report.stones_added:
            assert all(chebyshev(stone, h) >= config.stone_head_distance for h in heads)
            checked += 1
    assert checked >= 50
