"""The recording format: what one arena's game loop fed its engine, tick by tick.

A recording is a UTF-8 text file of JSON lines (``.jsonl``, not compressed, so that it can
be appended to a batch at a time and read with any tool):

1. One **header** object: the format version, the arena, the world's seed and every
   :class:`~snakepit.engine.WorldConfig` field, the tick rate, when it started, the tick it
   starts at (0: arenas are recorded from their first tick) and the state digest of the
   world before its first tick.
2. One **tick** array per tick, in order: ``[tick, intents, digest, parts]``. ``intents`` are
   the joins, turns and leaves that entered the engine in that tick, in the order given:
   ``["j", ref, name]``, ``["t", snake_id, "up"|"down"|"left"|"right"]``, ``["l", snake_id]``.
   ``digest`` (16 hex digits) and ``parts`` (4 hex digits per part of the state, see
   :data:`PARTS`) are the state digest of the world right after that tick's step.
3. One **end** object, when the arena closed (``{"end": ..., "ticks": N, ...}``). A recording
   without one was cut short (the server crashed, or the arena is still open).

The state digest covers what :meth:`World.fingerprint` covers (tick, every snake with all its
fields, digits, when corpse digits fade, stones, the next snake id and the random
generator's state) but reads it in the order the world stores it instead of sorting it: a
re-simulation does the same operations in the same order, so it stores everything in the
same order, and skipping the sorts makes the digest several times cheaper than the
fingerprint (docs/performance.md). It is SHA-256 of each part's msgpack encoding (the
generator's state as its 625 words, little-endian), chained: ``digest`` is the first 8 bytes
of the hash of all parts, ``parts`` the first 2 bytes of each part's own hash, which tell a
divergence's report *what* differed.
"""

from __future__ import annotations

import array
import dataclasses
import hashlib
import sys
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from ..engine import Direction, Join, Leave, Turn, World, WorldConfig

#: The version written in (and required of) every header.
FORMAT_VERSION = 1
#: The name of the state digest's scheme, in every header.
DIGEST_SCHEME = "sha256-msgpack-1"
#: The parts of the state, in digest order (the same as :meth:`World.fingerprint`'s).
PARTS = ("tick", "snakes", "digits", "digit fading", "stones", "next snake id",
         "random generator")
DIGEST_HEX = 16
PART_HEX = 4

Intent = Join | Turn | Leave


class RecordingError(ValueError):
    """A recording that cannot be read: ``line`` (1-based) and, when known, ``tick`` say
    where, and the message says what is wrong there."""

    def __init__(self, line: int, tick: int | None, problem: str) -> None:
        where = f"line {line}" + (f" (tick {tick})" if tick is not None else "")
        super().__init__(f"{where}: {problem}")
        self.line = line
        self.tick = tick
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Header:
    """The first line: enough to make the same world again."""

    arena: str
    seed: int
    config: WorldConfig
    tick_rate: float
    started_at: str
    started_ms: int
    start_tick: int
    start_digest: str
    version: str = ""


@dataclass(frozen=True, slots=True)
class TickLine:
    """One tick: the intents that entered the engine and the state digest after it."""

    line: int
    tick: int
    intents: tuple[Intent, ...]
    digest: str
    parts: str


@dataclass(frozen=True, slots=True)
class End:
    """The last line, written when the arena closed."""

    ended_at: str
    ticks: int


@dataclass(slots=True)
class Recording:
    """A recording read into memory."""

    header: Header
    ticks: list[TickLine] = field(default_factory=list)
    end: End | None = None
    #: Set when the reader was told to tolerate a last line cut off mid-write: its number.
    cut_line: int | None = None

    @property
    def last_tick(self) -> int:
        return self.ticks[-1].tick if self.ticks else self.header.start_tick

    def players(self) -> tuple[list[str], list[str]]:
        """Names that joined, in order of first join: (people, bots). Server bots join with
        negative refs (their client ids), everyone else with positive ones."""
        return joined_names(i for t in self.ticks for i in t.intents)


def joined_names(intents: Iterable[Intent]) -> tuple[list[str], list[str]]:
    """The distinct names of the joins among ``intents``: (people, bots)."""
    people: dict[str, None] = {}
    bots: dict[str, None] = {}
    for intent in intents:
        if isinstance(intent, Join):
            (bots if intent.ref < 0 else people)[intent.name] = None
    return list(people), list(bots)


