"""The soak's fault injector: bad clients, a few a second, each checked for its answer.

Every fault runs on connections of its own, from a loopback address of its own
(127.2.x.y; a connection flood gets a fresh 127.3.x.y), so it never shares the
per-address allowance of the legitimate clients or of another fault. Each kind promises
one answer from the server within its deadline (8 s unless said):

==================  ======================================  ==================================
kind                what the fault sends                    the answer expected
==================  ======================================  ==================================
bad-json            ``{"type":"turn","dir":"up"`` (cut)     ``error`` ``bad-json``, and a
                                                            ``ping`` after it gets its
                                                            ``pong`` (the connection stays)
binary              a binary frame                          ``error`` ``binary``, ping -> pong
invalid-utf8        a text frame with a ``\xff`` byte       close 1007
truncated-utf8      a text frame ending mid-character       close 1007
lone-surrogate      a name ``"\ud800"``                     ``error`` ``bad-json``, ping/pong
nan, infinity       ``"t":NaN``, ``"t":Infinity``           ``error`` ``bad-json``, ping/pong
huge-number         ``"t":1e300``                           ``error`` ``bad-message``, ping/pong
wrong-type          ``"dir":1``                             ``error`` ``bad-message``, ping/pong
unknown-type        ``{"type":"teleport"}``                 ``error`` ``bad-message``, ping/pong
deep-nesting        arrays nested 2,000 deep                ``error`` ``bad-message``, ping/pong
long-int            a 4,000-digit integer (fits a message)  ``error`` ``bad-message``, ping/pong
huge-int            a 5,000-digit integer (over 4,096 B)    close 1009
oversized           a message of ``max_message_bytes`` + 1  close 1009
                    or + 4,096 bytes
message-flood       300 pings at once (burst 100, 50/s)     close 1008 "too many messages..."
cross-origin        a handshake with                        HTTP 403 before the upgrade
                    ``Origin: http://evil.example``
connection-flood    ``cap + 4`` handshakes at once from     exactly ``cap`` upgraded, 4 x HTTP
                    one address                             429
slow-headers        request headers, one byte every 2 s     cut between ``header_timeout``
                    (about 40 bytes: 80 s unless cut)       - 0.5 s and + 3 s (slack for a
                                                            busy machine's timers)
stop-reading        hello, then ``watch`` (45 a second,     cut (reset) within 90 s, and the
                    alternating two busy arenas: a          server's ``clients_dropped_total
                    snapshot each) and never a byte read,   {reason="slow"}`` went up: the
                    with the smallest receive buffer        1013 cut, whose close frame is
                                                            queued behind the unread backlog
vanish-rst          hello in an arena of its own, then an   the arena is empty within the
                    RST (no close frame, no FIN)            resume grace + 8 s (a dropped
                                                            session is kept for a resume)
half-open           hello in an arena of its own, then      the server closes it (EOF or a
                    silence: never a byte, not even a       close frame) within 1.25 x 1.5 x
                    pong (its kernel still acknowledges,    ``heartbeat`` + 10 s (aiohttp pings
                    as a vanished machine's would not:      after a jittered heartbeat and
                    loopback cannot imitate that)           waits half of it)
==================  ======================================  ==================================

Run by ``snakepit soak``; prints one JSON line of per-kind counts at the end:
``python -m snakepit.bench.faults --port 8080 --seconds 60 --rate 5 --cap 8``
(``--only half-open,vanish-rst`` to look into some kinds).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import re
import struct
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp

from .. import eventloop
from ..settings import Settings
from ..websocket import ZERO_MASK, Close, Failure, encode_frame
from .rawws import RawWs, Target, Unexpected

_DEFAULTS = Settings()
_PING = b'{"type":"ping","t":7}'
_SLOW_DROPS = re.compile(r'^snakepit_clients_dropped_total\{reason="slow"\} (\S+)$', re.MULTILINE)


def _addresses(second_octet: int) -> Callable[[], str]:
    counter = itertools.count()

    def next_address() -> str:
        n = next(counter) % 62_500
        return f"127.{second_octet}.{n // 250}.{n % 250 + 1}"

    return next_address


@dataclass
class Tally:
    """Outcomes of one fault kind."""

    sent: int = 0
    expected: int = 0
    unexpected: int = 0
    seconds_max: float = 0.0
    samples: list[str] = field(default_factory=list)  # the first few unexpected answers

    def to_json(self) -> dict[str, object]:
        return {"sent": self.sent, "expected": self.expected, "unexpected": self.unexpected,
                "seconds_max": round(self.seconds_max, 3), "unexpected_samples": self.samples}


class Injector:
    """Runs the faults against ``target`` and tallies their answers."""

    def __init__(self, target: Target, http: aiohttp.ClientSession) -> None:
        self.target = target
        self.http = http
        self.source = _addresses(2)
        self.flood_source = _addresses(3)
        self.serial = itertools.count(1)
        self.tallies: dict[str, Tally] = {kind: Tally() for kind in KINDS}
        self.busy: set[str] = set()

    async def run_one(self, kind: str) -> None:
        """Run one fault of ``kind`` to its end (answer or deadline) and tally it."""
        fault = KINDS[kind]
        tally = self.tallies[kind]
        tally.sent += 1
        started = time.monotonic()
        try:
            await asyncio.wait_for(fault.check(self), fault.deadline(self.target))
        except Unexpected as exc:
            outcome: str | None = str(exc)
        except TimeoutError:
            outcome = f"no answer within {fault.deadline(self.target):g} s"
        except (OSError, ValueError, LookupError, struct.error) as exc:  # or a garbled answer
            outcome = f"{type(exc).__name__}: {exc}"
        else:
            outcome = None
        elapsed = time.monotonic() - started
        tally.seconds_max = max(tally.seconds_max, elapsed)
        if outcome is None:
            tally.expected += 1
        else:
            tally.unexpected += 1
            if len(tally.samples) < 5:
                tally.samples.append(outcome)

    async def open(self, rcvbuf: int | None = None, **headers: str) -> RawWs:
        """A fresh upgraded connection (Unexpected if the upgrade is refused)."""
        ws = await RawWs.connect(self.target, self.source(), rcvbuf)
        status = await ws.handshake(self.target, **headers)
        if status != 101:
            ws.close()
            raise Unexpected(f"handshake answered {status}")
        return ws

    async def slow_drops(self) -> float:
        async with self.http.get(f"http://{self.target.host}:{self.target.port}/metrics") as r:
            found = _SLOW_DROPS.search(await r.text())
        return float(found.group(1)) if found else 0.0

    async def arenas(self) -> list[dict[str, object]]:
        url = f"http://{self.target.host}:{self.target.port}/api/arenas"
        async with self.http.get(url) as response:
            return (await response.json())["arenas"]

    async def spectators(self, arena: str) -> int:
        """People in ``arena`` (0 once it has closed)."""
        return sum(int(a["spectators"]) + int(a["players"]) for a in await self.arenas()
                   if a["id"] == arena)

    async def busiest(self, count: int) -> list[str]:
        """The ``count`` public arenas with the most snakes (the largest snapshots), padded
        with ``target.busy_arena`` and an arena of the injector's own."""
        ranked = sorted((a for a in await self.arenas() if a["public"]),
                        key=lambda a: -int(a["players"]))
        names = [str(a["id"]) for a in ranked][:count]
        for pad in (self.target.busy_arena, "soak-faults"):
            if len(names) < count and pad not in names:
                names.append(pad)
        return names


