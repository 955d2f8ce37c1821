"""The client counts a ``snakepit bench`` ramp goes through, as the command line gives them."""

from __future__ import annotations

import re

#: The ramp of ``snakepit bench`` when none is given: coarse up to 4,000 clients, then in
#: steps of 500, so that a capacity (and the ratio of two) is not rounded by thousands; up
#: to 16,000, past the raw limit of the development machine (10,500-12,000+ in December 2026).
DEFAULT_STEPS = "1000,2000,3000,4000-16000/500"
#: More steps than this is a typo (each step takes tens of seconds on each server).
MAX_STEPS = 200
#: More clients than this in one step is not a load one machine's ports can make.
MAX_CLIENTS = 1_000_000

_COUNT = re.compile(r"[0-9]+")
_RANGE = re.compile(r"([0-9]+)-([0-9]+)/([0-9]+)")


def parse_steps(text: str) -> tuple[int, ...]:
    """The client counts of a ramp, in increasing order, from counts and ranges separated
    by commas: ``"1000,2000,4000-6000/500"`` is 1000, 2000, 4000, 4500, 5000, 5500, 6000
    (a range ``FIRST-LAST/STEP`` includes LAST when the steps land on it). Raises
    ValueError, naming the part that is wrong, for anything else: a count below 1 or above
    :data:`MAX_CLIENTS`, or more than :data:`MAX_STEPS` counts in all."""
    counts: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        ranged = _RANGE.fullmatch(part)
        if ranged:
            first, last, step = (int(n) for n in ranged.groups())
            if step < 1 or last < first:
                raise ValueError(f"{part!r}: a range goes up, in steps of at least 1")
            if (last - first) // step + 1 + len(counts) > MAX_STEPS:
                raise ValueError(f"{part!r}: a ramp has at most {MAX_STEPS} steps")
            counts.update(range(first, last + 1, step))
        elif _COUNT.fullmatch(part):
            counts.add(int(part))
        else:
            raise ValueError(f"{part!r} is neither a client count nor a range FIRST-LAST/STEP")
    if min(counts) < 1 or max(counts) > MAX_CLIENTS:
        raise ValueError(f"{text!r}: each step is 1 to {MAX_CLIENTS:,} clients")
    if len(counts) > MAX_STEPS:
        raise ValueError(f"{text!r}: a ramp has at most {MAX_STEPS} steps")
    return tuple(sorted(counts))
