"""How many new arenas one address may name: a count and a rate (docs/reliability.md).

Naming an arena that is not open opens it (``/?arena=friday``), and every open arena costs
a game loop, memory and a recording. So one address may *hold* at most ``per_address``
arenas it opened by name that are still running, and may *open* new ones at most
``per_minute`` a minute: a token bucket that holds a minute's worth (at least one) and
refills continuously. Entering an arena that is already open costs nothing; neither do
the public arenas matchmaking opens.

:class:`ArenaQuota` is pure: it never reads a clock. Whoever asks passes the time (any
monotonic seconds) in, so tests say exactly when things happen. It forgets an address as
soon as that address holds no arena and its bucket is full again, so it keeps at most one
entry per address that opened an arena within the last minute or still holds one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class _Account:
    """One address: arenas it holds, and its bucket as of ``stamp``."""

    held: int
    tokens: float
    stamp: float


class ArenaQuota:
    """Arenas opened by name, per address: at most ``per_address`` held at once and
    ``per_minute`` opened a minute (0 turns either limit off)."""

    def __init__(self, per_address: int, per_minute: float) -> None:
        if per_address < 0:
            raise ValueError("arenas per address must be 0 (no limit) or more")
        if not 0 <= per_minute < float("inf"):
            raise ValueError("new arenas per minute must be 0 (no limit) or more")
        self.per_address = per_address
        self.per_minute = per_minute
        #: What the bucket holds when full: a minute's worth, and at least one arena.
        self.burst = max(1.0, per_minute)
        self._accounts: dict[str, _Account] = {}
        #: The number of accounts at which the next :meth:`_forget_idle` sweep runs.
        self._sweep_at = 64

    def holding(self, address: str) -> int:
        """Arenas ``address`` opened by name that are still open."""
        account = self._accounts.get(address)
        return account.held if account is not None else 0

    def refusal(self, address: str, now: float) -> str | None:
        """Why ``address`` may not open one more arena at ``now`` (a sentence for the
        client, naming the limit), or None if it may. Changes nothing."""
        account = self._accounts.get(address)
        if account is None:
            return None
        if self.per_address and account.held >= self.per_address:
            return (f"you already have {account.held} arenas open, at most "
                    f"{self.per_address} from one address: use one of them, or wait "
                    f"until one closes (an empty arena closes after a while)")
        if self.per_minute and self._tokens(account, now) < 1.0:
            wait = (1.0 - self._tokens(account, now)) * 60.0 / self.per_minute
            return (f"new arenas are opened at most {self.per_minute:g} a minute from one "
                    f"address: try again in {max(1, round(wait))} s")
        return None

    def opened(self, address: str, now: float) -> None:
        """``address`` opened an arena at ``now`` (after :meth:`refusal` said it may)."""
        account = self._accounts.get(address)
        if account is None:
            if len(self._accounts) >= self._sweep_at:
                self._forget_idle(now)
            account = self._accounts[address] = _Account(0, self.burst, now)
        account.tokens = self._tokens(account, now)
        account.stamp = now
        if self.per_minute:
            account.tokens = max(0.0, account.tokens - 1.0)
        account.held += 1

    def closed(self, address: str) -> None:
        """An arena ``address`` opened has closed."""
        account = self._accounts.get(address)
        if account is not None and account.held > 0:
            account.held -= 1

    def __len__(self) -> int:
        """Addresses remembered now."""
        return len(self._accounts)

    def _tokens(self, account: _Account, now: float) -> float:
        elapsed = max(0.0, now - account.stamp)
        return min(self.burst, account.tokens + elapsed * self.per_minute / 60.0)

    def _forget_idle(self, now: float) -> None:
        """Drop the addresses that hold nothing and have a full bucket (they are the same
        as an address never seen); sweep again when the table has doubled."""
        for address in [a for a, acc in self._accounts.items()
                        if acc.held == 0 and self._tokens(acc, now) >= self.burst]:
            del self._accounts[address]
        self._sweep_at = max(64, 2 * len(self._accounts))
