"""Everything an operator can set, with the defaults a new user gets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    """How one Snakepit server runs. The CLI fills it from flags and SNAKEPIT_* variables."""

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path("snakepit-data")
    tick_rate: float = 10.0
    width: int = 60
    height: int = 40
    max_players: int = 16
    #: Seed of the world's generator; None picks one at random at start.
    seed: int | None = None
    #: A client whose unsent bytes pass this many is cut off, so it can never hold anyone up.
    send_buffer_limit: int = 256 * 1024
    #: The kernel send buffer asked for each client socket (None: leave the OS default).
    socket_send_buffer: int | None = None
    #: Largest message a client may send; larger ones close the connection with 1009.
    max_message_bytes: int = 4096
    #: Consecutive refused messages after which the connection is closed with 1008.
    max_strikes: int = 5
    #: Seconds between WebSocket pings (and the time allowed for a pong).
    heartbeat: float = 20.0
    #: How many entries the top-score lists hold.
    top_scores: int = 10
    #: Seconds an arena stays open with nobody in it.
    arena_grace: float = 30.0
    #: Most arenas one process keeps open at once.
    max_arenas: int = 2000

    def __post_init__(self) -> None:
        if not 0.5 <= self.tick_rate <= 100:
            raise ValueError("tick rate must be between 0.5 and 100 ticks per second")
        if not 1 <= self.max_players <= 256:
            raise ValueError("max players must be between 1 and 256")
        if not 0 <= self.port <= 65535:
            raise ValueError("port must be between 0 and 65535")
        if not (10 <= self.width <= 1000 and 10 <= self.height <= 1000):
            raise ValueError("the world is 10 to 1000 cells wide and high")
