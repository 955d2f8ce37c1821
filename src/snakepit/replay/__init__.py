"""Replays: every arena's game can be recorded, checked tick by tick, and watched again.

- :mod:`.recording`: the file format (JSON lines), its reader and the state digest;
- :mod:`.recorder`: the per-arena :class:`Recorder` the game loop calls once a tick, and the
  background :class:`DiskWriter` that does all the disk work;
- :mod:`.verify`: re-simulate a recording and compare every tick's state digest;
- :mod:`.library`: the folder of recordings (ids, listing, retention);
- :mod:`.viewer`: a recording as the snapshot and frames a live client would have received.

docs/replays.md describes all of it for users.
"""

from .library import BadReplayId, ReplayLibrary, Summary, is_replay_id
from .recorder import DiskWriter, Recorder
from .recording import (
    FORMAT_VERSION,
    Recording,
    RecordingError,
    full_digest,
    read,
    tick_digest,
)
from .verify import Divergence, Verdict, verify
from .viewer import Replayer

__all__ = [
    "FORMAT_VERSION",
    "BadReplayId",
    "DiskWriter",
    "Divergence",
    "Recorder",
    "Recording",
    "RecordingError",
    "ReplayLibrary",
    "Replayer",
    "Summary",
    "Verdict",
    "full_digest",
    "is_replay_id",
    "read",
    "tick_digest",
    "verify",
]
