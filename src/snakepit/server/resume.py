"""Resume tokens: a player whose connection drops gets its own snake back.

Every session that says hello is given a token (in ``welcome``). When its connection
ends abnormally (the network dropped, the ping went unanswered: anything but a close the
client asked for, or the server's own cut), the session is *suspended*, not ended: its
snake stays in the world and keeps moving, and frames for it are dropped. A new connection
that says hello with the token within ``grace`` seconds takes the session over (the same
snake, alive if it still is, a fresh snapshot); after ``grace`` seconds the session ends as
if the player had left. A token presented while its old connection is still open takes the
session from that connection, which is closed (4000, "replaced").

A suspended session keeps its game's seat at its address (guards.AddressCounter) until it
is resumed (the seat moves to the resuming connection's address) or its grace ends. When
its address needs the seat for a newer game, the oldest suspended session there is
*evicted*: it ends at once, as if its grace had run out.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .session import Session

log = logging.getLogger("snakepit.resume")

#: Close code for a connection whose session another connection took over.
REPLACED = 4000


class Resumes:
    """The sessions of this process that can be taken over, by token."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        #: Sessions with an open connection.
        self.live: dict[str, Session] = {}
        #: Sessions whose connection dropped, with the timer that ends them.
        self.waiting: dict[str, tuple[Session, asyncio.TimerHandle]] = {}

    def issue(self, session: Session) -> str:
        """A new token for ``session``."""
        token = secrets.token_urlsafe(18)
        self.live[token] = session
        return token

    def suspend(self, session: Session) -> None:
        """Its connection dropped: keep the session for ``grace`` seconds."""
        token = session.token
        if token is None or self.live.get(token) is not session:
            session.leave()
            if session.seats is not None:
                session.seats.stand(session.client)
            return
        del self.live[token]
        session.client.suspend()
        timer = asyncio.get_running_loop().call_later(self.grace, self._expire, token)
        self.waiting[token] = (session, timer)
        if session.seats is not None:
            session.seats.haunt(session.client, partial(self._expire, token, "evicted"))
        log.info("suspend client=%d name=%r grace=%gs", session.client.id, session.client.name,
                 self.grace)

    def claim(self, token: str) -> Session | None:
        """The session ``token`` names, taken out of the registry (the caller takes it over),
        or None if it is unknown or its grace period is over."""
        waiting = self.waiting.pop(token, None)
        if waiting is not None:
            session, timer = waiting
            timer.cancel()
            return session
        return self.live.pop(token, None)

    def adopt(self, token: str, session: Session) -> None:
        """``session`` now holds ``token`` with an open connection."""
        self.live[token] = session

    def forget(self, session: Session) -> None:
        """The session ended for good (a normal close, or a cut)."""
        token = session.token
        if token is not None and self.live.get(token) is session:
            del self.live[token]

    def _expire(self, token: str, why: str = "expired") -> None:
        """End the suspended session ``token`` names: its grace is over, or (``why`` is
        "evicted") its address needs its seat."""
        waiting = self.waiting.pop(token, None)
        if waiting is not None:
            session, timer = waiting
            timer.cancel()
            log.info("resume %s client=%d name=%r", why, session.client.id, session.client.name)
            session.end(resumable=False)

    def close(self) -> None:
        """End every suspended session now (the server is stopping)."""
        waiting, self.waiting = self.waiting, {}
        for session, timer in waiting.values():
            timer.cancel()
            session.end(resumable=False)
