"""The engine's draws: its own method, the same numbers as the standard library's today."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from snakepit.engine.dice import below, digit


@pytest.mark.parametrize("n", [1, 2, 3, 7, 40, 60, 64, 65, 301, 2400])
def test_below_draws_what_randrange_draws_from_the_same_generator(n: int) -> None:
    # Recordings made before the engine drew its own numbers replay identically.
    ours, theirs = random.Random(n), random.Random(n)
    assert [below(ours, n) for _ in range(500)] == [theirs.randrange(n) for _ in range(500)]
    assert ours.getstate() == theirs.getstate()


def test_a_digit_is_one_to_top_and_every_value_comes_up() -> None:
    rng = random.Random(5)
    seen = Counter(digit(rng, 9) for _ in range(9000))
    assert set(seen) == set(range(1, 10))
    assert min(seen.values()) > 800  # about 1,000 each


def test_below_one_is_always_zero_and_still_draws() -> None:
    rng, twin = random.Random(1), random.Random(1)
    assert below(rng, 1) == 0
    twin.getrandbits(1)
    assert rng.getstate() == twin.getstate()