# -- the faults ---------------------------------------------------------------------------


def _expect_error(text: bytes, code: str, opcode: int = 0x1) -> Callable[[Injector],
                                                                         Awaitable[None]]:
    async def check(injector: Injector) -> None:
        ws = await injector.open()
        try:
            await ws.send_frame(text, opcode)
            answer = await ws.answer()
            if answer != f"error {code}":
                raise Unexpected(f"expected error {code}, got {answer}")
            await ws.send_frame(_PING)  # and the connection still works
            await ws.until("pong")
        finally:
            ws.close()

    return check


def _expect_close(make: Callable[[Target], bytes], code: int,
                  reason: str = "") -> Callable[[Injector], Awaitable[None]]:
    async def check(injector: Injector) -> None:
        ws = await injector.open()
        try:
            await ws.send(make(injector.target))
            answer = await ws.answer()
            if not answer.startswith(f"close {code} {reason}".strip()):
                raise Unexpected(f"expected close {code} {reason}".strip() + f", got {answer}")
        finally:
            ws.close()

    return check


def _masked(payload: bytes) -> bytes:
    """A final text frame with a zero mask: the payload as it is (even when not UTF-8)."""
    return encode_frame(0x1, payload, mask=ZERO_MASK)


def _raw_frame(payload: bytes) -> Callable[[Target], bytes]:
    return lambda target: _masked(payload)


def _oversized(target: Target) -> bytes:
    return _masked(b"x" * (target.max_message_bytes + random.choice((1, 4096))))


