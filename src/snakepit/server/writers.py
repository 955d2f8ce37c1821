"""What a fan-out writes through: one object with a ``write`` method per client.

A plain client is written through its transport itself, so that the fan-out's loop does
per client what a bare server does (one ``transport.write``); any other ``write`` (a
test's, a suspended client's) is held in a :class:`Call`. :data:`DISCARD` stands in for
a client that has already had this tick's bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from .client import discard


class Call:
    """A ``write`` function held as an object with a ``write`` method."""

    __slots__ = ("write",)

    def __init__(self, write: Callable[[bytes], object]) -> None:
        self.write = write


class Target(Protocol):
    """What the fan-out writes through: a transport, or a :class:`Call`."""

    def write(self, data: bytes, /) -> object: ...


DISCARD = Call(discard)


def target_of(write: Callable[[bytes], object]) -> Target:
    """What the fan-out calls ``write`` on for a client whose ``write`` is ``write``: the
    object a bound ``write`` method belongs to (a plain client's transport itself, so the
    fan-out touches the transport and nothing more per client, as a bare server would),
    or the function held in a :class:`Call`."""
    owner = getattr(write, "__self__", None)
    if owner is not None and getattr(owner, "write", None) == write:
        return cast("Target", owner)
    return Call(write)
