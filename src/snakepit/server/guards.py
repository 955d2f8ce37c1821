"""Who may connect: the checks made before a request is served (http.py) or a WebSocket
upgraded (connections.py).

- **Host names.** A browser tricked by DNS rebinding (a hostile name re-pointed at this
  server's address) sends that name as ``Host``: a request whose Host is not one of the
  server's names gets 421. The names are the allowed-hosts setting, or by default the
  names of the address it listens on: ``localhost`` (and ``*.localhost``) on loopback; the
  machine's host name and fully qualified name, and ``localhost``, on any other address. An
  IP address literal is always accepted (no rebinding can forge one), ``*`` accepts any
  name, ``*.example.org`` any name under example.org.

- **Origin.** A browser sends the page's origin with every WebSocket handshake. A page on
  another site must not be able to play (or flood) in its visitors' names, so an ``Origin``
  that is neither this server's own address (the request's Host, once that is known to be
  one of the server's names), nor one of the server's names, nor in the allow-list gets 403
  before the upgrade. Clients that send no ``Origin`` (robots, the load generator, curl) are allowed:
  only browsers send one, and a browser always does.
- **Connections per address.** One address may hold ``limit`` open WebSockets; one more
  gets 429 before the upgrade. The address is the socket's peer, or the last hop of
  ``X-Forwarded-For`` when the operator says a proxy of theirs is in front.
- **Games per address.** One address may also hold ``limit`` games (seats): sessions that
  said hello on an open connection, plus *ghosts*, sessions whose connection dropped and
  that wait for a resume (resume.py) with their snake still in the world. A session that
  takes a seat when its address has ``limit`` already ends that address's oldest ghost (as
  if its grace had run out), so dropping and rejoining in a loop never puts more than
  ``limit`` snakes of one address in play, and a player whose phone reconnects is never
  locked out by its own ghosts (:class:`AddressCounter`).
"""

from __future__ import annotations

import ipaddress
import socket
from collections import Counter
from collections.abc import Callable, Hashable
from urllib.parse import urlsplit


def client_address(peer: str, forwarded: str, trust_proxy: bool) -> str:
    """The client's address: the socket's ``peer``, or the last hop of ``forwarded`` (the
    X-Forwarded-For header) if the operator trusts the proxy in front."""
    if trust_proxy:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return peer


