"""What the score store keeps: one finished game per record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class GameRecord:
    """A finished game: who, how well, and how it ended. ``ended_at`` is timezone-aware UTC."""

    name: str
    score: int
    length: int
    kills: int
    cause: str
    ended_at: datetime
