"""The recording format: what one arena's game loop fed its engine, tick by tick.

A recording is a UTF-8 text file of JSON lines (``.jsonl``, not compressed, so that it can
be appended to a batch at a time and read with any tool):

1. One **header** object: the format version, the arena, the world's seed and every
   :class:`~snakepit.engine.WorldConfig` field, the tick rate, when it started, the tick it
   starts at (0: arenas are recorded from their first tick), how often the full state is
   digested (``full_every``) and the full digest of the world before its first tick.
2. One **tick** array per tick, in order: ``[tick, intents, digest]``, and on every tick
   that is a multiple of ``full_every`` ``[tick, intents, digest, full, parts]``.
   ``intents`` are the joins, turns and leaves that entered the engine in that tick, in the
   order given: ``["j", ref, name]``, ``["t", snake_id, "up"|"down"|"left"|"right"]``,
   ``["l", snake_id]``. The digests describe the world right after that tick's step.
3. One **end** object, when the arena closed: ``{"end": time, "ticks": N, "people": [...],
   "bots": [...], "full": ..., "parts": ...}``, with the full digest of the last state. A
   recording without one was cut short (the server crashed, or the arena is still open).

Two digests, because digesting the whole state costs more than the rest of recording
together (docs/performance.md):

- The **per-tick digest** (16 hex digits) covers the snakes and counts: 12 digits for every
  snake's id, head, length, heading, growth, score, kills, digits eaten and queued turns
  (and, in the tick a snake is born, its name, colour and whole body), 4 for the tick, the
  numbers of digits, fading digits and stones, and the next snake id. Bodies need no more:
  a body is the new head plus the previous body cut to the length, so if every earlier tick
  matched, matching heads and lengths mean matching bodies. A divergence that changes any
  snake is found at the tick it happens.
- The **full digest** (16 hex digits, and 4 per part for the report, see :data:`PARTS`)
  covers what :meth:`World.fingerprint` covers: also every digit and when corpse digits
  fade, every stone and when it crumbles, and the random generator's state. A divergence
  only there (a digit placed elsewhere) is found at the next full digest, at most
  ``full_every - 1`` ticks later; the report says so.

Both read the world in the order it stores things instead of sorting (a re-simulation
does the same operations in the same order, so it stores everything in the same order):
SHA-256 of msgpack encodings; the full digest is SHA-256 of the parts' SHA-256 hashes.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from ..engine import DIRECTION_NAMED, Join, Leave, Turn, World, WorldConfig
from ..engine.fast import FastWorld

#: The version written in (and required of) every header.
FORMAT_VERSION = 1
#: The name of the digests' scheme, in every header.
DIGEST_SCHEME = "sha256-msgpack-2"
#: Ticks between full digests.
FULL_EVERY = 50
#: What the two halves of the per-tick digest cover.
TICK_PARTS = ("snakes", "tick, counts of digits and stones, next snake id")
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
    #: The full digest of the world before its first tick.
    start_full: str
    full_every: int = FULL_EVERY
    version: str = ""


@dataclass(frozen=True, slots=True)
class TickLine:
    """One tick: the intents that entered the engine and the digests of the world after
    it (the full one only every ``full_every`` ticks)."""

    line: int
    tick: int
    intents: tuple[Intent, ...]
    digest: str
    full: str | None = None
    parts: str | None = None


@dataclass(frozen=True, slots=True)
class End:
    """The last line, written when the arena closed: with the full digest of the last
    state."""

    line: int
    ended_at: str
    ticks: int
    full: str
    parts: str


@dataclass(slots=True)
class Recording:
    """A recording read into memory."""

    header: Header
    ticks: list[TickLine] = field(default_factory=list)
    end: End | None = None

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


# -- the digests ---------------------------------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, deque):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


_packer = msgspec.msgpack.Encoder(enc_hook=_plain)


def _hex_of(data: bytes, digits: int) -> str:
    return hashlib.sha256(data).hexdigest()[:digits]


def tick_digest(world: World | FastWorld) -> str:
    """The per-tick digest (16 hex digits; see the module's docstring)."""
    if isinstance(world, FastWorld):  # the very same documents and hashes, in C
        return world.tick_digest()
    return tick_digest_of(world)


def tick_digest_of(world: World | FastWorld) -> str:
    """:func:`tick_digest` from the world's Python attributes (FastWorld's views too)."""
    tick = world.tick
    snakes = _packer.encode([
        (s.id, s.body[0], len(s.body), s.direction, s.grow, s.score, s.kills, s.eaten,
         tuple(s.turns), (s.name, s.color, tuple(s.body)) if s.born_tick == tick else None)
        for s in world.snakes.values()])
    counts = _packer.encode((tick, len(world.digits), len(world._digit_expiry),
                             len(world.stones), world._next_id))
    return _hex_of(snakes, 12) + _hex_of(counts, 4)


def full_digest(world: World | FastWorld) -> tuple[str, str]:
    """The full digest of the world's state: ``(digest, parts)`` as hex (see the module's
    docstring)."""
    if isinstance(world, FastWorld):  # the very same documents and hashes, in C
        return world.full_digest()
    return full_digest_of(world)


def full_digest_of(world: World | FastWorld) -> tuple[str, str]:
    """:func:`full_digest` from the world's Python attributes (FastWorld's views too)."""
    pack = _packer.encode
    hashes = [hashlib.sha256(data).digest() for data in (
        pack(world.tick),
        pack(world.snakes),  # msgpack maps, in the dicts' own order
        pack(world.digits),
        pack(world._digit_expiry),
        pack(world.stones),
        pack(world._next_id),
        pack(world.rng.getstate()),
    )]
    whole = hashlib.sha256(b"".join(hashes)).hexdigest()[:DIGEST_HEX]
    return whole, "".join(h.hex()[:PART_HEX] for h in hashes)


def differing_parts(recorded: str, actual: str) -> list[str]:
    """The names of the parts whose digests differ between two full ``parts`` strings."""
    return [name for i, name in enumerate(PARTS)
            if recorded[i * PART_HEX:(i + 1) * PART_HEX] != actual[i * PART_HEX:(i + 1) * PART_HEX]]


def differing_tick_parts(recorded: str, actual: str) -> list[str]:
    """What differs between two per-tick digests (see :data:`TICK_PARTS`)."""
    return [name for name, same in zip(TICK_PARTS, (recorded[:12] == actual[:12],
                                                    recorded[12:] == actual[12:]))
            if not same]


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
        "full_every": header.full_every,
        "start_full": header.start_full,
    }) + b"\n"


