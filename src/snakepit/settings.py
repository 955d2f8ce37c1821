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
    #: Which engine steps the arenas: "c" (the compiled twin of the rules, FastWorld),
    #: "python" (World, the reference), or "auto" (c where it was built at install).
    engine: str = "auto"
    #: A client whose unsent bytes pass this many is cut off, so it can never hold anyone up.
    send_buffer_limit: int = 256 * 1024
    #: The kernel send buffer asked for each client socket (None: leave the OS default).
    socket_send_buffer: int | None = None
    #: Largest message a client may send; larger ones close the connection with 1009.
    max_message_bytes: int = 4096
    #: Consecutive refused messages after which the connection is closed with 1008.
    max_strikes: int = 5
    #: Messages a client may send: ``message_burst`` at once, then ``message_rate`` a
    #: second (a person presses a few keys a second; a robot answers once a tick). Faster
    #: clients are closed with 1008.
    message_rate: float = 50.0
    message_burst: int = 100
    #: Open WebSocket connections one address may hold (0: no limit); more are refused
    #: with HTTP 429 before the upgrade. Also the games it may hold, those waiting for a
    #: resume included: one more ends the address's oldest waiting one (guards.py).
    max_connections_per_address: int = 8
    #: Take the client's address from the last X-Forwarded-For hop (only behind a proxy
    #: you run: anyone can send that header).
    trust_proxy: bool = False
    #: Pages on other sites whose scripts may open a WebSocket here ("Origin" values such
    #: as "https://example.org"); the server's own address is always allowed, and so are
    #: clients that send no Origin at all (robots, the load generator).
    allowed_origins: tuple[str, ...] = ()
    #: Seconds a client has to send a request's headers (from their first byte, or the
    #: connection's start) before the connection is closed; any method.
    header_timeout: float = 5.0
    #: Seconds a kept-alive HTTP connection may sit idle between requests.
    keepalive_timeout: float = 30.0
    #: Open plain-HTTP connections one address may hold (0: no limit; not applied behind
    #: a trusted proxy, whose sockets all come from the proxy); more get 429.
    max_http_per_address: int = 32
    #: The names this server answers for (Host headers); empty: the names of ``host``
    #: (localhost on loopback). IP literals are always accepted, ``*`` accepts any name.
    allowed_hosts: tuple[str, ...] = ()
    #: Seconds between WebSocket pings (and the time allowed for a pong).
    heartbeat: float = 20.0
    #: How many entries the top-score lists hold.
    top_scores: int = 10
    #: Seconds a player whose connection dropped has to come back (with its resume token)
    #: to the same snake; the snake keeps moving meanwhile.
    resume_grace: float = 10.0
    #: Seconds an arena stays open with nobody in it.
    arena_grace: float = 30.0
    #: Most arenas opened by name (``/?arena=NAME``) one process keeps open at once; more
    #: are refused with ``no-arena``. Public arenas (matchmaking's) are not counted: a
    #: newcomer always gets one.
    max_arenas: int = 2000
    #: Arenas opened by name that one address may hold open at once (0: no limit); one
    #: more is refused with ``arena-limit``.
    arenas_per_address: int = 4
    #: New arenas one address may open by name a minute (a token bucket holding a
    #: minute's worth; 0: no limit); faster is refused with ``arena-limit``.
    new_arenas_per_minute: float = 10.0
    #: Arenas with fewer human players than this are filled with bots up to this many
    #: snakes, and never past ``max_players`` (0: no bots).
    bots: int = 4
    #: How well bots play: easy, medium or hard.
    bot_level: str = "medium"
    #: Record every arena's game (``<data_dir>/replays``, docs/replays.md).
    record: bool = True
    #: Recordings of people's games kept: when one ends, the oldest finished recordings
    #: beyond this many are deleted (0: all). Recordings nobody played in (bots only) are
    #: deleted as they end.
    keep_recordings: int = 200

    def __post_init__(self) -> None:
        if not 0.5 <= self.tick_rate <= 100:
            raise ValueError("tick rate must be between 0.5 and 100 ticks per second")
        if not 1 <= self.max_players <= 256:
            raise ValueError("max players must be between 1 and 256")
        if not 0 <= self.port <= 65535:
            raise ValueError("port must be between 0 and 65535")
        if not (10 <= self.width <= 1000 and 10 <= self.height <= 1000):
            raise ValueError("the world is 10 to 1000 cells wide and high")
        if not 0 <= self.bots <= 256:
            raise ValueError("bots must be between 0 and 256 (and never exceed max players)")
        if not 0.1 <= self.header_timeout <= 600:
            raise ValueError("header timeout must be between 0.1 and 600 seconds")
        if not 0.5 <= self.keepalive_timeout <= 75:
            raise ValueError("keep-alive timeout must be between 0.5 and 75 seconds")
        if self.max_http_per_address < 0:
            raise ValueError("max HTTP connections per address must be 0 (no limit) or more")
        if self.max_connections_per_address < 0:
            raise ValueError("max connections per address must be 0 (no limit) or more")
        if self.bot_level not in ("easy", "medium", "hard"):
            raise ValueError("bot level must be easy, medium or hard")
        if self.engine not in ("auto", "c", "python"):
            raise ValueError("engine must be auto, c or python")
        if not 1 <= self.max_arenas <= 1_000_000:
            raise ValueError("max arenas must be between 1 and 1000000")
        if not 0 <= self.arenas_per_address <= 1_000_000:
            raise ValueError("arenas per address must be 0 (no limit) to 1000000")
        if not 0 <= self.new_arenas_per_minute <= 1_000_000:  # also refuses NaN
            raise ValueError("new arenas per minute must be 0 (no limit) to 1000000")
        if self.keep_recordings < 0:
            raise ValueError("keep recordings must be 0 (keep all) or more")