# -- the state digest ----------------------------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, deque):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


_packer = msgspec.msgpack.Encoder(enc_hook=_plain)


def state_digest(world: World) -> tuple[str, str]:
    """The world's state digest: ``(digest, parts)`` as hex (see the module's docstring)."""
    words = array.array("I", world.rng.getstate()[1])
    if sys.byteorder == "big":
        words.byteswap()
    pack = _packer.encode
    whole = hashlib.sha256()
    parts = []
    for data in (
        pack(world.tick),
        pack(list(world.snakes.values())),
        pack(list(world.digits.items())),
        pack(list(world._digit_expiry.items())),
        pack(list(world.stones.items())),
        pack(world._next_id),
        words.tobytes(),
    ):
        whole.update(len(data).to_bytes(4, "little"))
        whole.update(data)
        parts.append(hashlib.sha256(data).hexdigest()[:PART_HEX])
    return whole.hexdigest()[:DIGEST_HEX], "".join(parts)


def differing_parts(recorded: str, actual: str) -> list[str]:
    """The names of the parts whose digests differ between two ``parts`` strings."""
    return [name for i, name in enumerate(PARTS)
            if recorded[i * PART_HEX:(i + 1) * PART_HEX] != actual[i * PART_HEX:(i + 1) * PART_HEX]]


# -- writing -------------------------------------------------------------------------------

_json = msgspec.json.Encoder()


def header_line(header: Header) -> bytes:
    """The header as one line of JSON (with its newline)."""
    return _json.encode({
        "snakepit_replay": FORMAT_VERSION,
        "digest": DIGEST_SCHEME,
        "version": header.version,
        "arena": header.arena,
        "seed": header.seed,
        "config": dataclasses.asdict(header.config),
        "tick_rate": header.tick_rate,
        "started_at": header.started_at,
        "started_ms": header.started_ms,
        "start_tick": header.start_tick,
        "start_digest": header.start_digest,
    }) + b"\n"


def encode_intent(intent: Intent) -> list[object]:
    if isinstance(intent, Turn):
        return ["t", intent.snake_id, intent.direction.value]
    if isinstance(intent, Join):
        return ["j", intent.ref, intent.name]
    return ["l", intent.snake_id]


def tick_line(tick: int, intents: Sequence[Intent], digest: str, parts: str) -> bytes:
    """One tick as one line of JSON (with its newline)."""
    return _json.encode([tick, [encode_intent(i) for i in intents], digest, parts]) + b"\n"


def end_line(ended_at: str, ticks: int, people: Sequence[str], bots: Sequence[str]) -> bytes:
    """The end marker as one line of JSON (with its newline)."""
    return _json.encode({"end": ended_at, "ticks": ticks, "people": list(people),
                         "bots": list(bots)}) + b"\n"


# -- reading -------------------------------------------------------------------------------

_DIRECTIONS = {d.value: d for d in Direction}
_HEX = frozenset("0123456789abcdef")
_tick_decoder = msgspec.json.Decoder(tuple[int, list[list[int | str]], str, str])
_object_decoder = msgspec.json.Decoder(dict[str, Any])


