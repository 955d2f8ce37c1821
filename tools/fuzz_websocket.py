"""Fuzz the WebSocket framing (snakepit.websocket) with atheris, coverage-guided.

Each input is split by its first bytes into a role (server or client side), a frame budget
and cut points; the rest is fed to a :class:`Connection` piece by piece and parsed until
nothing is left. Any exception is a finding; so is an outcome the framing does not promise
(an event of another kind, a message over the bound, a second failure or events after one,
a close code outside 1002/1007/1009, or bytes sent back that a peer could not parse).
libFuzzer starts from a small corpus of valid frames and mutates from there.

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python tools/fuzz_websocket.py -runs=1000000 -max_len=4096

docs/reliability.md has the figures of the last run.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from snakepit.websocket import (
        Binary,
        Close,
        Connection,
        Failure,
        Ping,
        Pong,
        Role,
        State,
        Text,
        encode_frame,
    )

LIMIT = 2048
CODES = {1002, 1007, 1009}
KINDS = (Text, Binary, Ping, Pong, Close, Failure)


def check(conn: Connection, events: list[object]) -> None:
    failures = [e for e in events if isinstance(e, Failure)]
    if len(failures) > 1 or (failures and events[-1] is not failures[0]):
        raise AssertionError(f"events after a failure: {events!r}")
    if failures and (failures[0].code not in CODES or conn.state is not State.CLOSED):
        raise AssertionError(f"a failure with code {failures[0].code} in {conn.state}")
    for event in events:
        if not isinstance(event, KINDS):
            raise AssertionError(f"an event of another kind: {event!r}")  # noqa: TRY004
        if isinstance(event, Text) and len(event.text.encode()) > LIMIT:
            raise AssertionError("a text message over the bound")
        if isinstance(event, Binary) and len(event.data) > LIMIT:
            raise AssertionError("a binary message over the bound")
    peer = Connection(Role.CLIENT if conn.role is Role.SERVER else Role.SERVER)
    peer.receive_data(conn.data_to_send())
    if any(isinstance(e, Failure) for e in peer.events()):
        raise AssertionError("sent bytes its peer cannot parse")


def one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    role = Role.SERVER if provider.ConsumeBool() else Role.CLIENT
    budget = provider.ConsumeIntInRange(1, 8)
    cuts = sorted(provider.ConsumeIntInRange(0, 4096) for _ in range(provider.ConsumeIntInRange(0, 4)))
    stream = provider.ConsumeBytes(provider.remaining_bytes())
    conn = Connection(role, max_message=LIMIT, max_fragments=16)
    events: list[object] = []
    start = 0
    for cut in [*cuts, len(stream)]:
        conn.receive_data(stream[start:cut])
        start = max(start, cut)
        events += conn.events(max_frames=budget)
        while conn.stalled:
            events += conn.events(max_frames=budget)
    check(conn, events)


def seeds(folder: str) -> None:
    """A few valid conversations, each side's, as the corpus to start from."""
    conversations = [
        [(1, b'{"type":"hello","protocol":1,"name":"Ada"}', True)],
        [(1, b"hel", False), (9, b"p", True), (0, b"lo", True)],
        [(2, bytes(range(200)), True), (10, b"", True)],
        [(8, b"\x03\xe8bye", True)],
    ]
    for i, frames in enumerate(conversations):
        for server_side in (True, False):  # a client's masked frames, or a server's
            mask = b"\x37\xfa\x21\x3d" if server_side else None
            body = b"".join(encode_frame(op, payload, fin=fin, mask=mask)
                            for op, payload, fin in frames)
            prefix = bytes((1 if server_side else 0, 1, 0))  # role, budget, no cuts
            with open(os.path.join(folder, f"seed-{i}-{int(server_side)}"), "wb") as out:
                out.write(prefix + body)


def main() -> None:
    args = sys.argv[:]
    if not any(not a.startswith("-") for a in args[1:]):  # no corpus folder given: make one
        corpus = tempfile.mkdtemp(prefix="snakepit-ws-corpus-")
        seeds(corpus)
        args.append(corpus)
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
