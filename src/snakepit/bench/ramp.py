"""The client counts a ``snakepit bench`` ramp goes through, as the command line gives them."""

from __future__ import annotations

import re

#: The ramp of ``snakepit bench`` when none is given: coarse up to 4,000 clients, then in
#: steps of 500, so that a capacity (and the ratio of two) is not rounded by thousands.
DEFAULT_STEPS = "1000,2000,3000,4000-12000/500"
_RANGE = re.compile(r"(\d+)-(\d+)/(\d+)")


def parse_steps(text: str) -> tuple[int, ...]:
    """The client counts of a ramp, in increasing order, from counts and ranges separated
    by commas: ``"1000,2000,4000-6000/500"`` is 1000, 2000, 4000, 4500, 5000, 5500, 6000
    (a range ``FIRST-LAST/STEP`` includes LAST when the steps land on it). Raises
    ValueError, saying what is wrong, for anything else."""
    counts: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        ranged = _RANGE.fullmatch(part)
        if ranged:
            first, last, step = (int(n) for n in ranged.groups())
            if step < 1 or last < first:
                raise ValueError(f"{part!r}: a range goes up, in steps of at least 1")
            counts.update(range(first, last + 1, step))
        elif part.isdigit():
            counts.add(int(part))
        else:
            raise ValueError(f"{part!r} is neither a client count nor a range FIRST-LAST/STEP")
    if not counts or min(counts) < 1:
        raise ValueError("a ramp needs client counts of at least 1")
    return tuple(sorted(counts))
