"""The built-in bots: three levels of play, each a :class:`Robot` that decides from its
:class:`View` alone (exactly what any remote client knows) and uses ``self.rng`` for all of
its randomness, so a seeded bot replays exactly.

What every level promises:

- It never takes a move that dies for sure (off the grid, into a stone or into a body that
  will still be there) while a move exists that does not. When every move dies for sure it
  heads for the head of a snake coming straight at it, the one move a head-on might win.
- Its work is bounded: every flood fill and breadth-first search stops after a fixed number
  of cells, whatever the size of the board or the snakes. Measured by ``benchmarks/bots.py``
  (CPU time of one decision on a 60 x 40 board with 16 snakes, mean / p99): easy about
  40 / 100 µs, medium 110 / 330 µs, hard 240 / 970 µs (hard in arenas of 4: 320 / 740 µs,
  so 100 hard bots take about 35 ms of a 100 ms tick), plus about 60 µs to build the view;
  the slowest hard decisions take 1 to 1.5 ms.

The levels, from beatable to hard to beat:

``easy`` (:class:`EasyBot`)
    Safe moves only; heads for the nearest digit as the crow flies; one move in seven is a
    random safe one (15%). No look-ahead: it will follow a digit into a dead end.
``medium`` (:class:`MediumBot`)
    Safe moves only; a flood fill keeps it out of pockets smaller than its body (if every
    move leads into one, it takes the one with the most room); stays off cells that a head
    as long as its own could also reach next tick, when it can; follows the shortest path
    to the digit worth the most per step.
``hard`` (:class:`HardBot`)
    Everything medium does, with better judgement: it wants twice its length in room when
    it can have it; its flood fill treats a gap next to another head as closed, and knows
    when each cell of its own body will be free again, so it can live in a pocket by
    chasing its own tail; it would sooner lose room to spare than risk a head-on it would
    lose; it takes a head-on it wins when a shorter snake is heading for the same cell, and
    shuts a snake whose head is near its own into a pocket too small for it when it can;
    otherwise it weighs every digit in reach by value per step, counting a cluster above a
    lone digit and a digit another head is nearer to at half.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator

from ..client.view import SnakeView
from .robot import Robot
from .view import OPPOSITE, XY, Dir, View, nearest, step

LEVELS: tuple[str, ...] = ("easy", "medium", "hard")

#: The most cells a medium bot's flood fill counts: past this a region is "big enough".
MEDIUM_ROOM = 100
#: The most cells a medium bot's path search visits looking for digits.
MEDIUM_SEARCH = 300
#: The same bounds for the hard bot (its fills look for room to spare: twice its length).
HARD_ROOM = 200
HARD_SEARCH = 300
#: The hard bot tries to trap snakes whose heads are this few steps from its own (at most
#: two of them), counting their room up to this many cells.
TRAP_REACH = 3
TRAP_ROOM = 60


def make_bot(level: str = "medium", seed: int | str | None = None) -> Robot:
    """A new bot of ``level`` (one of :data:`LEVELS`); ``seed`` seeds its ``rng``."""
    try:
        cls = _BY_LEVEL[level]
    except KeyError:
        raise ValueError(
            f"unknown bot level {level!r}: choose one of {', '.join(LEVELS)}") from None
    bot = cls()
    if seed is not None:
        bot.rng.seed(seed)
    return bot


# -- what every level shares -----------------------------------------------------------------


def next_length(snake: SnakeView) -> int:
    """The snake's length after its next move: the length a head-on compares."""
    return len(snake.body) + (1 if snake.growing > 0 else 0)


def last_resort(view: View) -> Dir | None:
    """The move to make when every move hits something: into the head of a snake that is
    coming straight at ours. If it keeps coming, the two heads pass through each other,
    which is a head-on (the longer snake lives) rather than a certain death. None if there
    is no such snake: then nothing helps."""
    head = view.me.head
    for direction in view.moves():
        cell = step(head, direction)
        for other in view.others:
            if other.head == cell and step(cell, other.dir) == head:
                return direction
    return None


