"""The embedded score store: one SQLite file in WAL mode, needing nothing else.

Every call is synchronous and blocking; the server runs them on a worker thread. A record
is durable once :meth:`SqliteScoreStore.add` returns: the transaction has committed with
``synchronous=FULL``, so it survives a killed process (and a power cut).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .records import GameRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS games (
    id       INTEGER PRIMARY KEY,
    name     TEXT    NOT NULL,
    score    INTEGER NOT NULL,
    length   INTEGER NOT NULL,
    kills    INTEGER NOT NULL,
    cause    TEXT    NOT NULL,
    ended_at TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS games_by_name_score ON games (name, score DESC);
CREATE INDEX IF NOT EXISTS games_by_time ON games (ended_at);
"""

# Best game per name: the highest score, the earliest game among equal scores.
_BEST_PER_NAME = """
SELECT name, score, length, kills, cause, ended_at FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY score DESC, ended_at, id) AS rank
    FROM games WHERE ended_at >= ?
) WHERE rank = 1
ORDER BY score DESC, ended_at, name
LIMIT ?
"""


class SqliteScoreStore:
    """Finished games in an SQLite file; the best game per name, all time or since a moment."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=5.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._db.commit()

    def add(self, records: Sequence[GameRecord]) -> None:
        """Store ``records`` in one transaction; durable when this returns."""
        with self._db:
            self._db.executemany(
                "INSERT INTO games (name, score, length, kills, cause, ended_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (r.name, r.score, r.length, r.kills, r.cause, _iso(r.ended_at))
                    for r in records
                ],
            )

    def best(self, limit: int = 10, since: datetime | None = None) -> list[GameRecord]:
        """The best game of each name (ended at or after ``since``), best first."""
        start = _iso(since) if since is not None else ""
        rows = self._db.execute(_BEST_PER_NAME, (start, limit)).fetchall()
        return [
            GameRecord(name, score, length, kills, cause, datetime.fromisoformat(ended))
            for name, score, length, kills, cause, ended in rows
        ]

    def integrity(self) -> str:
        """SQLite's own ``PRAGMA integrity_check`` verdict: ``"ok"`` when the file is sound."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self._db.close()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")
