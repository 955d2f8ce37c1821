"""The elimination stage: which snakes die after every head has moved, and who gets credit.

All heads move at once, so this function sees every proposed head together and never walks
the snakes in an order that could favour one of them. Its rules, in the order they are
checked for each snake:

1. A head outside the grid dies against the wall.
2. A head on a stone dies against the stone.
3. A head on a snake's body dies against that body: ``SELF`` if it is its own, ``SNAKE``
   otherwise, with the body's owner as the killer. Bodies are taken *after* the move: tails
   that moved away this tick have left their cells (so following a tail is safe), tails of
   growing snakes have not (so following a growing tail is deadly).
4. Heads that meet (on one free cell, or by swapping places through each other) are a
   head-on: the longest snake survives and gets the credit; if the longest are of equal
   length, every snake in the meeting dies.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence

from .geometry import Cell
from .model import Cause

Verdict = tuple[Cause, int | None]


def eliminate(
    *,
    width: int,
    height: int,
    old_heads: Mapping[int, Cell],
    new_heads: Mapping[int, Cell],
    lengths: Mapping[int, int],
    stones: Container[Cell],
    occupancy: Mapping[Cell, int],
) -> dict[int, Verdict]:
    """Return ``{snake_id: (cause, killer_id)}`` for every snake that dies this tick.

    ``occupancy`` maps each body cell (after tails have moved, before new heads are placed)
    to the snake that owns it. ``lengths`` are the snakes' lengths after this tick's move.
    The result does not depend on the iteration order of any argument.
    """
    verdicts: dict[int, Verdict] = {}
    arrivals: dict[Cell, int] = {}  # a free cell -> the first head to arrive there
    meetings: dict[Cell, list[int]] = {}  # a free cell -> every head, once two arrived
    swaps: list[tuple[int, int]] = []

    for sid, cell in new_heads.items():
        x, y = cell
        if not (0 <= x < width and 0 <= y < height):
            verdicts[sid] = (Cause.WALL, None)
            continue
        if cell in stones:
            verdicts[sid] = (Cause.STONE, None)
            continue
        owner = occupancy.get(cell)
        if owner is None:
            first = arrivals.setdefault(cell, sid)
            if first != sid:
                meetings.setdefault(cell, [first]).append(sid)
        elif owner == sid:
            verdicts[sid] = (Cause.SELF, None)
        elif old_heads.get(owner) == cell and new_heads.get(owner) == old_heads[sid]:
            if sid < owner:  # record each swapped pair once
                swaps.append((sid, owner))
        else:
            verdicts[sid] = (Cause.SNAKE, owner)

    for ids in meetings.values():
        _head_on(ids, lengths, verdicts)
    for pair in swaps:
        _head_on(pair, lengths, verdicts)
    return verdicts


def _head_on(ids: Sequence[int], lengths: Mapping[int, int], verdicts: dict[int, Verdict]) -> None:
    longest = max(lengths[s] for s in ids)
    winners = [s for s in ids if lengths[s] == longest]
    winner = winners[0] if len(winners) == 1 else None
    for sid in ids:
        if sid != winner and sid not in verdicts:
            verdicts[sid] = (Cause.HEAD_ON, winner)