def _huge_int(target: Target) -> bytes:
    return _masked(b'{"type":"ping","t":' + b"9" * 5000 + b"}")


def _flood(target: Target) -> bytes:
    return _masked(_PING) * (2 * _DEFAULTS.message_burst + 100)


async def _cross_origin(injector: Injector) -> None:
    ws = await RawWs.connect(injector.target, injector.source())
    try:
        status = await ws.handshake(injector.target, Origin="http://evil.example")
    finally:
        ws.close()
    if status != 403:
        raise Unexpected(f"expected HTTP 403, got {status}")


async def _connection_flood(injector: Injector) -> None:
    target = injector.target
    source = injector.flood_source()
    sockets: list[RawWs] = []
    try:
        for _ in range(target.cap + 4):
            sockets.append(await RawWs.connect(target, source))
        statuses = await asyncio.gather(*(ws.handshake(target) for ws in sockets))
    finally:
        for ws in sockets:
            ws.close()
    upgraded, refused = statuses.count(101), statuses.count(429)
    if upgraded != target.cap or refused != 4:
        raise Unexpected(f"expected {target.cap} x 101 and 4 x 429, got {sorted(statuses)}")


async def _slow_headers(injector: Injector) -> None:
    target = injector.target
    ws = await RawWs.connect(target, injector.source())
    started = time.monotonic()

    async def trickle() -> None:
        try:
            for byte in b"GET /ws HTTP/1.1\r\nHost: soak\r\nUpgrade: websocket\r\n":
                await ws.send(bytes([byte]))
                await asyncio.sleep(2.0)
        except ConnectionError:
            pass  # cut: the reader sees it too

    sender = asyncio.create_task(trickle())
    try:
        while await ws.recv():  # the server says nothing until the headers are complete
            pass
    finally:
        sender.cancel()
        ws.close()
    cut = time.monotonic() - started
    if not target.header_timeout - 0.5 <= cut <= target.header_timeout + 3.0:
        raise Unexpected(f"cut after {cut:.1f} s (header timeout {target.header_timeout:g} s)")


async def _stop_reading(injector: Injector) -> None:
    before = await injector.slow_drops()
    arenas = await injector.busiest(2)
    ws = await injector.open(rcvbuf=1)  # the smallest window the kernel allows
    try:
        await ws.send_frame(b'{"type":"hello","protocol":1,"name":"deaf","arena":"%s"}'
                            % arenas[0].encode())
        names = itertools.cycle([b'{"type":"watch","arena":"%s"}' % a.encode()
                                 for a in reversed(arenas)])
        try:  # 45 snapshots a second (under the 50/s allowance), and never a byte read
            while True:
                await ws.send_frame(next(names))
                await asyncio.sleep(1 / 45)
        except ConnectionError:
            pass
    finally:
        ws.close()
    if await injector.slow_drops() <= before:
        raise Unexpected("cut, but the server counted no slow drop")


async def _vanish(injector: Injector) -> None:
    arena = f"gone-{next(injector.serial)}"
    ws = await injector.open()
    try:
        await ws.hello(arena)
    finally:
        ws.close(reset=True)
    while await injector.spectators(arena):
        await asyncio.sleep(0.25)


async def _half_open(injector: Injector) -> None:
    arena = f"idle-{next(injector.serial)}"
    ws = await injector.open()
    try:
        await ws.hello(arena)
        while True:  # read everything, answer nothing (not even the server's pings)
            event = await ws.event()
            if event is None or isinstance(event, Close | Failure):
                return
    finally:
        ws.close()


@dataclass(frozen=True)
class Fault:
    check: Callable[[Injector], Awaitable[None]]
    deadline: Callable[[Target], float] = lambda target: 8.0
    #: At most one at a time (its check reads a process-wide counter).
    exclusive: bool = False

    def long(self, target: Target) -> bool:
        """Takes long by design (its deadline is over 10 s): not started near the end."""
        return self.deadline(target) > 10.0


