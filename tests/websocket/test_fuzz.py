"""Properties of the connection over random and mutated input (hypothesis): whatever a peer
sends, the only outcomes are events and the defined close codes; how the bytes are split
never changes what they mean; valid traffic always reads back as what was sent.

tools/fuzz_websocket.py drives the same connection with a million coverage-guided inputs
(docs/reliability.md has the figures).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

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

CODES = {1002, 1007, 1009}
LIMIT = 2048

masks = st.binary(min_size=4, max_size=4)
opcodes = st.integers(min_value=0, max_value=15)


@st.composite
def frames(draw: st.DrawFn) -> bytes:
    """A frame with any header bits, opcode and payload: mostly legal, often not."""
    payload = draw(st.binary(max_size=300) | st.text(max_size=100).map(str.encode))
    return encode_frame(draw(opcodes), payload, fin=draw(st.booleans()),
                        rsv=draw(st.sampled_from([0, 0, 0, 1, 2, 4])),
                        mask=draw(st.none() | masks | masks | masks))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A stream of frames with some of its bytes flipped, cut or repeated."""
    data = bytearray(b"".join(draw(st.lists(frames(), max_size=8))))
    for _ in range(draw(st.integers(0, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "repeat"]))
        if action == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[at:at + draw(st.integers(1, 8))]
        else:
            data[at:at] = data[at:at + draw(st.integers(1, 16))]
    return bytes(data)


def read_all(data: bytes, cuts: list[int], budget: int = 1 << 30) -> list:
    """Every event of ``data`` fed in pieces cut at ``cuts``, parsing until nothing is left."""
    conn = Connection(Role.SERVER, max_message=LIMIT, max_fragments=16)
    found: list = []
    start = 0
    for cut in [*sorted(cuts), len(data)]:
        conn.receive_data(data[start:cut])
        start = max(start, cut)
        found += conn.events(max_frames=budget)
        while conn.stalled:
            found += conn.events(max_frames=budget)
    check(conn, found)
    return found


def check(conn: Connection, events: list) -> None:
    """What must hold of any connection after any input."""
    failures = [e for e in events if isinstance(e, Failure)]
    assert len(failures) <= 1
    if failures:
        assert events[-1] is failures[0] and failures[0].code in CODES
        assert conn.state is State.CLOSED
    for event in events:
        assert isinstance(event, Text | Binary | Ping | Pong | Close | Failure)
        if isinstance(event, Text):
            assert len(event.text.encode()) <= LIMIT
        if isinstance(event, Binary):
            assert len(event.data) <= LIMIT
    reader = Connection(Role.CLIENT)  # what the connection sent must be well formed
    reader.receive_data(conn.data_to_send())
    assert not any(isinstance(e, Failure) for e in reader.events())


@settings(max_examples=400, deadline=None)
@given(mutated(), st.lists(st.integers(0, 4000), max_size=6))
def test_any_input_gives_events_or_a_defined_close_and_never_an_exception(data, cuts):
    read_all(data, cuts)


@settings(max_examples=300, deadline=None)
@given(mutated(), st.lists(st.integers(0, 4000), max_size=6), st.integers(1, 5))
def test_how_the_bytes_are_split_and_budgeted_never_changes_what_they_mean(data, cuts, budget):
    assert read_all(data, cuts, budget) == read_all(data, [])


@st.composite
def conversations(draw: st.DrawFn) -> tuple[list[str | bytes], bytes]:
    """Valid client traffic: messages, each in one or more fragments, with pings between."""
    messages = draw(st.lists(st.text(max_size=200) | st.binary(max_size=200), max_size=6))
    wire = b""
    for message in messages:
        data = message.encode() if isinstance(message, str) else message
        pieces = draw(st.integers(1, 4))
        step = max(1, -(-len(data) // pieces))
        parts = [data[i:i + step] for i in range(0, len(data), step)] or [b""]
        for i, part in enumerate(parts):
            opcode = (1 if isinstance(message, str) else 2) if i == 0 else 0
            wire += encode_frame(opcode, part, fin=i == len(parts) - 1, mask=draw(masks))
            if draw(st.booleans()):
                wire += encode_frame(9, b"hb", mask=draw(masks))
    return messages, wire


@settings(max_examples=300, deadline=None)
@given(conversations(), st.lists(st.integers(0, 2000), max_size=5))
def test_valid_traffic_reads_back_as_the_messages_sent(conversation, cuts):
    messages, wire = conversation
    events = read_all(wire, cuts)
    got = [e.text if isinstance(e, Text) else e.data for e in events
           if isinstance(e, Text | Binary)]
    assert got == messages
