"""The recordings of one server: where they live, what they are called, which are kept.

Recordings are files ``<id>.jsonl`` in one folder (``<data-dir>/replays``). An id is the
UTC start time, the arena and six random hex digits, e.g. ``20261125-143012-pit-1-3fa9c2``;
ids sort by start time, and nothing that is not exactly such an id is ever turned into a
path (:meth:`ReplayLibrary.path`), so no request can name a file outside the folder.

Retention: nothing is ever deleted when a recording starts, so opening arenas (however
many, however fast) can never push a finished game out of the library. A recording that
ends with no person in it (bots only, or only watchers) is deleted as it ends. When a
recording with a person in it ends, the oldest finished recordings beyond the newest
``keep`` are deleted (0: keep all); recordings still being written are neither deleted nor
counted. Files in the folder that are not named like recordings are left alone.

Everything here that reads or deletes files is meant to run off the event loop: pruning
runs in the recordings' writer thread, and the HTTP handlers call :meth:`summaries` and
:meth:`window` in a worker thread.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import msgspec

from ..engine import World
from .recorder import DiskWriter, Recorder, utc_now
from .recording import FULL_EVERY, RecordingError, read, read_header
from .viewer import Replayer, window_json

log = logging.getLogger("snakepit.replay")

SUFFIX = ".jsonl"
_ID = re.compile(r"[0-9]{8}-[0-9]{6}-[a-z0-9][a-z0-9_-]{0,31}-[0-9a-f]{6}")
#: How much of a file's end is read to find its end marker.
_TAIL = 256 * 1024
#: Recordings kept re-simulated in memory for the viewer.
_REPLAYERS = 4


class BadReplayId(ValueError):
    """A string that is not a recording id."""


@dataclass(frozen=True, slots=True)
class Summary:
    """One line of the list of recordings."""

    id: str
    arena: str
    started: str
    ticks: int
    tick_rate: float
    people: list[str]
    bots: list[str]
    #: Still being recorded by this server.
    live: bool
    #: Has its end marker (its arena closed normally).
    complete: bool

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "arena": self.arena, "started": self.started,
                "ticks": self.ticks, "seconds": round(self.ticks / self.tick_rate, 1),
                "players": self.people, "bots": self.bots, "live": self.live,
                "complete": self.complete}


def is_replay_id(text: str) -> bool:
    return _ID.fullmatch(text) is not None


def new_id(arena: str) -> str:
    """A new recording id for ``arena`` (a canonical arena name)."""
    return f"{utc_now():%Y%m%d-%H%M%S}-{arena}-{secrets.token_hex(3)}"


def _version() -> str:
    try:
        return metadata.version("snakepit")
    except metadata.PackageNotFoundError:
        return ""


class ReplayLibrary:
    """The folder of recordings: starts recorders, lists, prunes, and plays recordings."""

    def __init__(self, folder: Path, *, keep: int = 200, writer: DiskWriter | None = None
                 ) -> None:
        if keep < 0:
            raise ValueError("keep must be 0 (keep all) or more")
        self.folder = folder
        self.keep = keep
        self.writer = writer if writer is not None else DiskWriter()
        self._version = _version()
        self._active: dict[str, Recorder] = {}
        self._summaries: dict[str, tuple[tuple[int, int], Summary]] = {}
        self._replayers: OrderedDict[str, tuple[tuple[int, int], Replayer]] = OrderedDict()
        self._lock = threading.Lock()

    # -- recording ---------------------------------------------------------------------------

    def start(self, arena: str, world: World, tick_rate: float,
              full_every: int = FULL_EVERY) -> Recorder:
        """A recorder for a new arena's world (its full digest every ``full_every`` ticks).
        Deletes nothing (see the module's docstring for when recordings go)."""
        replay_id = new_id(arena)
        recorder = Recorder(self.folder / f"{replay_id}{SUFFIX}", world, arena=arena,
                            tick_rate=tick_rate, writer=self.writer,
                            batch=max(1, round(tick_rate)), full_every=full_every,
                            version=self._version, on_close=self._ended)
        self._active[replay_id] = recorder
        log.info("recording started id=%s", replay_id)
        return recorder

    def _ended(self, recorder: Recorder) -> None:
        """A recording ended (its end marker, if any, is already queued for the disk): one
        nobody played in is deleted; after one somebody played in, the library is pruned."""
        self._active.pop(recorder.id, None)
        if recorder.people:
            self.writer.call(self.prune)
        else:
            self.writer.call(lambda: self._delete(recorder.id, "nobody played"))

    def _delete(self, replay_id: str, why: str) -> None:
        try:
            (self.folder / f"{replay_id}{SUFFIX}").unlink()
        except FileNotFoundError:
            pass
        self._summaries.pop(replay_id, None)
        log.info("recording deleted id=%s reason=%s", replay_id, why)

    def close(self) -> None:
        """Write everything asked for (blocks until it is on disk)."""
        self.writer.close()

    # -- the folder --------------------------------------------------------------------------

    def path(self, replay_id: str) -> Path:
        """The file of recording ``replay_id`` (which may not exist), or BadReplayId."""
        if not is_replay_id(replay_id):
            raise BadReplayId(f"not a recording id: {replay_id[:80]!r}")
        return self.folder / f"{replay_id}{SUFFIX}"

    def ids(self) -> list[str]:
        """The recordings in the folder, newest first (reads the folder)."""
        try:
            names = [p.name[:-len(SUFFIX)] for p in self.folder.iterdir()
                     if p.name.endswith(SUFFIX)]
        except FileNotFoundError:
            names = []
        return sorted((n for n in names if is_replay_id(n)), reverse=True)

    def prune(self) -> list[str]:
        """Delete the oldest finished recordings beyond the newest ``keep`` finished ones
        (those being written are neither deleted nor counted); return the ids deleted."""
        if self.keep == 0:
            return []
        active = set(self._active)
        finished = [replay_id for replay_id in self.ids() if replay_id not in active]
        removed = []
        for replay_id in reversed(finished[self.keep:]):
            try:
                (self.folder / f"{replay_id}{SUFFIX}").unlink()
            except FileNotFoundError:
                pass
            removed.append(replay_id)
            self._summaries.pop(replay_id, None)
        if removed:
            log.info("recordings pruned count=%d kept=%d", len(removed), self.keep)
        return removed

    # -- reading -----------------------------------------------------------------------------

    def summaries(self, limit: int = 50) -> list[Summary]:
        """The newest ``limit`` recordings that can be read, newest first."""
        ids = sorted(set(self.ids()) | set(self._active), reverse=True)
        found = []
        for replay_id in ids:
            if len(found) >= limit:
                break
            summary = self.summary(replay_id)
            if summary is not None:
                found.append(summary)
        return found

    def summary(self, replay_id: str) -> Summary | None:
        """What recording ``replay_id`` is, or None if it cannot be read."""
        recorder = self._active.get(replay_id)
        if recorder is not None:
            return Summary(replay_id, recorder.arena, recorder.started_at, recorder.ticks,
                           recorder.tick_rate, recorder.people, recorder.bots, True, False)
        path = self.path(replay_id)
        try:
            stat = path.stat()
            key = (stat.st_size, stat.st_mtime_ns)
            cached = self._summaries.get(replay_id)
            if cached is not None and cached[0] == key:
                return cached[1]
            summary = _summary_of(replay_id, path)
        except (OSError, RecordingError) as exc:
            log.debug("unreadable recording id=%s error=%s", replay_id, exc)
            return None
        self._summaries[replay_id] = (key, summary)
        return summary

    def window(self, replay_id: str, start: int, count: int) -> bytes:
        """JSON for the viewer: recording ``replay_id`` from tick ``start``, ``count`` ticks
        (see :func:`snakepit.replay.viewer.window_json`). FileNotFoundError if there is no
        such recording, RecordingError if it cannot be read. Blocks (up to 2 s more for a
        recording being written, until its lines handed over are on disk): call it from a
        worker thread."""
        path = self.path(replay_id)
        if replay_id in self._active:  # being written: get what was handed over on disk
            self.writer.wait(2.0)
        with self._lock:
            stat = path.stat()
            key = (stat.st_size, stat.st_mtime_ns)
            cached = self._replayers.get(replay_id)
            if cached is not None and cached[0] == key:
                replayer = cached[1]
            else:
                recording = read(path, tolerate_cut=True)
                replayer = cached[1] if cached is not None else Replayer(recording)
                try:
                    replayer.update(recording)
                except ValueError:
                    replayer = Replayer(recording)
            self._replayers[replay_id] = (key, replayer)
            self._replayers.move_to_end(replay_id)
            while len(self._replayers) > _REPLAYERS:
                self._replayers.popitem(last=False)
            return window_json(replay_id, replayer, start, count, replay_id in self._active)


_end_decoder = msgspec.json.Decoder(dict[str, Any])


def _summary_of(replay_id: str, path: Path) -> Summary:
    """From the header and the end marker; a recording without one is read whole."""
    with open(path, "rb") as file:
        header = read_header(file.readline())
        size = file.seek(0, 2)
        file.seek(max(0, size - _TAIL))
        tail = file.read()
    lines = tail.rstrip(b"\n").rsplit(b"\n", 1)
    if tail.endswith(b"\n") and lines[-1].startswith(b'{"end"'):
        try:
            end = _end_decoder.decode(lines[-1])
            return Summary(replay_id, header.arena, header.started_at, int(end["ticks"]),
                           header.tick_rate, list(end["people"]), list(end["bots"]),
                           False, True)
        except (msgspec.DecodeError, KeyError, TypeError, ValueError):
            pass  # read it whole below
    recording = read(path, tolerate_cut=True)
    people, bots = recording.players()
    return Summary(replay_id, header.arena, header.started_at, len(recording.ticks),
                   header.tick_rate, people, bots, False, recording.end is not None)
