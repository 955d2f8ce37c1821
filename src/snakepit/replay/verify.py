"""Checking a recording: make the world again from its header, feed it the recorded intents
tick by tick, and compare the digests after every tick with the recorded ones.

Either every digest matches (the re-simulation went through exactly the recorded states),
or the report names the first tick that does not, with what differs and the intents of
that tick. A file that cannot be read at all (garbage, a missing tick, a cut-off line)
raises :class:`~snakepit.replay.recording.RecordingError`, naming its line and tick.
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
    differing_tick_parts,
    encode_intent,
    full_digest,
    read,
    tick_digest,
    world_of,
)


@dataclass(frozen=True, slots=True)
class Divergence:
    """The first tick whose re-simulated state is not the recorded one."""

    tick: int
    line: int
    #: Which digest differs: "per-tick" or "full".
    digest: str
    recorded: str
    resimulated: str
    #: What differs (see ``recording.TICK_PARTS`` and ``recording.PARTS``).
    parts: tuple[str, ...]
    intents: tuple[Intent, ...] = ()
    #: For a full digest: the tick of the last full digest that matched.
    since: int | None = None

    def __str__(self) -> str:
        if self.tick == 0:
            return (f"tick 0 (line 1) diverges: the world made from the header's seed and "
                    f"settings is not the recorded one (full digest recorded "
                    f"{self.recorded}, made {self.resimulated}): another engine version?")
        what = (", ".join(self.parts) if self.parts
                else f"the {self.digest} digest only (every part matches: is the line "
                     "damaged?)")
        given = " ".join(msgspec.json.encode(encode_intent(i)).decode() for i in self.intents)
        when = ("" if self.since is None else
                f" (every per-tick digest matched, and the full one of tick {self.since}: "
                f"it went wrong in ticks {self.since + 1}-{self.tick})")
        return (f"tick {self.tick} (line {self.line}) diverges in {what}: {self.digest} "
                f"digest recorded {self.recorded}, re-simulated {self.resimulated}{when}; "
                f"intents of that tick: {given or 'none'}")


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
    every digest in it; stop at the first divergence."""
    recording = source if isinstance(source, Recording) else read(source)
    header = recording.header
    if header.start_tick != 0:
        raise RecordingError(1, header.start_tick, "only recordings that start with a new "
                                                   "world (tick 0) can be re-simulated")
    world = world_of(header)
    full, _ = full_digest(world)
    if full != header.start_full:
        return Verdict(recording, 0, Divergence(0, 1, "full", header.start_full, full, ()))
    last_full = 0
    for entry in recording.ticks:
        world.step(entry.intents)
        digest = tick_digest(world)
        if digest != entry.digest:
            return Verdict(recording, entry.tick - 1, Divergence(
                entry.tick, entry.line, "per-tick", entry.digest, digest,
                tuple(differing_tick_parts(entry.digest, digest)), entry.intents))
        if entry.full is not None and entry.parts is not None:
            full, parts = full_digest(world)
            if full != entry.full:
                return Verdict(recording, last_full, Divergence(
                    entry.tick, entry.line, "full", entry.full, full,
                    tuple(differing_parts(entry.parts, parts)), entry.intents, last_full))
            last_full = entry.tick
    end = recording.end
    if end is not None:
        full, parts = full_digest(world)
        if full != end.full:
            return Verdict(recording, last_full, Divergence(
                world.tick, end.line, "full", end.full, full,
                tuple(differing_parts(end.parts, parts)), since=last_full))
    return Verdict(recording, len(recording.ticks), None)
