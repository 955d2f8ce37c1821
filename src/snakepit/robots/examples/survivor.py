"""Survivor: stays alive first, eats second. Before each move it counts the free cells it
could still reach after that move (a flood fill, ``view.room``) and takes the move with the
most room, so it does not turn into a pocket it cannot get out of. Between moves with as
much room as each other it goes for the nearest digit.
"""

from __future__ import annotations

from snakepit.robots import Dir, Robot, View, nearest, step
from snakepit.robots.brains import last_resort


class Survivor(Robot):
    """The safe move with the most room; ties broken towards the nearest digit."""

    name = "survivor"

    #: Stop counting room at this many cells: past that a region is big enough, and every
    #: decision stays cheap however large the board is.
    max_room = 150

    def decide(self, view: View) -> Dir | None:
        safe = view.safe_moves()
        if not safe:
            return last_resort(view)  # every move crashes: hope for a head-on we win
        head = view.me.head
        # Room to aim for: twice our length (plus a margin), so that we can still move on.
        enough = min(2 * len(view.me.body) + 10, self.max_room)
        room = {move: view.room(step(head, move), enough) for move in safe}
        most = max(room.values())
        roomiest = [move for move in safe if room[move] == most]

        target = nearest(view.digits, head)
        if target is None:
            return roomiest[0]

        def distance_after(move: Dir) -> int:
            x, y = step(head, move)
            return abs(x - target[0]) + abs(y - target[1])

        return min(roomiest, key=distance_after)