KINDS: dict[str, Fault] = {
    "bad-json": Fault(_expect_error(b'{"type":"turn","dir":"up"', "bad-json")),
    "binary": Fault(_expect_error(b"\x00\x01\xff", "binary", opcode=0x2)),
    "invalid-utf8": Fault(_expect_close(_raw_frame(b'{"type":"ping","t":\xff}'), 1007)),
    "truncated-utf8": Fault(_expect_close(_raw_frame(b'{"type":"hello","name":"\xc3'), 1007)),
    "lone-surrogate": Fault(_expect_error(b'{"type":"hello","protocol":1,"name":"\\ud800"}',
                                          "bad-json")),
    "nan": Fault(_expect_error(b'{"type":"ping","t":NaN}', "bad-json")),
    "infinity": Fault(_expect_error(b'{"type":"ping","t":Infinity}', "bad-json")),
    "huge-number": Fault(_expect_error(b'{"type":"ping","t":1e300}', "bad-message")),
    "wrong-type": Fault(_expect_error(b'{"type":"turn","dir":1}', "bad-message")),
    "unknown-type": Fault(_expect_error(b'{"type":"teleport"}', "bad-message")),
    "deep-nesting": Fault(_expect_error(b"[" * 2000 + b"]" * 2000, "bad-message")),
    "long-int": Fault(_expect_error(b'{"type":"ping","t":' + b"9" * 4000 + b"}",
                                    "bad-message")),
    "huge-int": Fault(_expect_close(_huge_int, 1009)),
    "oversized": Fault(_expect_close(_oversized, 1009)),
    "message-flood": Fault(_expect_close(_flood, 1008, "too many messages")),
    "cross-origin": Fault(_cross_origin),
    "connection-flood": Fault(_connection_flood),
    "slow-headers": Fault(_slow_headers, lambda t: t.header_timeout + 5),
    "stop-reading": Fault(_stop_reading, lambda t: 90.0, exclusive=True),
    "vanish-rst": Fault(_vanish, lambda t: t.resume_grace + 8),
    # aiohttp pings after a jittered heartbeat (at most 1.25 x) and waits half of that.
    "half-open": Fault(_half_open, lambda t: 1.25 * 1.5 * t.heartbeat + 10),
}


async def inject(target: Target, seconds: float, rate: float, seed: int = 1,
                 only: tuple[str, ...] = ()) -> dict[str, dict[str, object]]:
    """Start faults at ``rate`` a second for ``seconds``, cycling through every kind (the
    slowest first, so that each is seen even in a short run); then wait for the ones still
    running. A fault whose deadline would pass the end is started only if its kind has not
    been seen yet. ``only`` limits the kinds (for looking into one). Returns each kind's
    tally."""
    rng = random.Random(seed)
    kinds = [k for k in (only or KINDS)
             if not (k == "connection-flood" and target.cap <= 0)]  # no limit to probe
    cycle = sorted(kinds, key=lambda k: -KINDS[k].deadline(target))
    end = time.monotonic() + seconds
    if rate <= 0:  # no faults: the run is a plain soak
        await asyncio.sleep(seconds)
        return {}
    running: set[asyncio.Task[None]] = set()
    async with aiohttp.ClientSession() as http:
        injector = Injector(target, http)
        due = time.monotonic()
        while due < end:
            for _ in range(len(kinds)):
                if not cycle:
                    cycle = rng.sample(kinds, len(kinds))
                kind = cycle.pop(0)
                fault = KINDS[kind]
                late = fault.long(target) and time.monotonic() + fault.deadline(target) > end
                if (fault.exclusive and kind in injector.busy) or (
                        late and injector.tallies[kind].sent):
                    continue
                running.add(asyncio.create_task(_run(injector, kind)))
                break
            due += 1.0 / rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            running = {t for t in running if not t.done()}
        await asyncio.gather(*running)
        tallies = injector.tallies
    return {kind: tallies[kind].to_json() for kind in kinds}


async def _run(injector: Injector, kind: str) -> None:
    if KINDS[kind].exclusive:
        injector.busy.add(kind)
    try:
        await injector.run_one(kind)
    finally:
        injector.busy.discard(kind)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Snakepit soak: the fault injector")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--rate", type=float, default=5.0, help="faults started a second")
    parser.add_argument("--cap", type=int, default=_DEFAULTS.max_connections_per_address,
                        help="the server's --max-per-address (0: skip the connection flood)")
    parser.add_argument("--header-timeout", type=float, default=_DEFAULTS.header_timeout)
    parser.add_argument("--busy-arena", default="pit-1")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="these kinds only, comma separated")
    args = parser.parse_args(argv)
    only = tuple(k for k in args.only.split(",") if k)
    if unknown := set(only) - KINDS.keys():
        parser.error(f"unknown fault kinds: {', '.join(sorted(unknown))}")
    target = Target(port=args.port, cap=args.cap, header_timeout=args.header_timeout,
                    busy_arena=args.busy_arena)
    result = eventloop.run(inject(target, args.seconds, args.rate, args.seed, only))
    sys.stdout.write(json.dumps({"faults": result}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
