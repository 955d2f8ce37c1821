"""The sans-I/O connection, frame by frame: RFC 6455's rules for what a peer may send, what
is answered, and the bounds on the work and memory one peer may cause."""

from __future__ import annotations

import os

import pytest

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


def client_frame(payload: bytes, opcode: int = 1, fin: bool = True, *, masked: bool = True,
                 rsv: int = 0) -> bytes:
    """A frame as a client sends it: masked with a random key (or not, to break the rule)."""
    return encode_frame(opcode, payload, fin=fin, rsv=rsv,
                        mask=os.urandom(4) if masked else None)


def server(**limits: int) -> Connection:
    return Connection(Role.SERVER, **limits)


def feed(conn: Connection, data: bytes) -> list:
    conn.receive_data(data)
    return conn.events()


def sent(conn: Connection) -> list:
    """What a server-role connection queued, as a client reads it."""
    reader = Connection(Role.CLIENT)
    reader.receive_data(conn.data_to_send())
    return reader.events()


def test_a_masked_text_frame_is_one_text_message():
    conn = server()
    assert feed(conn, client_frame(b'{"type":"ping","t":1}')) == [Text('{"type":"ping","t":1}')]
    assert conn.frames_received == conn.messages_received == 1


def test_frames_split_anywhere_and_run_together_read_the_same():
    messages = ["a", "é" * 100, "x" * 300, "y" * 70_000, "last"]
    wire = b"".join(client_frame(m.encode()) for m in messages)
    conn, found = server(), []
    for i in range(0, len(wire), 7):
        found += feed(conn, wire[i:i + 7])
    assert found == [Text(m) for m in messages]
    assert feed(server(), wire) == [Text(m) for m in messages]


def test_a_binary_message_keeps_its_bytes():
    assert feed(server(), client_frame(b"\x00\xff", opcode=2)) == [Binary(b"\x00\xff")]


def test_a_fragmented_message_is_joined_and_control_frames_may_come_between():
    conn = server()
    events = feed(conn, client_frame(b"hel", fin=False) + client_frame(b"ping!", opcode=9)
                  + client_frame(b"", opcode=0, fin=False) + client_frame(b"lo", opcode=0))
    assert events == [Ping(b"ping!"), Text("hello")]
    assert sent(conn) == [Pong(b"ping!")]  # the ping answered with its payload
    assert conn.frames_received == 4 and conn.messages_received == 1


def test_a_character_split_between_fragments_is_read_whole():
    data = "é€😀".encode()
    conn = server()
    wire = b"".join(client_frame(data[i:i + 1], opcode=1 if i == 0 else 0,
                                 fin=i == len(data) - 1) for i in range(len(data)))
    assert feed(conn, wire) == [Text("é€😀")]


def test_a_pong_is_reported_and_not_answered():
    conn = server()
    assert feed(conn, client_frame(b"x", opcode=10)) == [Pong(b"x")]
    assert conn.data_to_send() == b""


@pytest.mark.parametrize("frame, code", [
    (client_frame(b"hi", masked=False), 1002),
    (client_frame(b"hi", rsv=4), 1002),  # RSV1: compression was never negotiated
    (client_frame(b"hi", rsv=1), 1002),
    *[(client_frame(b"hi", opcode=op), 1002) for op in (3, 4, 5, 6, 7)],
    *[(client_frame(b"", opcode=op), 1002) for op in (0xB, 0xC, 0xD, 0xE, 0xF)],
    (client_frame(b"x" * 126, opcode=9), 1002),  # a control frame over 125 bytes
    (client_frame(b"", opcode=9, fin=False), 1002),  # a fragmented control frame
    (client_frame(b"lo", opcode=0), 1002),  # a continuation of nothing
    (client_frame(b"\xff\xfe"), 1007),
    (client_frame(b"\x03", opcode=8), 1002),  # a close payload of one byte
    (client_frame((1006).to_bytes(2, "big"), opcode=8), 1002),  # a code no one may send
    (client_frame((1000).to_bytes(2, "big") + b"\xff", opcode=8), 1007),
    (encode_frame(1, b"", mask=b"\0\0\0\0", length=1 << 63) + b"\0" * 4, 1002),
])
def test_a_broken_frame_fails_the_connection_with_its_code_and_nothing_after_is_read(
        frame, code):
    conn = server()
    events = feed(conn, frame + client_frame(b"after"))
    assert events[-1] == Failure(code, events[-1].reason) and len(events) == 1
    assert sent(conn) == [Close(code, events[-1].reason)]
    assert conn.state is State.CLOSED
    assert feed(conn, client_frame(b"later")) == []


def test_a_reserved_opcode_fails_from_the_first_two_bytes():
    conn = server()
    assert isinstance(feed(conn, b"\x8b\x80")[-1], Failure)


