"""The tunable rules of a world. Every field has a default that plays well on 60 x 40."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WorldConfig:
    """Rules of one world. Frozen: a world's rules never change while it runs."""

    width: int = 60
    height: int = 40
    #: Length of a newly spawned snake.
    start_length: int = 3
    #: How many turns a snake keeps queued; further turns within the same tick are dropped.
    turn_queue: int = 3
    #: Digits on the board: at least ``digits_base + digits_per_snake * live snakes``.
    digits_base: int = 4
    digits_per_snake: int = 2
    #: Points the owner of a body earns when another snake dies against it (or loses a head-on).
    kill_points: int = 10
    #: Every ``corpse_step``-th cell of a dead body becomes a digit of value 1..``corpse_max_digit``.
    corpse_step: int = 2
    corpse_max_digit: int = 4
    #: Ticks a digit left by a dead body stays before it fades (so worlds never clog).
    corpse_ttl: int = 300
    #: A stone appears every ``stone_interval`` ticks while fewer than ``stone_cap`` lie about,
    #: and crumbles ``stone_ttl`` (+ up to half of that again, at random) ticks later.
    stone_interval: int = 20
    stone_cap: int | None = None
    stone_ttl: int = 600
    #: New snakes and stones keep at least this Chebyshev distance from every live head.
    spawn_head_distance: int = 5
    stone_head_distance: int = 3
    #: New snakes keep this many cells from the border.
    spawn_margin: int = 3

    def __post_init__(self) -> None:
        if self.width < 10 or self.height < 10:
            raise ValueError("a world needs at least 10 x 10 cells")
        if self.width > 1000 or self.height > 1000:
            raise ValueError("a world has at most 1000 x 1000 cells")
        if self.start_length < 2:
            raise ValueError("snakes start with at least 2 cells")
        for name in ("turn_queue", "corpse_step", "corpse_ttl", "stone_interval", "stone_ttl"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if not 1 <= self.corpse_max_digit <= 9:
            raise ValueError("corpse_max_digit must be a digit from 1 to 9")

    @property
    def max_stones(self) -> int:
        """The stone cap: the configured one, or one stone per 150 cells."""
        if self.stone_cap is not None:
            return self.stone_cap
        return (self.width * self.height) // 150