def threatened(view: View, cell: XY, length: int) -> bool:
    """True if a head at least ``length`` long could move to ``cell`` next tick: meeting it
    there would kill a snake of ``length``."""
    return any(next_length(other) >= length for other in view.contested(cell))


def flood(view: View, start: XY, cap: int, closed: Container[XY] = ()) -> set[XY]:
    """The free cells reachable from ``start`` (a flood fill over cells that are neither
    blocked nor in ``closed``), stopping once ``cap`` cells are found."""
    blocked = view.blocked
    if blocked(start) or start in closed:
        return set()
    seen = {start}
    queue = [start]
    i = 0
    while i < len(queue) and len(seen) < cap:
        x, y = queue[i]
        i += 1
        for cell in ((x, y - 1), (x + 1, y), (x, y + 1), (x - 1, y)):
            if cell not in seen and cell not in closed and not blocked(cell):
                seen.add(cell)
                queue.append(cell)
    return seen


Fill = Callable[[View, XY, int], set[XY]]


def rooms(view: View, cells: dict[Dir, XY], cap: int, fill: Fill = flood) -> dict[Dir, int]:
    """Each move's room: how many cells ``fill`` reaches from the cell it enters, counted up
    to ``cap``. A move whose cell lies in a region already found to hold ``cap`` cells gets
    ``cap`` without a second fill (the regions are the same)."""
    result: dict[Dir, int] = {}
    big: list[set[XY]] = []
    for direction, cell in cells.items():
        if any(cell in region for region in big):
            result[direction] = cap
            continue
        region = fill(view, cell, cap)
        result[direction] = min(len(region), cap)
        if len(region) >= cap:
            big.append(region)
    return result


def roomy(room: dict[Dir, int], need: int) -> list[Dir]:
    """The moves with at least ``need`` room; if there are none, the moves with the most."""
    enough = [d for d, r in room.items() if r >= need]
    if enough:
        return enough
    most = max(room.values())
    return [d for d, r in room.items() if r == most]


def digit_paths(view: View, starts: dict[Dir, XY], budget: int) -> Iterator[tuple[int, XY, Dir]]:
    """The digits on shortest paths from the head, nearest first: ``(steps, cell, first
    move)``. The search starts from the cells of the moves in ``starts`` (in their order, so
    earlier moves win ties), goes around blocked cells, and visits at most ``budget`` cells.
    """
    width, height, stones, owner = view.width, view.height, view.stones, view.owner
    digits = view.digits
    first: dict[XY, Dir] = {}
    for direction, cell in starts.items():
        first.setdefault(cell, direction)
    layer = list(first)
    dist, visited = 1, 0
    while layer and visited < budget:
        following: list[XY] = []
        for cell in layer[:budget - visited]:
            via = first[cell]
            if cell in digits:
                yield dist, cell, via
            x, y = cell
            for nxt in ((x, y - 1), (x + 1, y), (x, y + 1), (x - 1, y)):
                if (nxt not in first and 0 <= nxt[0] < width and 0 <= nxt[1] < height
                        and nxt not in stones and owner(nxt) is None):
                    first[nxt] = via
                    following.append(nxt)
        visited += len(layer)
        layer, dist = following, dist + 1


def straight_first(view: View, moves: list[Dir]) -> list[Dir]:
    """``moves`` with the current heading (if among them) first: keeping on is the default."""
    heading = view.me.dir
    return sorted(moves, key=lambda d: d != heading)


# -- the levels ------------------------------------------------------------------------------


class EasyBot(Robot):
    """Safe moves only; greedy for the nearest digit by straight-line distance; wanders to
    a random safe move about one time in seven. No flood fill: pockets and head-ons catch it."""

    name = "easy bot"
    #: How often it takes a random safe move instead of thinking.
    wander = 0.15

    def decide(self, view: View) -> Dir | None:
        safe = view.safe_moves()
        if not safe:
            return last_resort(view)
        if self.rng.random() < self.wander:
            return self.rng.choice(safe)
        head = view.me.head
        target = nearest(view.digits, head)
        if target is None:
            return straight_first(view, safe)[0]

        def gap(direction: Dir) -> int:
            x, y = step(head, direction)
            return abs(x - target[0]) + abs(y - target[1])

        return min(straight_first(view, safe), key=gap)


