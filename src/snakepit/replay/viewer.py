"""A recording as the messages a live client would have received: for the replay viewer.

:class:`Replayer` re-simulates a recording and gives, for any tick, the ``snapshot`` of the
world at that tick and the ``frame`` of each tick after it, made by the same functions the
game loop uses for live clients (:mod:`snakepit.protocol.frames`), so the browser plays
them with the same state and renderer code as live play. Bot snakes are marked as they were
live: the server's bots join with negative refs.

It keeps a copy of the world every :data:`CHECKPOINT_EVERY` ticks (further apart for very
long recordings: at most :data:`MAX_CHECKPOINTS` copies), so that seeking back or asking
for the next window costs that many steps at most, not a re-simulation from the start. Frames' ``at`` is nominal (start + tick / tick rate): a recording does not keep when
an idle arena paused.
"""

from __future__ import annotations

import copy

import msgspec

from ..engine import TickReport, World
from ..protocol import frames as wire
from ..protocol.messages import Frame, Snapshot
from .recording import Recording, world_of

CHECKPOINT_EVERY = 500
#: Copies kept at most per recording: past this, every other one goes (and the spacing
#: doubles), so a long recording costs bounded memory.
MAX_CHECKPOINTS = 64
#: The most frames one window holds.
MAX_WINDOW = 2000


class Replayer:
    """Plays one recording from any tick; not thread-safe (one caller at a time)."""

    def __init__(self, recording: Recording) -> None:
        if recording.header.start_tick != 0:
            raise ValueError("only recordings that start at tick 0 can be played")
        self.recording = recording
        self._world = world_of(recording.header)
        self._bots: set[int] = set()
        self._checkpoints: dict[int, tuple[World, frozenset[int]]] = {}
        self._every = CHECKPOINT_EVERY
        self._keep()

    @property
    def last_tick(self) -> int:
        return self.recording.last_tick

    def update(self, recording: Recording) -> None:
        """The same recording, read again after it grew (its arena is still recording)."""
        if recording.header != self.recording.header or len(recording.ticks) < len(
                self.recording.ticks):
            raise ValueError("not a continuation of this recording")
        self.recording = recording

    def window(self, start: int, count: int) -> tuple[Snapshot, list[Frame]]:
        """The snapshot at tick ``start`` (clamped to the recording) and the frames of up to
        ``count`` (at most :data:`MAX_WINDOW`) ticks after it."""
        start = max(0, min(start, self.last_tick))
        self._seek(start)
        snapshot = wire.snapshot(self._world, 0, self._bots)
        frames = []
        for _ in range(max(0, min(count, MAX_WINDOW))):
            if self._world.tick >= self.last_tick:
                break
            report = self._step()
            at = self.recording.header.started_ms + round(
                report.tick * 1000 / self.recording.header.tick_rate)
            frames.append(wire.frame(report, self._world, at, None, self._bots))
        return snapshot, frames

    def _seek(self, tick: int) -> None:
        base = max((t for t in self._checkpoints if t <= tick), default=0)
        if tick < self._world.tick or base > self._world.tick:
            world, bots = self._checkpoints[base]
            self._world = copy.deepcopy(world)
            self._bots = set(bots)
        while self._world.tick < tick:
            self._step()

    def _step(self) -> TickReport:
        entry = self.recording.ticks[self._world.tick]
        report = self._world.step(entry.intents)
        for spawn in report.spawns:
            if spawn.ref < 0:
                self._bots.add(spawn.snake_id)
        for death in report.deaths:
            self._bots.discard(death.snake_id)
        if report.tick % self._every == 0:
            self._keep()
        return report

    def _keep(self) -> None:
        if self._world.tick not in self._checkpoints:
            self._checkpoints[self._world.tick] = (copy.deepcopy(self._world),
                                                   frozenset(self._bots))
        while len(self._checkpoints) > MAX_CHECKPOINTS:
            self._every *= 2
            self._checkpoints = {t: kept for t, kept in self._checkpoints.items()
                                 if t % self._every == 0}


def window_json(replay_id: str, replayer: Replayer, start: int, count: int,
                live: bool) -> bytes:
    """The JSON the viewer asks for: what the recording is, and one window of it."""
    snapshot, frames = replayer.window(start, count)
    recording = replayer.recording
    header = recording.header
    people, bots = recording.players()
    return msgspec.json.encode({
        "id": replay_id,
        "arena": header.arena,
        "started": header.started_at,
        "tick_rate": header.tick_rate,
        "width": header.config.width,
        "height": header.config.height,
        "ticks": replayer.last_tick,
        "live": live,
        "people": people,
        "bots": bots,
        "from": snapshot.tick,
        "snapshot": snapshot,
        "frames": frames,
    })
