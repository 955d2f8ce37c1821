"""``snakepit replay FILE [--verify]``: what a recording holds, and whether it re-simulates.

Exit status: 0 when the file reads (and, with ``--verify``, every tick matches), 1 on a
divergence or a damaged file (the message names the line and tick), 2 when the file
cannot be opened at all.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from .recording import Recording, RecordingError, read
from .verify import verify as check


def describe(recording: Recording) -> str:
    """A few lines a person can read: which arena, how long, who played."""
    header = recording.header
    ticks = len(recording.ticks)
    seconds = ticks / header.tick_rate
    people, bots = recording.players()
    ending = ("ended normally" if recording.end is not None
              else "no end marker (cut short, or its arena is still open)")
    config = header.config
    return "\n".join([
        f"arena {header.arena} · seed {header.seed} · {config.width}x{config.height} · "
        f"{header.tick_rate:g} ticks/s" + (f" · snakepit {header.version}" if header.version
                                           else ""),
        f"started {header.started_at} · {ticks} ticks ({_duration(seconds)}) · {ending}",
        f"players: {', '.join(people) or 'none'}",
        f"bots: {', '.join(bots) or 'none'}",
    ])


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def run(path: Path, *, verify: bool = False, out: TextIO | None = None) -> int:
    """Print the summary (and the verdict); return the exit status."""
    out = out if out is not None else sys.stdout
    try:
        recording = read(path)
    except RecordingError as exc:
        print(f"snakepit replay: {path}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"snakepit replay: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(describe(recording), file=out)
    if not verify:
        return 0
    try:
        verdict = check(recording)
    except RecordingError as exc:
        print(f"snakepit replay: {path}: {exc}", file=sys.stderr)
        return 1
    print(verdict, file=out)
    return 0 if verdict.ok else 1