def _name_of(host: str) -> str:
    """The name in a Host header (or an Origin's netloc): no port, no brackets, lower case,
    no trailing dot."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostNames:
    """The names this server answers for (see the module's docstring)."""

    def __init__(self, names: tuple[str, ...], *, explicit: bool = True) -> None:
        self.names = frozenset(_name_of(n) if n != "*" else n for n in names if n.strip())
        #: Pages served under these names may connect (origin_allowed): the operator
        #: listed them, or they are loopback's.
        self.explicit = explicit

    @classmethod
    def of(cls, listen_host: str, allowed: tuple[str, ...] = ()) -> HostNames:
        """``allowed`` if given, else the names of ``listen_host``."""
        if allowed:
            return cls(allowed)
        names = ["localhost"]
        loopback = _loopback(listen_host)
        if not loopback:
            names += [socket.gethostname(), socket.getfqdn()]
            if listen_host and not _is_ip(listen_host) and listen_host not in ("", "*"):
                names.append(listen_host)
        # Pages of these names may connect when they are the operator's, or this machine's
        # own loopback names; a public server's guessed names are not vouched for.
        return cls(tuple(names), explicit=loopback)

    def allowed(self, host: str) -> bool:
        """Whether a request naming ``host`` (a Host header) is for this server."""
        name = _name_of(host)
        if not name:
            return False
        if "*" in self.names or name in self.names or _is_ip(name):
            return True
        if "localhost" in self.names and name.endswith(".localhost"):
            return True
        return any(n.startswith("*.") and name.endswith(n[1:]) for n in self.names)

    def named(self, host: str) -> bool:
        """``host`` is one of the names themselves (not an IP literal, not ``*``) and the
        names are vouched for; or, for a server known as localhost, a loopback address."""
        name = _name_of(host)
        if not self.explicit:
            return False
        if "localhost" in self.names and _loopback(name):
            return True
        return name in self.names or any(
            n.startswith("*.") and name.endswith(n[1:]) for n in self.names)


def _loopback(host: str) -> bool:
    if host in ("localhost",) or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin_allowed(origin: str | None, host: str, allowed: tuple[str, ...],
                   names: HostNames | None = None) -> bool:
    """No Origin; this server's own origin (the request's ``host``, already checked to be
    one of ``names``); an origin on one of ``names``; or one of ``allowed``."""
    if origin is None:
        return True
    origin = origin.strip().lower().rstrip("/")
    if origin in {a.lower().rstrip("/") for a in allowed}:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https"):
        return False
    if parts.netloc == host.strip().lower():
        return True
    return names is not None and names.named(parts.netloc)


class AddressCounter:
    """What each address holds, against one cap ``limit`` (0: none): open connections, and
    seats. Every count per address of this process is kept here.

    - **Connections** (:meth:`acquire`, :meth:`release`): open WebSockets, counted from the
      handshake to the socket's end. One more than ``limit`` is refused (429).
    - **Seats** (:meth:`sit`, :meth:`haunt`, :meth:`stand`): games, keyed by the game's own
      object (its :class:`Client`, which a resume carries over to the new connection). A game
      takes its seat when its session says hello and keeps it while its connection is open,
      then, if the connection dropped and a resume is pending, as a *ghost* until the resume
      or the end of its grace. A resume moves the seat to the resuming connection's address
      (the address where the game now is, whether or not it is the one it dropped from): one
      game is never counted twice. When a seat taken makes the address hold more than
      ``limit``, its oldest ghost is evicted: its seat freed and its ``evict`` called (the
      game ends as if its grace had run out). Every seat of an open game has an open
      connection at the same address, so only ghosts can push an address past its cap, and
      there is always one to evict.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        #: Open connections per address.
        self.open: Counter[str] = Counter()
        #: The address each seated game holds its seat at.
        self._seats: dict[Hashable, str] = {}
        #: Seats of games with an open connection, per address.
        self._playing: Counter[str] = Counter()
        #: Ghosts per address, oldest first, each with what ends its game.
        self._ghosts: dict[str, dict[Hashable, Callable[[], None]]] = {}

    def acquire(self, address: str) -> bool:
        """Count one more connection from ``address``; False (not counted) if at the cap."""
        if self.limit and self.open[address] >= self.limit:
            return False
        self.open[address] += 1
        return True

    def release(self, address: str) -> None:
        """One connection from ``address`` is gone."""
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]

    def seats(self, address: str) -> int:
        """Seats ``address`` holds: its open games and its ghosts."""
        return self._playing[address] + len(self._ghosts.get(address, ()))

    def ghosts(self, address: str) -> int:
        """Ghosts ``address`` holds."""
        return len(self._ghosts.get(address, ()))

    def sit(self, game: Hashable, address: str) -> None:
        """``game`` is played on an open connection from ``address``: it holds a seat there
        (moved from wherever it held one, ghost or not). If that makes ``address`` hold more
        than ``limit``, its oldest ghosts are evicted until it does not."""
        self.stand(game)
        self._seats[game] = address
        self._playing[address] += 1
        ghosts = self._ghosts.get(address)
        while self.limit and ghosts and self.seats(address) > self.limit:
            oldest, evict = next(iter(ghosts.items()))
            self.stand(oldest)
            evict()

    def haunt(self, game: Hashable, evict: Callable[[], None]) -> None:
        """``game``'s connection dropped and it waits for a resume: it keeps its seat as a
        ghost (the youngest of its address); ``evict`` ends it if its seat is needed."""
        address = self._seats.get(game)
        if address is None or game in self._ghosts.get(address, ()):
            return
        self._take_off(self._playing, address)
        self._ghosts.setdefault(address, {})[game] = evict

    def stand(self, game: Hashable) -> None:
        """``game`` gives its seat up (it ended, or is about to sit elsewhere). Nothing if it
        holds none."""
        address = self._seats.pop(game, None)
        if address is None:
            return
        ghosts = self._ghosts.get(address)
        if ghosts is not None and game in ghosts:
            del ghosts[game]
            if not ghosts:
                del self._ghosts[address]
        else:
            self._take_off(self._playing, address)

    @staticmethod
    def _take_off(counter: Counter[str], address: str) -> None:
        counter[address] -= 1
        if counter[address] <= 0:
            del counter[address]