class MediumBot(Robot):
    """Safe moves only; refuses pockets smaller than its body when a roomier move exists
    (flood fill up to :data:`MEDIUM_ROOM` cells); stays off cells a head as long as its own
    could reach next tick when it can; takes the shortest path to the digit worth the most
    per step (search of at most :data:`MEDIUM_SEARCH` cells)."""

    name = "medium bot"

    def decide(self, view: View) -> Dir | None:
        safe = view.safe_moves()
        if not safe:
            return last_resort(view)
        me = view.me
        cells = {d: step(me.head, d) for d in straight_first(view, safe)}
        need = min(len(me.body) + me.growing, MEDIUM_ROOM)
        good = roomy(rooms(view, cells, need), need)
        length = next_length(me)
        good = [d for d in good if not threatened(view, cells[d], length)] or good
        if len(good) == 1:
            return good[0]
        best, choice = 0.0, None
        for dist, cell, via in digit_paths(view, {d: cells[d] for d in good}, MEDIUM_SEARCH):
            if 9 / dist <= best:
                break  # nothing further away can be worth more per step
            worth = view.digits[cell] / dist
            if worth > best:
                best, choice = worth, via
        return choice or good[0]


class HardBot(Robot):
    """Medium's caution with better judgement. It ranks its safe moves by room for its body
    (flood fills of at most :data:`HARD_ROOM` cells, see :class:`CarefulFill`: when room is
    tight they count the cells its own tail frees on the way, so it chases its tail out of a
    tight spot rather than count it lost), then by no head-on it would lose, then by room to
    spare (twice its length). Among the best it meets a shorter snake's head when that
    snake is heading for the same cell (a head-on it wins), or else traps a snake whose
    head is near (see :meth:`_trap`), or else weighs all digits in reach (search of at most
    :data:`HARD_SEARCH` cells) by value per step."""

    name = "hard bot"

    def decide(self, view: View) -> Dir | None:
        safe = view.safe_moves()
        if not safe:
            return last_resort(view)
        me = view.me
        cells = {d: step(me.head, d) for d in straight_first(view, safe)}
        need = min(len(me.body) + me.growing, HARD_ROOM)
        ample = min(2 * need + 10, HARD_ROOM)
        room = rooms(view, cells, ample, fill=CarefulFill(view, timed=False))
        if min(room.values()) < ample:  # tight somewhere: count what our tail frees as we go
            timed = CarefulFill(view, timed=True)
            for d, r in room.items():
                if r < ample:
                    room[d] = max(r, min(len(timed(view, cells[d], ample)), ample))
        length = next_length(me)
        # Room for the body first, then no head-on we would lose, then room to spare; among
        # pockets too small for the body, the biggest.
        safety = {d: (room[d] >= need, not threatened(view, cells[d], length),
                      room[d] >= ample, min(room[d], need)) for d in cells}
        best = max(safety.values())
        good = [d for d in cells if safety[d] == best]
        if len(good) == 1:
            return good[0]
        for direction in good:
            if self._wins_head_on(view, cells[direction], length):
                return direction
        trap = self._trap(view, {d: cells[d] for d in good})
        if trap is not None:
            return trap
        worth = self._digit_worth(view, {d: cells[d] for d in good})
        return max(good, key=lambda d: worth.get(d, 0.0))  # ties: the first, straight on

    @staticmethod
    def _wins_head_on(view: View, cell: XY, length: int) -> bool:
        """A shorter snake is heading straight for ``cell``: meeting it there kills it."""
        rivals = view.contested(cell)
        return bool(rivals) and all(
            next_length(r) < length and step(r.head, r.dir) == cell for r in rivals)

    @staticmethod
    def _trap(view: View, cells: dict[Dir, XY]) -> Dir | None:
        """A move that leaves a nearby snake less room than its body (the least room, if
        several do), when the moves make a difference to it; None if none does. A snake
        that cannot get out dies, and if it dies against our body, that is our kill."""
        hx, hy = view.me.head
        near = sorted((abs(o.head[0] - hx) + abs(o.head[1] - hy), o.id, o) for o in view.others)
        for gap, _, rival in near[:2]:
            if gap > TRAP_REACH:
                break
            cap = min(len(rival.body) + rival.growing, TRAP_ROOM)
            back = step(rival.head, OPPOSITE[rival.dir])
            left = {}
            for direction, cell in cells.items():  # its best room with our head on ``cell``
                most = 0
                for _, start in view.neighbours(rival.head):
                    if start != back and most < cap:
                        most = max(most, len(flood(view, start, cap, closed=(cell,))))
                left[direction] = most
            least = min(left.values())
            if least < cap and least < max(left.values()):
                return next(d for d in cells if left[d] == least)
        return None

    @staticmethod
    def _digit_worth(view: View, starts: dict[Dir, XY]) -> dict[Dir, float]:
        """For each first move, the worth of the digits it leads to: the best value per step
        plus a quarter of the rest (a cluster beats a lone digit). A digit another head is
        nearer to (or as near, and at least as long) counts half: it may well be gone."""
        length = next_length(view.me)
        rivals = [(o.head, next_length(o) >= length) for o in view.others]
        best: dict[Dir, float] = {}
        rest: dict[Dir, float] = {}
        horizon = HARD_SEARCH
        for dist, (x, y), via in digit_paths(view, starts, HARD_SEARCH):
            if dist > horizon:
                break  # the rest add little to what is found, and cost time
            horizon = min(horizon, 2 * dist + 4)
            value = view.digits[(x, y)] / dist
            if any(abs(hx - x) + abs(hy - y) < dist + (1 if longer else 0)
                   for (hx, hy), longer in rivals):
                value /= 2
            top = best.get(via, 0.0)
            if value > top:
                best[via], value = value, top
            rest[via] = rest.get(via, 0.0) + value
        return {d: best[d] + rest[d] / 4 for d in best}


