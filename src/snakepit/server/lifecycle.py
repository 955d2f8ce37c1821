"""The life of a connection, as a table.

    GREETING --hello--> WATCHING --join--> JOINING --spawned--> PLAYING --died--> WATCHING
                                           JOINING --refused--> WATCHING

A connection in GREETING has said nothing valid yet; in WATCHING it sees the world (before
its first game and between games); in JOINING it waits for the next tick to place its snake;
in PLAYING it steers. A move that is not in the table is not allowed in that phase: the
caller turns it into an error for the client (or ignores it, for harmless races such as a
turn pressed just after dying).
"""

from __future__ import annotations

from enum import Enum


class Phase(Enum):
    GREETING = "greeting"
    WATCHING = "watching"
    JOINING = "joining"
    PLAYING = "playing"


TRANSITIONS: dict[tuple[Phase, str], Phase] = {
    (Phase.GREETING, "hello"): Phase.WATCHING,
    (Phase.WATCHING, "join"): Phase.JOINING,
    (Phase.JOINING, "spawned"): Phase.PLAYING,
    (Phase.JOINING, "refused"): Phase.WATCHING,
    (Phase.PLAYING, "died"): Phase.WATCHING,
}

#: Client messages that are meaningful in each phase (others are refused or ignored).
ACCEPTS: dict[Phase, frozenset[str]] = {
    Phase.GREETING: frozenset({"hello", "ping"}),
    Phase.WATCHING: frozenset({"join", "watch", "ping"}),
    Phase.JOINING: frozenset({"ping"}),
    Phase.PLAYING: frozenset({"turn", "ping"}),
}


class IllegalMove(Exception):
    """A transition that the table does not allow."""


def advance(phase: Phase, event: str) -> Phase:
    """The phase after ``event``, or :class:`IllegalMove`."""
    try:
        return TRANSITIONS[(phase, event)]
    except KeyError:
        raise IllegalMove(f"{event!r} is not allowed while {phase.value}") from None
