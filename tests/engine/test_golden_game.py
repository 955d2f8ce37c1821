"""The same seed and intents give the same game as in every earlier version.

Recordings are verified by playing them again (docs/replays.md), so any change to what a
tick does, to the order in which it draws from the generator, or to what it reports,
makes older recordings diverge. These digests were taken with the engine of November 2026
and hold for every version since; a change that alters a game on purpose must say so in
docs/replays.md, and change them here.
"""

from __future__ import annotations

import hashlib

import pytest
from engine_helpers import busy_game

from snakepit.engine import TickReport, World, WorldConfig
from snakepit.protocol import encode
from snakepit.protocol import frames as wire
from snakepit.replay.recording import full_digest, tick_digest

GAMES = {
    "30x20, fast stones and corpses, 8 players": (
        WorldConfig(width=30, height=20, stone_interval=5, stone_ttl=60, corpse_ttl=40), 77,
        600, 8, "ebc0d2b2de21ea880a6bcbdac86e5edbedea09ec11dc21bd008ac4753fe33c6a"),
    "60x40, 16 players": (
        WorldConfig(), 5, 600, 16,
        "1e0d19962807b12a51b0c7b96ae58a69991a141703cda068facc0ad1f9029a72"),
    "60x40, 30 players on a crowded board": (
        WorldConfig(), 9, 400, 30,
        "cd720fd90c3c90a44a7fb0e3d8d65d49bb334c2dada5015a131436b52d8c1a67"),
    "12x10, 12 players with no room": (
        WorldConfig(width=12, height=10), 3, 400, 12,
        "3c1be411f78e3f4fed43c294826f82e2d758a4d5747c93ac4d2bc61602f89945"),
}


def _plain(report: TickReport) -> tuple:
    return (report.tick, [(m.snake_id, m.head, m.grew) for m in report.moves],
            [tuple(getattr(d, f) for f in d.__slots__) for d in report.deaths],
            [(s.ref, s.snake_id) for s in report.spawns], report.rejected,
            report.digits_added, report.digits_removed, report.stones_added,
            report.stones_removed, report.scores)


def game_digest(config: WorldConfig, seed: int, ticks: int, players: int) -> str:
    """Every tick's report, state, recording digests, frame and snapshot, hashed."""
    world = World(config, seed=seed)
    digest = hashlib.sha256()
    for _, report in busy_game(world, ticks, driver_seed=seed, players=players):
        digest.update(repr((_plain(report), world.fingerprint())).encode())
        digest.update(tick_digest(world).encode() + repr(full_digest(world)).encode())
        digest.update(encode(wire.frame(report, world, 12345, 3, {1, 2})))
        digest.update(encode(wire.snapshot(world, 3, {1})))
    return digest.hexdigest()


@pytest.mark.parametrize("name", GAMES)
def test_a_busy_game_is_the_game_it_always_was(name: str) -> None:
    config, seed, ticks, players, expected = GAMES[name]
    assert game_digest(config, seed, ticks, players) == expected
