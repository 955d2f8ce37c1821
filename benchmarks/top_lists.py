"""What reading the top lists costs: ``SqliteScoreStore.best`` on a store of many games.

Fills a temporary database with ``--games`` games (default 200,000) by ``--players``
players (default 20,000), spread evenly over the ``--days`` days (default 30) ending now,
then times ``best(10)`` (all time) and ``best(10, today's UTC midnight)`` (today), the two
calls the scoreboard makes about once a second on a busy server, each the median of 20
calls, and ``add`` of a batch of 50 games (median of 20 batches; each commits with
``synchronous=FULL``, so it includes the disk's flush).

With ``--general`` the lists are read the way the store read them before the summary
tables: the window query over every game (the general path of ``best``), and the batches
are written the way it wrote them: into ``games`` only. Usage:

    .venv/bin/python benchmarks/top_lists.py [--games 200000] [--players 20000] [--general]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from snakepit.storage import GameRecord, SqliteScoreStore
from snakepit.storage.sqlite_store import _iso

CAUSES = ("wall", "self", "head-on", "body")


def median_ms(function: Callable[[], object], calls: int = 20) -> float:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def random_games(rng: random.Random, count: int, players: int, start: datetime,
                 end: datetime) -> list[GameRecord]:
    span = (end - start).total_seconds()
    return [
        GameRecord(
            name=f"player{rng.randrange(players):05d}",
            score=int(rng.expovariate(1 / 40)),  # many small scores, a few large: ties
            length=3 + rng.randrange(60),
            kills=rng.randrange(4),
            cause=rng.choice(CAUSES),
            ended_at=start + timedelta(seconds=rng.uniform(0, span)),
        )
        for _ in range(count)
    ]


def old_add(store: SqliteScoreStore, records: list[GameRecord]) -> None:
    """``add`` as it was before the summary tables: the games only, one transaction."""
    with store._db:
        store._db.executemany(
            "INSERT INTO games (name, score, length, kills, cause, ended_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(r.name, r.score, r.length, r.kills, r.cause, _iso(r.ended_at)) for r in records],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=200_000)
    parser.add_argument("--players", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--general", action="store_true",
                        help="the code before the summary tables: window query, plain add")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = now - timedelta(days=args.days)
    with tempfile.TemporaryDirectory() as directory:
        store = SqliteScoreStore(Path(directory) / "scores.sqlite3")
        started = time.perf_counter()
        for done in range(0, args.games, 10_000):
            store.add(random_games(rng, min(10_000, args.games - done), args.players,
                                   start, now))
        filled = time.perf_counter() - started
        today_games = store._db.execute("SELECT count(*) FROM games WHERE ended_at >= ?",
                                        (_iso(midnight),)).fetchone()[0]
        if args.general:
            all_time = lambda: store._best_general(10, None)
            today = lambda: store._best_general(10, midnight)
            add = lambda: old_add(store, random_games(rng, 50, args.players, now, now))
        else:
            all_time = lambda: store.best(10)
            today = lambda: store.best(10, midnight)
            add = lambda: store.add(random_games(rng, 50, args.players, now, now))
        assert store.best(10) == store._best_general(10, None)
        assert store.best(10, midnight) == store._best_general(10, midnight)
        figures = {
            "best(10), all time": median_ms(all_time),
            "best(10, today's midnight)": median_ms(today),
            "add, batch of 50 games": median_ms(add),
        }
        store.close()

    print(f"path: {'general (window query over games)' if args.general else 'summary tables'}")
    print(f"games: {args.games:,} by {args.players:,} players over {args.days} days "
          f"({today_games:,} today); filled in {filled:.1f} s")
    for label, ms in figures.items():
        print(f"{label:<28} median {ms:8.3f} ms")


if __name__ == "__main__":
    main()