def encode_intent(intent: Intent) -> list[object]:
    if isinstance(intent, Turn):
        return ["t", intent.snake_id, intent.direction.value]
    if isinstance(intent, Join):
        return ["j", intent.ref, intent.name]
    return ["l", intent.snake_id]


def tick_line(tick: int, intents: Sequence[Intent], digest: str,
              full: tuple[str, str] | None = None) -> bytes:
    """One tick as one line of JSON (with its newline); ``full``: (digest, parts)."""
    value: list[object] = [tick, [encode_intent(i) for i in intents], digest]
    if full is not None:
        value += full
    return _json.encode(value) + b"\n"


def end_line(ended_at: str, ticks: int, people: Sequence[str], bots: Sequence[str],
             full: tuple[str, str]) -> bytes:
    """The end marker as one line of JSON (with its newline)."""
    return _json.encode({"end": ended_at, "ticks": ticks, "people": list(people),
                         "bots": list(bots), "full": full[0], "parts": full[1]}) + b"\n"


# -- reading -------------------------------------------------------------------------------

_HEX = frozenset("0123456789abcdef")
_tick_decoder = msgspec.json.Decoder(list[Any])
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
        raise RecordingError(1, None, f"unknown digests {raw.get('digest')!r}")
    try:
        header = Header(
            arena=str(raw["arena"]),
            seed=_int(raw["seed"]),
            config=WorldConfig(**raw["config"]),
            tick_rate=float(raw["tick_rate"]),
            started_at=str(raw["started_at"]),
            started_ms=_int(raw["started_ms"]),
            start_tick=_int(raw["start_tick"]),
            start_full=_hex(raw["start_full"], DIGEST_HEX),
            full_every=_int(raw["full_every"]),
            version=str(raw.get("version", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        problem = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise RecordingError(1, None, f"bad header: {problem}") from None
    if header.full_every < 1 or header.tick_rate <= 0:
        raise RecordingError(1, None, "bad header: full_every and tick_rate must be positive")
    return header


def _int(value: object) -> int:
    if type(value) is not int:
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def _hex(value: object, length: int) -> str:
    if not (isinstance(value, str) and len(value) == length and _HEX.issuperset(value)):
        raise ValueError(f"expected {length} lowercase hex digits, got {value!r}")
    return value


def decode_intent(raw: object) -> Intent:
    """An intent from its JSON form, or ValueError saying why not."""
    if isinstance(raw, list) and raw:
        kind = raw[0]
        if kind == "t" and len(raw) == 3 and type(raw[1]) is int and raw[2] in DIRECTION_NAMED:
            return Turn(raw[1], DIRECTION_NAMED[raw[2]])
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
    if lines[-1] == b"" or (tolerate_cut and len(lines) > 1):
        lines.pop()
    else:
        tick = None if len(lines) == 1 else _expected_tick(lines)
        raise RecordingError(len(lines), tick, "the recording ends in the middle of this "
                             "line: it was cut off while being written (truncated)")
    if not lines:
        raise RecordingError(1, None, "the file is empty: no header")
    header = read_header(lines[0])
    recording = Recording(header)
    expected = header.start_tick + 1
    for number, raw in enumerate(lines[1:], start=2):
        if recording.end is not None:
            raise RecordingError(number, None, "a line after the end marker")
        if raw.startswith(b"{"):
            recording.end = _read_end(raw, number, expected - 1 - header.start_tick)
            continue
        recording.ticks.append(_read_tick(raw, number, expected, header.full_every))
        expected += 1
    return recording


def _expected_tick(lines: list[bytes]) -> int | None:
    """The tick a last, cut-off line was meant to hold (from the header and line count)."""
    try:
        return read_header(lines[0]).start_tick + len(lines) - 1
    except RecordingError:
        return None


def _read_tick(raw: bytes, line: int, expected: int, full_every: int) -> TickLine:
    try:
        value = _tick_decoder.decode(raw)
    except msgspec.ValidationError:
        raise RecordingError(line, expected, "not a tick line (a JSON array)") from None
    except msgspec.DecodeError as exc:
        raise RecordingError(line, expected, f"not valid JSON ({exc})") from None
    size = 5 if expected % full_every == 0 else 3
    if value and type(value[0]) is int and value[0] != expected:
        raise RecordingError(line, expected, f"expected tick {expected} here, found tick "
                                             f"{value[0]} (a tick is missing or repeated)")
    if len(value) != size or type(value[0]) is not int or not isinstance(value[1], list):
        shape = "[tick, intents, digest" + (", full, parts]" if size == 5 else "]")
        raise RecordingError(line, expected, f"not a tick line {shape}")
    try:
        intents = tuple(decode_intent(i) for i in value[1])
        if size == 3:
            return TickLine(line, expected, intents, _hex(value[2], DIGEST_HEX))
        return TickLine(line, expected, intents, _hex(value[2], DIGEST_HEX),
                        _hex(value[3], DIGEST_HEX), _hex(value[4], PART_HEX * len(PARTS)))
    except ValueError as exc:
        raise RecordingError(line, expected, str(exc)) from None


def _read_end(raw: bytes, line: int, ticks: int) -> End:
    try:
        end = _object_decoder.decode(raw)
        ended_at, count = str(end["end"]), _int(end["ticks"])
        full = _hex(end["full"], DIGEST_HEX)
        parts = _hex(end["parts"], PART_HEX * len(PARTS))
    except (msgspec.DecodeError, KeyError, ValueError) as exc:
        raise RecordingError(line, None, f"a bad end marker ({exc})") from None
    if count != ticks:
        raise RecordingError(line, None, f"the end marker says {count} ticks, but the "
                                         f"recording holds {ticks}")
    return End(line, ended_at, count, full, parts)


def read(path: Path, *, tolerate_cut: bool = False) -> Recording:
    """Read and check the recording at ``path`` (see :func:`parse`)."""
    return parse(path.read_bytes(), tolerate_cut=tolerate_cut)


def world_of(header: Header) -> World:
    """A new world made from a header's seed and settings: the recording's tick 0."""
    return World(header.config, seed=header.seed)