def test_a_new_message_inside_a_fragmented_one_is_a_protocol_error():
    events = feed(server(), client_frame(b"a", fin=False) + client_frame(b"b"))
    assert [type(e) for e in events] == [Failure] and events[0].code == 1002


def test_invalid_utf8_fails_in_the_fragment_that_holds_it_before_the_message_ends():
    conn = server()
    events = feed(conn, client_frame(b"fine", fin=False) + client_frame(b"\xc0\xaf", opcode=0,
                                                                        fin=False))
    assert events[-1].code == 1007


def test_a_message_over_the_limit_is_refused_from_its_header_alone():
    conn = server(max_message=4096)
    head = client_frame(b"x" * 5000)[:8]  # the header and mask only: no payload sent
    events = feed(conn, head)
    assert events[-1].code == 1009
    assert sent(conn)[0].code == 1009


def test_fragments_that_add_up_to_more_than_the_limit_are_refused():
    conn = server(max_message=4096)
    assert feed(conn, client_frame(b"x" * 3000, fin=False)) == []
    assert feed(conn, client_frame(b"x" * 3000, opcode=0)[:8])[-1].code == 1009


def test_a_message_of_exactly_the_limit_is_taken():
    assert feed(server(max_message=4096), client_frame(b"x" * 4096)) == [Text("x" * 4096)]


def test_a_message_in_more_fragments_than_allowed_is_refused_even_if_they_are_empty():
    conn = server(max_fragments=8)
    wire = client_frame(b"", fin=False) + client_frame(b"", opcode=0, fin=False) * 7
    assert feed(conn, wire) == []
    assert feed(conn, client_frame(b"", opcode=0, fin=False))[-1].code == 1009


def test_one_call_parses_at_most_its_frame_budget_and_keeps_the_rest():
    conn = server()
    conn.receive_data(b"".join(client_frame(str(i).encode()) for i in range(10)))
    assert conn.events(max_frames=4) == [Text(str(i)) for i in range(4)]
    assert conn.stalled
    assert conn.events(max_frames=4) == [Text(str(i)) for i in range(4, 8)]
    assert conn.events(max_frames=4) == [Text("8"), Text("9")]
    assert not conn.stalled


def test_one_call_stops_once_its_byte_budget_is_spent():
    conn = server()
    conn.receive_data(client_frame(b"x" * 1000) * 5)
    assert len(conn.events(max_bytes=2500)) == 3 and conn.stalled


def test_a_close_from_the_peer_is_answered_with_its_code():
    conn = server()
    events = feed(conn, client_frame((1000).to_bytes(2, "big") + b"bye", opcode=8))
    assert events == [Close(1000, "bye")]
    assert sent(conn) == [Close(1000, "")]
    assert conn.state is State.CLOSED
    assert feed(conn, client_frame(b"late")) == []


def test_a_close_without_a_code_is_answered_with_an_empty_close():
    conn = server()
    assert feed(conn, client_frame(b"", opcode=8)) == [Close(1005, "")]
    assert sent(conn) == [Close(1005, "")]


def test_after_our_close_nothing_else_is_sent_and_messages_are_not_reported():
    conn = server()
    conn.send_close(1001, "going")
    conn.send_text("too late")
    conn.send_ping()
    assert sent(conn) == [Close(1001, "going")]
    assert conn.state is State.CLOSING
    events = feed(conn, client_frame(b"still talking") + client_frame(b"p", opcode=9))
    assert events == [Ping(b"p")] and conn.data_to_send() == b""  # no pong after a close
    assert feed(conn, client_frame((1001).to_bytes(2, "big"), opcode=8)) == [Close(1001, "")]
    assert conn.state is State.CLOSED and conn.data_to_send() == b""


def test_a_client_reads_unmasked_frames_and_masks_what_it_sends():
    conn = Connection(Role.CLIENT, mask=lambda: b"\x01\x02\x03\x04")
    assert feed(conn, encode_frame(1, b"hello")) == [Text("hello")]
    conn.send_text("hi")
    assert conn.data_to_send() == encode_frame(1, b"hi", mask=b"\x01\x02\x03\x04")


def test_a_client_refuses_a_masked_frame_from_the_server():
    conn = Connection(Role.CLIENT)
    assert feed(conn, client_frame(b"hello"))[-1].code == 1002


def test_a_client_answers_pings_with_masked_pongs():
    conn = Connection(Role.CLIENT, mask=lambda: b"\x09\x09\x09\x09")
    feed(conn, encode_frame(9, b"hb"))
    assert conn.data_to_send() == encode_frame(10, b"hb", mask=b"\x09\x09\x09\x09")


def test_failing_from_outside_queues_one_close_and_reads_nothing_more():
    conn = server()
    conn.receive_data(client_frame(b"unread"))
    assert conn.fail(1008, "flood") == Failure(1008, "flood")
    assert sent(conn) == [Close(1008, "flood")]
    assert conn.events() == []
