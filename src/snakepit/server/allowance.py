"""How much a client may send: a token bucket, shared by its socket and its session.

One :class:`Allowance` per connection. The session takes a token for each message; the
WebSocket layer takes one for each frame that is not itself a whole message (pings, pongs,
closes, fragments, empty ones included), so no kind of frame is free to stream. A client
that runs out is closed with 1008 by whichever layer found it out.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Allowance:
    """``burst`` tokens at once, ``rate`` more a second, never more than ``burst`` saved."""

    __slots__ = ("_clock", "_last", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._last = clock()

    def take(self, count: int = 1) -> bool:
        """Spend ``count`` tokens; False (and none spent) if there are not that many."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= count:
            self._tokens -= count
            return True
        self._tokens = max(0.0, self._tokens - count)  # a flood keeps the bucket empty
        return False
