"""Figures of the game loops of one process: what each tick cost, how late it started.

Every arena's ticks are recorded in one bounded ring, so the figures of any recent window
(``summary(since=...)``) cost nothing to keep and little to compute. ``since`` is a
``time.monotonic()`` value, which on Linux is the same clock in every process.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass(slots=True)
class TickStats:
    """The last ``keep`` ticks of every arena: when, work, lateness, frame size, clients,
    and which arena."""

    #: About 12 MB when full; a minute of ticks for ~1,000 arenas at 10 ticks a second.
    keep: int = 60_000
    ticks: int = 0
    samples: deque[tuple[float, float, float, int, int, int]] = field(init=False)

    def __post_init__(self) -> None:
        self.samples = deque(maxlen=self.keep)

    def record(self, work: float, late: float, frame_bytes: int, clients: int,
               arena: int = 0) -> None:
        self.ticks += 1
        self.samples.append((time.monotonic(), work, late, frame_bytes, clients, arena))

    def summary(self, since: float, period: float,
                until: float = float("inf")) -> dict[str, float | int]:
        """Figures of the ticks between ``since`` and ``until``. A tick is *overrun* when it
        started more than a quarter of a period after its deadline. Only the ticks of the
        window are looked at, so a short window is cheap however many ticks are kept."""
        window = []
        for sample in reversed(self.samples):  # newest first: the cost is the window's size
            if sample[0] < since:
                break
            if sample[0] <= until:
                window.append(sample)
        if not window:
            return {"ticks": 0}
        work = sorted(s[1] for s in window)
        late = sorted(s[2] for s in window)
        sent = sum(s[3] * s[4] for s in window)
        return {
            "ticks": len(window),
            "arenas_ticking": len({s[5] for s in window}),
            "overrun_ticks": sum(1 for s in window if s[2] > period / 4),
            "work_p50_ms": _pick(work, 0.50) * 1000,
            "work_p99_ms": _pick(work, 0.99) * 1000,
            "late_p99_ms": _pick(late, 0.99) * 1000,
            "frame_bytes_mean": sum(s[3] for s in window) / len(window),
            "bytes_sent": sent,
        }


def _pick(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
