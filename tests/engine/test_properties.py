"""Properties that hold in every game: random seeds, small random rules, random intents."""

from __future__ import annotations

import random

from game_strategies import Game, games, play
from hypothesis import given, settings
from hypothesis import strategies as st

from snakepit.engine import Turn, World
from snakepit.engine.geometry import chebyshev

EXAMPLES = settings(max_examples=120, deadline=None)


def inside(world: World, cell) -> bool:
    return 0 <= cell[0] < world.config.width and 0 <= cell[1] < world.config.height


@EXAMPLES
@given(games)
def test_no_two_snakes_share_a_cell_and_occupancy_is_exactly_the_live_bodies(game: Game) -> None:
    for world, _, _ in play(game):
        bodies = [cell for snake in world.snakes.values() for cell in snake.body]
        assert len(bodies) == len(set(bodies)), f"tick {world.tick}: snakes overlap"
        assert world.occupancy == {
            cell: sid for sid, snake in world.snakes.items() for cell in snake.body
        }


@EXAMPLES
@given(games)
def test_a_snake_is_always_as_long_as_it_started_plus_what_it_ate(game: Game) -> None:
    for world, _, _ in play(game):
        for snake in world.snakes.values():
            assert len(snake.body) + snake.grow == world.config.start_length + snake.eaten, (
                f"tick {world.tick}: snake {snake.id}"
            )


@EXAMPLES
@given(games)
def test_nothing_is_ever_off_the_grid_or_on_top_of_anything_else(game: Game) -> None:
    for world, _, _ in play(game):
        snakes = set(world.occupancy)
        digits = set(world.digits)
        stones = set(world.stones)
        for cell in snakes | digits | stones:
            assert inside(world, cell), f"tick {world.tick}: {cell} is off the grid"
        assert not snakes & digits, f"tick {world.tick}: a digit under a snake"
        assert not snakes & stones, f"tick {world.tick}: a stone under a snake"
        assert not digits & stones, f"tick {world.tick}: a digit under a stone"
        assert all(1 <= v <= 9 for v in world.digits.values())


@EXAMPLES
@given(games)
def test_bodies_are_chains_and_heads_face_away_from_their_necks(game: Game) -> None:
    for world, _, _ in play(game):
        for snake in world.snakes.values():
            body = list(snake.body)
            for a, b in zip(body, body[1:]):
                assert abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1, f"snake {snake.id}: {body}"
            assert snake.direction.ahead(body[1]) == body[0]
            assert len(snake.turns) <= world.config.turn_queue


@EXAMPLES
@given(games)
def test_the_digit_count_keeps_pace_with_the_snakes_whenever_there_is_room(game: Game) -> None:
    cfg = game.config
    for world, _, report in play(game):
        # Digits are topped up in stage 7, before this tick's newcomers spawn in stage 8.
        newcomers = [world.snakes[spawn.snake_id] for spawn in report.spawns]
        settled = len(world.snakes) - len(newcomers)
        taken = len(world.occupancy) - sum(len(s.body) for s in newcomers) + len(world.stones)
        room = cfg.width * cfg.height - taken
        wanted = cfg.digits_base + cfg.digits_per_snake * settled
        assert len(world.digits) >= min(wanted, room), f"tick {world.tick}"


@settings(max_examples=80, deadline=None)
@given(games)
def test_the_same_seed_and_intents_replay_every_tick_exactly(game: Game) -> None:
    first = [(intents, report, world.fingerprint()) for world, intents, report in play(game)]
    replay = game.world()
    for tick, (intents, report, fingerprint) in enumerate(first, start=1):
        assert replay.step(intents) == report, f"tick {tick}: the reports differ"
        assert replay.fingerprint() == fingerprint, f"tick {tick}: the worlds differ"


def interleave_turns(intents: list, rng: random.Random) -> list:
    """The same intents with the turns of different snakes in another order.

    Each snake's own turns keep their order (that order is its steering); joins, leaves and
    every non-turn intent stay where they were.
    """
    slots = [i for i, intent in enumerate(intents) if isinstance(intent, Turn)]
    queues: dict[int, list[Turn]] = {}
    for i in slots:
        queues.setdefault(intents[i].snake_id, []).append(intents[i])
    owners = [intents[i].snake_id for i in slots]
    rng.shuffle(owners)
    out = list(intents)
    for i, owner in zip(slots, owners):
        out[i] = queues[owner].pop(0)
    return out


@settings(max_examples=80, deadline=None)
@given(games, st.randoms(use_true_random=False))
def test_the_order_of_different_snakes_turns_within_a_tick_does_not_matter(
    game: Game, rng: random.Random
) -> None:
    shuffled = game.world()
    for world, intents, report in play(game):
        other = shuffled.step(interleave_turns(intents, rng))
        assert shuffled.fingerprint() == world.fingerprint(), f"tick {world.tick}"
        assert other == report, f"tick {world.tick}"


@settings(max_examples=60, deadline=None)
@given(games)
def test_new_stones_keep_their_distance_from_every_head_that_moved(game: Game) -> None:
    for world, _, report in play(game):
        heads = [move.head for move in report.moves]
        for stone in report.stones_added:
            assert all(chebyshev(stone, h) >= world.config.stone_head_distance for h in heads)
