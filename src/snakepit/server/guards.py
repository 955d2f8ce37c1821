"""Who may connect: the checks made before a WebSocket upgrade (connections.py makes them;
the header deadline is the front door's, frontdoor.py).

- **Origin.** A browser sends the page's origin with every WebSocket handshake. A page on
  another site must not be able to play (or flood) in its visitors' names, so an ``Origin``
  that is neither this server's own address nor in the allow-list gets 403 before the
  upgrade. Clients that send no ``Origin`` (robots, the load generator, curl) are allowed:
  only browsers send one, and a browser always does.
- **Connections per address.** One address may hold ``limit`` open WebSockets; one more
  gets 429 before the upgrade. The address is the socket's peer, or the last hop of
  ``X-Forwarded-For`` when the operator says a proxy of theirs is in front.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit


def client_address(peer: str, forwarded: str, trust_proxy: bool) -> str:
    """The client's address: the socket's ``peer``, or the last hop of ``forwarded`` (the
    X-Forwarded-For header) if the operator trusts the proxy in front."""
    if trust_proxy:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return peer


def origin_allowed(origin: str | None, host: str, allowed: tuple[str, ...]) -> bool:
    """No Origin, this server's own origin (its ``host`` as the request named it), or one
    of ``allowed``."""
    if origin is None:
        return True
    origin = origin.strip().lower().rstrip("/")
    if origin in {a.lower().rstrip("/") for a in allowed}:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc == host.strip().lower()


class AddressCounter:
    """Open connections per address, with a cap (0: none)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: Counter[str] = Counter()

    def acquire(self, address: str) -> bool:
        """Count one more connection from ``address``; False (not counted) if at the cap."""
        if self.limit and self.open[address] >= self.limit:
            return False
        self.open[address] += 1
        return True

    def release(self, address: str) -> None:
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]