class CarefulFill:
    """The hard bot's flood fill, called like :func:`flood`. Past its first cell it treats
    the cells other heads could move into next tick as blocked (a gap next to a head may
    close at once), and if ``timed`` it knows when our own body's cells will be free: the
    cell ``k`` cells from our tail is free from the ``k + g``-th move on (the next move
    being the first, ``g`` the cells still to grow, plus the digit on the fill's first
    cell), so a fill that follows our own tail may enter them. Other bodies count as they
    are (their snakes may eat and stop their tails)."""

    def __init__(self, view: View, timed: bool) -> None:
        me = view.me
        self.avoid = {cell for other in view.others for _, cell in view.neighbours(other.head)}
        ahead = len(me.body) + me.growing
        #: Our body cells, to the move from which each is free (empty if not ``timed``).
        self.free_from = {c: ahead - i for i, c in enumerate(me.body)} if timed else {}

    def __call__(self, view: View, start: XY, cap: int) -> set[XY]:
        if view.blocked(start):
            return set()
        width, height, stones, owner = view.width, view.height, view.stones, view.owner
        avoid, free_from = self.avoid, self.free_from
        delay = view.digits.get(start, 0)  # eating it holds our tail back
        seen = {start}
        queue = [(start, 1)]
        i = 0
        while i < len(queue) and len(seen) < cap:
            (x, y), t = queue[i]
            i += 1
            t += 1
            for cell in ((x, y - 1), (x + 1, y), (x, y + 1), (x - 1, y)):
                if (cell in seen or cell in avoid
                        or not (0 <= cell[0] < width and 0 <= cell[1] < height)
                        or cell in stones):
                    continue
                if owner(cell) is not None:
                    free = free_from.get(cell)
                    if free is None or free + delay > t:
                        continue
                seen.add(cell)
                queue.append((cell, t))
        return seen


_BY_LEVEL: dict[str, type[Robot]] = {"easy": EasyBot, "medium": MediumBot, "hard": HardBot}
