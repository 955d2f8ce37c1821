"""The embedded score store: one SQLite file in WAL mode, needing nothing else.

Every call is synchronous and blocking; the server runs them on a worker thread. A record
is durable once :meth:`SqliteScoreStore.add` returns: the transaction has committed with
``synchronous=FULL``, so it survives a killed process (and a power cut).

Every game is kept in ``games`` (append only). Two summary tables hold the lists' answers
ready to read, so that reading a top list costs ``limit`` index steps however many games
are stored: ``best_all_time`` (each name's best game) and ``best_by_day`` (each name's best
game of each UTC day). A name's best game is its highest score, the earliest game among
equal scores (smaller ``ended_at``, then smaller id). They are brought up to date in the
same transaction as the games they summarise, from every game with an id above the
watermark kept in ``best_lists_state``; when the file is opened, games the summaries do not
cover yet (a file from before the summaries existed, or games added by an older version)
are summarised the same way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
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
-- Files written before the summary tables had an index by name and score, which nothing
-- reads any more and which cost every insert as much as the rest of it together.
DROP INDEX IF EXISTS games_by_name_score;
CREATE INDEX IF NOT EXISTS games_by_time ON games (ended_at);

CREATE TABLE IF NOT EXISTS best_all_time (
    name     TEXT    PRIMARY KEY,
    score    INTEGER NOT NULL,
    length   INTEGER NOT NULL,
    kills    INTEGER NOT NULL,
    cause    TEXT    NOT NULL,
    ended_at TEXT    NOT NULL,
    game_id  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS best_all_time_ranked
    ON best_all_time (score DESC, ended_at, name);

CREATE TABLE IF NOT EXISTS best_by_day (
    day      TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    score    INTEGER NOT NULL,
    length   INTEGER NOT NULL,
    kills    INTEGER NOT NULL,
    cause    TEXT    NOT NULL,
    ended_at TEXT    NOT NULL,
    game_id  INTEGER NOT NULL,
    PRIMARY KEY (day, name)
);
CREATE INDEX IF NOT EXISTS best_by_day_ranked
    ON best_by_day (day, score DESC, ended_at, name);

-- One row: the id of the last game the summary tables cover.
CREATE TABLE IF NOT EXISTS best_lists_state (
    only         INTEGER PRIMARY KEY CHECK (only = 1),
    last_game_id INTEGER NOT NULL
);
INSERT OR IGNORE INTO best_lists_state (only, last_game_id) VALUES (1, 0);
"""

# Best game per name: the highest score, the earliest game among equal scores. The general
# path of ``best``: it reads every game since the moment, so its cost grows with them.
_BEST_PER_NAME = """
SELECT name, score, length, kills, cause, ended_at FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY score DESC, ended_at, id) AS rank
    FROM games WHERE ended_at >= ?
) WHERE rank = 1
ORDER BY score DESC, ended_at, name
LIMIT ?
"""

_BEST_ALL_TIME = """
SELECT name, score, length, kills, cause, ended_at FROM best_all_time
ORDER BY score DESC, ended_at, name
LIMIT ?
"""

_BEST_OF_DAY = """
SELECT name, score, length, kills, cause, ended_at FROM best_by_day
WHERE day = ?
ORDER BY score DESC, ended_at, name
LIMIT ?
"""

# Whether a replacement is better than the entry it would replace: higher score, or an
# equal score in an earlier game (smaller ended_at, then smaller id).
_BETTER = """
    excluded.score > {t}.score
    OR (excluded.score = {t}.score AND (
        excluded.ended_at < {t}.ended_at
        OR (excluded.ended_at = {t}.ended_at AND excluded.game_id < {t}.game_id)))
"""

# NOT INDEXED: read by id range (the new games only), never through an index the planner
# might walk from end to end to save a sort.
_FRESH_GAMES = "games NOT INDEXED WHERE id > (SELECT last_game_id FROM best_lists_state)"

