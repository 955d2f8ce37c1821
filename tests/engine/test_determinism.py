"""Determinism: the same seed and the same intents replay the same game, tick for tick."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

from engine_helpers import busy_game

from snakepit.engine import World, WorldConfig

BUSY = WorldConfig(width=30, height=20, stone_interval=5, stone_ttl=60, corpse_ttl=40)
TICKS = 400


def test_two_worlds_with_the_same_seed_and_intents_stay_identical_through_a_busy_game() -> None:
    world, twin = World(BUSY, seed=77), World(BUSY, seed=77)
    seen: Counter = Counter()
    for intents, report in busy_game(world, TICKS, driver_seed=5):
        assert twin.step(intents) == report, f"tick {world.tick}: the reports differ"
        assert twin.fingerprint() == world.fingerprint(), f"tick {world.tick}: the worlds differ"
        seen.update(d.cause.value for d in report.deaths)
        seen["spawns"] += len(report.spawns)
        seen["eaten"] += sum(1 for m in report.moves if m.head in report.digits_removed)
        seen["stones"] += len(report.stones_added)
    # It was a busy game: snakes came and went in every way, ate, and met stones.
    assert seen["spawns"] >= 20 and seen["eaten"] >= 20 and seen["stones"] >= 10, seen
    assert seen["left"] and seen["wall"] + seen["snake"] + seen["head-on"] + seen["self"] >= 10


def test_worlds_with_different_seeds_differ() -> None:
    a, b = World(BUSY, seed=1), World(BUSY, seed=2)
    a.step()
    b.step()
    assert a.digits != b.digits
    a_games = [a.fingerprint() for _ in busy_game(a, 100, driver_seed=5)]
    b_games = [b.fingerprint() for _ in busy_game(b, 100, driver_seed=5)]
    assert all(x != y for x, y in zip(a_games, b_games))


def test_a_game_never_draws_from_the_global_random_generator() -> None:
    random.seed(1234)
    state = random.getstate()
    for _ in busy_game(World(BUSY, seed=3), 200, driver_seed=3):
        pass
    assert random.getstate() == state


GAME_DIGEST = """
import hashlib, sys
sys.path.insert(0, {here!r})
from engine_helpers import busy_game
from snakepit.engine import World, WorldConfig
world = World(WorldConfig(width=30, height=20, stone_interval=5, stone_ttl=60, corpse_ttl=40),
              seed=77)
digest = hashlib.sha256()
for intents, report in busy_game(world, 300, driver_seed=5):
    digest.update(repr((intents, report, world.fingerprint())).encode())
print(digest.hexdigest())
"""


def digest_in_a_fresh_process(hash_seed: str) -> str:
    code = GAME_DIGEST.format(here=str(Path(__file__).parent))
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout.strip()


def test_a_replay_is_identical_in_another_process_with_another_hash_seed() -> None:
    world = World(BUSY, seed=77)
    digest = hashlib.sha256()
    for intents, report in busy_game(world, 300, driver_seed=5):
        digest.update(repr((intents, report, world.fingerprint())).encode())
    assert digest_in_a_fresh_process("1") == digest_in_a_fresh_process("999") == (
        digest.hexdigest()
    )