def read_header(data: bytes) -> Header:
    """Decode a header line, or :class:`RecordingError` (line 1)."""
    try:
        raw = _object_decoder.decode(data)
    except msgspec.DecodeError as exc:
        raise RecordingError(1, None, f"the header is not a JSON object ({exc}); "
                                      "is this a Snakepit recording?") from None
    if raw.get("snakepit_replay") != FORMAT_VERSION:
        raise RecordingError(1, None, f"not a Snakepit recording of format {FORMAT_VERSION} "
                                      f"(snakepit_replay = {raw.get('snakepit_replay')!r})")
    if raw.get("digest") != DIGEST_SCHEME:
        raise RecordingError(1, None, f"unknown state digest {raw.get('digest')!r}")
    try:
        return Header(
            arena=str(raw["arena"]),
            seed=_int(raw["seed"]),
            config=WorldConfig(**raw["config"]),
            tick_rate=float(raw["tick_rate"]),
            started_at=str(raw["started_at"]),
            started_ms=_int(raw["started_ms"]),
            start_tick=_int(raw["start_tick"]),
            start_digest=_hex(raw["start_digest"], DIGEST_HEX),
            version=str(raw.get("version", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        problem = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise RecordingError(1, None, f"bad header: {problem}") from None


def _int(value: object) -> int:
    if type(value) is not int:
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def _hex(value: object, length: int) -> str:
    if not (isinstance(value, str) and len(value) == length and _HEX.issuperset(value)):
        raise ValueError(f"expected {length} lowercase hex digits, got {value!r}")
    return value


def decode_intent(raw: list[int | str]) -> Intent:
    """An intent from its JSON form, or ValueError saying why not."""
    kind = raw[0] if raw else None
    if kind == "t" and len(raw) == 3 and type(raw[1]) is int and raw[2] in _DIRECTIONS:
        return Turn(raw[1], _DIRECTIONS[raw[2]])  # type: ignore[index]
    if kind == "j" and len(raw) == 3 and type(raw[1]) is int and isinstance(raw[2], str):
        return Join(raw[1], raw[2])
    if kind == "l" and len(raw) == 2 and type(raw[1]) is int:
        return Leave(raw[1])
    raise ValueError(f"{_json.encode(raw).decode()} is not a join, turn or leave")


def parse(data: bytes, *, tolerate_cut: bool = False) -> Recording:
    """Read a whole recording from its bytes, checking every line; the first problem raises
    :class:`RecordingError` naming its line and tick. With ``tolerate_cut``, a last line
    without its newline (a write in progress, or a crash mid-write) is left out instead."""
    lines = data.split(b"\n")
    cut: int | None = None
    if lines[-1] == b"":
        lines.pop()
    elif tolerate_cut and len(lines) > 1:
        lines.pop()
        cut = len(lines) + 1
    else:
        tick = None if len(lines) == 1 else _expected_tick(lines)
        raise RecordingError(len(lines), tick, "the recording ends in the middle of this "
                             "line: it was cut off while being written (truncated)")
    if not lines:
        raise RecordingError(1, None, "the file is empty: no header")
    recording = Recording(read_header(lines[0]), cut_line=cut)
    expected = recording.header.start_tick + 1
    for number, raw in enumerate(lines[1:], start=2):
        if recording.end is not None:
            raise RecordingError(number, None, "a line after the end marker")
        if raw.startswith(b"{"):
            recording.end = _read_end(raw, number, expected - 1 - recording.header.start_tick)
            continue
        recording.ticks.append(_read_tick(raw, number, expected))
        expected += 1
    return recording


def _expected_tick(lines: list[bytes]) -> int | None:
    """The tick a last, cut-off line was meant to hold (from the header and line count)."""
    try:
        return read_header(lines[0]).start_tick + len(lines) - 1
    except RecordingError:
        return None


def _read_tick(raw: bytes, line: int, expected: int) -> TickLine:
    try:
        tick, intents, digest, parts = _tick_decoder.decode(raw)
    except msgspec.ValidationError as exc:
        raise RecordingError(line, expected, f"not a tick line [tick, intents, digest, "
                                             f"parts]: {exc}") from None
    except msgspec.DecodeError as exc:
        raise RecordingError(line, expected, f"not valid JSON ({exc})") from None
    if tick != expected:
        raise RecordingError(line, expected, f"expected tick {expected} here, found tick "
                                             f"{tick} (a tick is missing or repeated)")
    try:
        decoded = tuple(decode_intent(i) for i in intents)
        return TickLine(line, tick, decoded, _hex(digest, DIGEST_HEX),
                        _hex(parts, PART_HEX * len(PARTS)))
    except ValueError as exc:
        raise RecordingError(line, tick, str(exc)) from None


def _read_end(raw: bytes, line: int, ticks: int) -> End:
    try:
        end = _object_decoder.decode(raw)
        ended_at, count = str(end["end"]), _int(end["ticks"])
    except (msgspec.DecodeError, KeyError, ValueError) as exc:
        raise RecordingError(line, None, f"a bad end marker ({exc})") from None
    if count != ticks:
        raise RecordingError(line, None, f"the end marker says {count} ticks, but the "
                                         f"recording holds {ticks}")
    return End(ended_at, count)


def read(path: Path, *, tolerate_cut: bool = False) -> Recording:
    """Read and check the recording at ``path`` (see :func:`parse`)."""
    return parse(path.read_bytes(), tolerate_cut=tolerate_cut)


def world_of(header: Header) -> World:
    """A new world made from a header's seed and settings: the recording's tick 0."""
    return World(header.config, seed=header.seed)