# The best of the games not summarised yet, per name, merged into the summaries: each
# statement writes (so it takes the write lock before it reads), and an entry is only
# replaced by a better game.
_SUMMARISE_ALL_TIME = f"""
INSERT INTO best_all_time (name, score, length, kills, cause, ended_at, game_id)
SELECT name, score, length, kills, cause, ended_at, id FROM (
    SELECT *, ROW_NUMBER() OVER (
        PARTITION BY name ORDER BY score DESC, ended_at, id) AS rank
    FROM {_FRESH_GAMES}
) WHERE rank = 1
ON CONFLICT (name) DO UPDATE SET
    score = excluded.score, length = excluded.length, kills = excluded.kills,
    cause = excluded.cause, ended_at = excluded.ended_at, game_id = excluded.game_id
WHERE {_BETTER.format(t="best_all_time")}
"""

_SUMMARISE_BY_DAY = f"""
INSERT INTO best_by_day (day, name, score, length, kills, cause, ended_at, game_id)
SELECT day, name, score, length, kills, cause, ended_at, id FROM (
    SELECT *, substr(ended_at, 1, 10) AS day, ROW_NUMBER() OVER (
        PARTITION BY substr(ended_at, 1, 10), name ORDER BY score DESC, ended_at, id) AS rank
    FROM {_FRESH_GAMES}
) WHERE rank = 1
ON CONFLICT (day, name) DO UPDATE SET
    score = excluded.score, length = excluded.length, kills = excluded.kills,
    cause = excluded.cause, ended_at = excluded.ended_at, game_id = excluded.game_id
WHERE {_BETTER.format(t="best_by_day")}
"""

_SUMMARISED = """
UPDATE best_lists_state SET last_game_id = (SELECT coalesce(max(id), 0) FROM games)
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
        with self._db:  # games the summaries do not cover yet, e.g. from an older version
            self._summarise()

    def add(self, records: Sequence[GameRecord]) -> None:
        """Store ``records``, and bring the top lists up to date, in one transaction;
        durable when this returns."""
        with self._db:
            self._db.executemany(
                "INSERT INTO games (name, score, length, kills, cause, ended_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (r.name, r.score, r.length, r.kills, r.cause, _iso(r.ended_at))
                    for r in records
                ],
            )
            self._summarise()

    def best(self, limit: int = 10, since: datetime | None = None) -> list[GameRecord]:
        """The best game of each name (ended at or after ``since``), best first: the highest
        score, the earlier game among equal scores, then names in order.

        All time (``since`` None), and since a UTC midnight with no game on a later day
        (today's list: the scoreboard passes today's midnight), are read from the summary
        tables: ``limit`` index steps, however many games are stored. Any other ``since``
        takes the general path, a query over every game since that moment."""
        if since is None:
            rows = self._db.execute(_BEST_ALL_TIME, (limit,)).fetchall()
        elif (day := self._summarised_day(since)) is not None:
            rows = self._db.execute(_BEST_OF_DAY, (day, limit)).fetchall()
        else:
            return self._best_general(limit, since)
        return _records(rows)

    def integrity(self) -> str:
        """SQLite's own ``PRAGMA integrity_check`` verdict: ``"ok"`` when the file is sound."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def _best_general(self, limit: int, since: datetime | None) -> list[GameRecord]:
        """``best`` from ``games`` alone, for any ``since``: cost grows with the games."""
        start = _iso(since) if since is not None else ""
        return _records(self._db.execute(_BEST_PER_NAME, (start, limit)).fetchall())

    def _summarised_day(self, since: datetime) -> str | None:
        """The day (``YYYY-MM-DD``) whose summary answers "since ``since``", if there is
        one: ``since`` is a UTC midnight and no game ended on a later day."""
        moment = since.astimezone(UTC)
        if moment != moment.replace(hour=0, minute=0, second=0, microsecond=0):
            return None
        later = self._db.execute(
            "SELECT 1 FROM games WHERE ended_at >= ? LIMIT 1",
            (_iso(moment + timedelta(days=1)),),
        ).fetchone()
        return None if later else moment.date().isoformat()

    def _summarise(self) -> None:
        """Merge the games added since the last call into the summary tables. Call it inside
        the transaction that added them."""
        self._db.execute(_SUMMARISE_ALL_TIME)
        self._db.execute(_SUMMARISE_BY_DAY)
        self._db.execute(_SUMMARISED)


def _records(rows: list[tuple[str, int, int, int, str, str]]) -> list[GameRecord]:
    return [
        GameRecord(name, score, length, kills, cause, datetime.fromisoformat(ended))
        for name, score, length, kills, cause, ended in rows
    ]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")
