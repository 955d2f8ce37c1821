"""Where finished games are kept. One SQLite file by default."""

from .records import GameRecord
from .sqlite_store import SqliteScoreStore

__all__ = ["GameRecord", "SqliteScoreStore"]
