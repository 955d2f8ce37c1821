"""A client's picture of a world, rebuilt from the server's snapshot and frames.

This is what a remote client knows and nothing more: it is what the browser keeps in its
state module, what robots decide from, and what tests read to check the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..protocol.messages import Frame, SnakeInfo, Snapshot

XY = tuple[int, int]


@dataclass(slots=True)
class SnakeView:
    id: int
    name: str
    color: int
    dir: str
    body: list[XY]
    score: int = 0
    #: One of the server's own bots.
    bot: bool = False
    #: Cells the snake has still to grow (its tail stays put while this is above 0): given
    #: by the snapshot, then kept up to date from the digits it is seen to eat.
    growing: int = 0

    @property
    def head(self) -> XY:
        return self.body[0]

    @property
    def tail(self) -> XY:
        return self.body[-1]


@dataclass(slots=True)
class WorldView:
    """The world as the frames describe it. Apply a snapshot, then every frame in order."""

    width: int = 0
    height: int = 0
    tick: int = 0
    snakes: dict[int, SnakeView] = field(default_factory=dict)
    digits: dict[XY, int] = field(default_factory=dict)
    stones: set[XY] = field(default_factory=set)

    def apply_snapshot(self, snap: Snapshot) -> None:
        self.width, self.height, self.tick = snap.width, snap.height, snap.tick
        self.snakes = {s.id: _snake(s) for s in snap.snakes}
        self.digits = {(x, y): v for x, y, v in snap.digits}
        self.stones = {(x, y) for x, y in snap.stones}

    def apply_frame(self, frame: Frame) -> None:
        """Apply one tick's changes, in the order the protocol prescribes."""
        if frame.tick != self.tick + 1:
            raise ValueError(f"frame {frame.tick} does not follow tick {self.tick}")
        self.tick = frame.tick
        for sid, _cause, _killer in frame.deaths:
            self.snakes.pop(sid, None)
        for sid, x, y, grew in frame.moves:
            snake = self.snakes[sid]
            old = snake.body[0]
            snake.dir = _direction(old, (x, y), snake.dir)
            snake.body.insert(0, (x, y))
            if grew:
                snake.growing = max(0, snake.growing - 1)
            else:
                snake.body.pop()
            snake.growing += self.digits.get((x, y), 0)  # eaten this tick: grows from the next
        for info in frame.spawns:
            self.snakes[info.id] = _snake(info)
        for x, y in frame.eaten:
            self.digits.pop((x, y), None)
        for x, y, v in frame.digits:
            self.digits[(x, y)] = v
        for x, y in frame.crumbled:
            self.stones.discard((x, y))
        for x, y in frame.stones:
            self.stones.add((x, y))
        for sid, score in frame.scores:
            if sid in self.snakes:
                self.snakes[sid].score = score


def _snake(info: SnakeInfo) -> SnakeView:
    return SnakeView(info.id, info.name, info.color, info.dir,
                     [(x, y) for x, y in info.body], info.score, info.bot, info.growing)


def _direction(old: XY, new: XY, fallback: str) -> str:
    dx, dy = new[0] - old[0], new[1] - old[1]
    return {(0, -1): "up", (0, 1): "down", (-1, 0): "left", (1, 0): "right"}.get((dx, dy),
                                                                              fallback)
