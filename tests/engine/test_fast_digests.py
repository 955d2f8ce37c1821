"""The C engine computes the recordings' digests itself, and gets the same ones.

``FastWorld.tick_digest()`` and ``FastWorld.full_digest()`` write the msgpack documents of
docs/replays.md in C and hash them with the SHA-256 of ``_sha256.h``. They must equal what
:func:`~snakepit.replay.recording.tick_digest_of` and
:func:`~snakepit.replay.recording.full_digest_of` compute from the world's Python views with
msgspec and hashlib, in every encoding's size class: more than 15 snakes, digits or stones
(16-bit map and array headers), names of 32 bytes and more (8- and 16-bit string headers),
queued turns, snakes born in the tick. (That the views equal World's own state is
tests/engine/test_fast_world.py's business.)
"""

from __future__ import annotations

import hashlib
import random

import pytest

from snakepit.engine import DIRECTIONS, Join, Turn, WorldConfig
from snakepit.engine.fast import AVAILABLE, FastWorld
from snakepit.replay.recording import full_digest, full_digest_of, tick_digest, tick_digest_of

pytestmark = pytest.mark.skipif(
    not AVAILABLE, reason="the C extension snakepit.engine._fastworld is not built")


@pytest.mark.parametrize("size", [*range(0, 130), 1000, 4096, 100_003])
def test_sha256_is_hashlibs_at_every_padding_shape(size: int) -> None:
    from snakepit.engine import _fastworld

    data = random.Random(size).randbytes(size)
    assert _fastworld._sha256(data) == hashlib.sha256(data).digest()


NAMES = ["a", "x" * 31, "y" * 32, "é" * 40, "名" * 100, "z" * 255, "w" * 256]


def crowded_world(seed: int) -> FastWorld:
    """A big board that fills with snakes of every name size, digits and stones."""
    return FastWorld(WorldConfig(width=90, height=70, digits_base=30, stone_interval=3,
                                 stone_cap=40), seed=seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_c_digests_equal_the_python_ones_every_tick(seed: int) -> None:
    world = crowded_world(seed)
    rng = random.Random(seed)
    assert world.full_digest() == full_digest_of(world)  # before the first tick too
    sizes = set()
    for tick in range(120):
        intents: list[Join | Turn] = []
        if tick % 3 == 0 and world.snake_count < 24:
            intents += [Join(tick * 10 + k, NAMES[(tick + k) % len(NAMES)]) for k in range(3)]
        for sid in world.ids():
            for _ in range(rng.choice([0, 0, 1, 2])):
                intents.append(Turn(sid, rng.choice(DIRECTIONS)))
        world.step(intents)
        assert world.tick_digest() == tick_digest_of(world), f"tick {world.tick}"
        assert world.full_digest() == full_digest_of(world), f"tick {world.tick}"
        sizes.add((world.snake_count >= 16, len(world.digits_items()) >= 16,
                   len(world.stones_items()) >= 16))
    assert (True, True, True) in sizes, "the 16-bit headers were never exercised"


def test_the_recording_functions_use_the_c_digests() -> None:
    world = crowded_world(5)
    world.step([Join(1, "p")])
    assert tick_digest(world) == world.tick_digest() == tick_digest_of(world)
    assert full_digest(world) == world.full_digest() == full_digest_of(world)
