"""Checking a recording: make the world again from its header, feed it the recorded intents
tick by tick, and compare the state digest after every tick with the recorded one.

Either every tick matches (the re-simulation went through exactly the recorded states), or
the report names the first tick that does not, with the parts of the state that differ and
the intents of that tick. A file that cannot be read at all (garbage, a missing tick, a
cut-off line) raises :class:`~snakepit.replay.recording.RecordingError`, naming its line
and tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import msgspec

from .recording import (
    Intent,
    Recording,
    RecordingError,
    differing_parts,
    encode_intent,
    read,
    state_digest,
    world_of,
)


@dataclass(frozen=True, slots=True)
class Divergence:
    """The first tick whose re-simulated state is not the recorded one."""

    tick: int
    line: int
    recorded: str
    resimulated: str
    #: Names of the parts of the state that differ (see ``recording.PARTS``).
    parts: tuple[str, ...]
    intents: tuple[Intent, ...]

    def __str__(self) -> str:
        if self.tick == 0:
            return (f"tick 0 (line 1) diverges: the world made from the header's seed and "
                    f"settings is not the recorded one (digest recorded {self.recorded}, "
                    f"made {self.resimulated}): another version of the engine?")
        what = ", ".join(self.parts) if self.parts else "the state"
        given = " ".join(msgspec.json.encode(encode_intent(i)).decode() for i in self.intents)
        return (f"tick {self.tick} (line {self.line}) diverges: {what} differ from the "
                f"recording (digest recorded {self.recorded}, re-simulated "
                f"{self.resimulated}); intents of that tick: {given or 'none'}")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a verification found: ``ticks`` checked identical, and the first divergence."""

    recording: Recording
    ticks: int
    divergence: Divergence | None

    @property
    def ok(self) -> bool:
        return self.divergence is None

    def __str__(self) -> str:
        if self.divergence is not None:
            return f"divergence: {self.divergence}"
        note = "" if self.recording.end is not None else (
            " (no end marker: the recording was cut short, or its arena is still open)")
        return f"ok: {self.ticks} ticks identical{note}"


def verify(source: Path | Recording) -> Verdict:
    """Re-simulate a recording (a file, read strictly, or one already read) and compare
    every tick's state digest; stop at the first divergence."""
    recording = source if isinstance(source, Recording) else read(source)
    header = recording.header
    if header.start_tick != 0:
        raise RecordingError(1, header.start_tick, "only recordings that start with a new "
                                                   "world (tick 0) can be re-simulated")
    world = world_of(header)
    digest, _ = state_digest(world)
    if digest != header.start_digest:
        return Verdict(recording, 0, Divergence(0, 1, header.start_digest, digest, (), ()))
    for entry in recording.ticks:
        world.step(entry.intents)
        digest, parts = state_digest(world)
        if digest != entry.digest:
            return Verdict(recording, entry.tick - 1, Divergence(
                entry.tick, entry.line, entry.digest, digest,
                tuple(differing_parts(entry.parts, parts)), entry.intents))
    return Verdict(recording, len(recording.ticks), None)
