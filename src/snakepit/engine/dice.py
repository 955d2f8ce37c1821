"""How a world draws numbers from its generator.

Every number the engine draws is ``below(rng, n)``: a uniform integer from ``0`` to
``n - 1``, made from ``rng.getrandbits`` by rejection (draw ``n.bit_length()`` bits, again
while the result is ``n`` or more). These are the very numbers ``random.Random.randrange(n)``
gives in CPython 3.11 to 3.13, but the method is the engine's own rather than a detail of
the standard library, so a recorded game replays the same on any later Python too; and it
costs a third of ``randrange``, which spawning calls dozens of times a tick.
"""

from __future__ import annotations

import random


def below(rng: random.Random, n: int) -> int:
    """A uniform integer ``0 <= k < n`` (``n`` at least 1)."""
    if n < 1:
        raise ValueError(f"nothing to draw below {n}")
    bits = n.bit_length()
    getrandbits = rng.getrandbits
    k = getrandbits(bits)
    while k >= n:
        k = getrandbits(bits)
    return k


def digit(rng: random.Random, top: int) -> int:
    """A uniform integer ``1 <= d <= top``."""
    return 1 + below(rng, top)
