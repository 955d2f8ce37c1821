"""The server's WebSocket protocol (server/websocket.py) against a transport that records
what is written: messages reach the handler, breaches close the socket with their code, and
no peer can make one read cost more than its budget. The framing rules themselves are
tests/websocket/test_connection.py's; the same over real sockets: test_bad_input.py,
test_abuse.py and test_hostile_sockets.py."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest

from snakepit.server.allowance import Allowance
from snakepit.server.websocket import WebSocket
from snakepit.websocket import (
    ABNORMAL,
    NO_STATUS,
    Close,
    Connection,
    Ping,
    Pong,
    Role,
    close_frame,
    encode_frame,
    text_frame,
)


class Transport:
    """Enough of an asyncio transport for one WebSocket."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closed = self.aborted = self.eof = False
        self.protocol: asyncio.Protocol | None = None
        self.reading = True

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        self.eof = True

    @property
    def hung_up(self) -> bool:
        """Closed, or (after a broken frame) our side ended and nothing more read."""
        return self.closed or (self.eof and not self.reading)

    def set_protocol(self, protocol: asyncio.Protocol) -> None:
        self.protocol = protocol

    def set_write_buffer_limits(self, high: int) -> None:
        self.high = high

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def frames(self) -> list:
        """Everything written, as a client reads it."""
        reader = Connection(Role.CLIENT)
        reader.receive_data(b"".join(self.written))
        return reader.events()


class Handler:
    """Records what the socket tells the layer above."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.binaries: list[bytes] = []
        self.errors: list[int] = []
        self.closing = 0
        self.backlogs = 0
        self.closed: list[int] = []

    def on_text(self, text: str) -> None:
        self.texts.append(text)

    def on_binary(self, data: bytes) -> None:
        self.binaries.append(data)

    def on_protocol_error(self, code: int) -> None:
        self.errors.append(code)

    def on_closing(self) -> None:
        self.closing += 1

    def on_backlog(self) -> None:
        self.backlogs += 1

    def on_closed(self, code: int) -> None:
        self.closed.append(code)


def client_frame(payload: bytes, opcode: int = 1, fin: bool = True, *, masked: bool = True,
                 rsv: int = 0) -> bytes:
    """A frame as a client sends it: masked with a random key."""
    return encode_frame(opcode, payload, fin=fin, rsv=rsv,
                        mask=os.urandom(4) if masked else None)


@pytest.fixture
def pair() -> tuple[WebSocket, Transport, Handler]:
    transport, handler = Transport(), Handler()
    socket = WebSocket(transport, "127.0.0.1", max_message=4096,  # type: ignore[arg-type]
                       send_buffer_limit=1 << 16, interval=20.0)
    socket.start(handler)
    return socket, transport, handler


async def test_a_masked_text_frame_is_one_message(pair):
    socket, transport, handler = pair
    socket.data_received(client_frame('{"type":"ping","t":1}'.encode()))
    assert handler.texts == ['{"type":"ping","t":1}']
    assert transport.frames() == []
    assert transport.protocol is socket


async def test_frames_split_anywhere_and_run_together_read_the_same(pair):
    socket, _, handler = pair
    messages = ["a", "é" * 100, "x" * 300, "last"]
    wire = b"".join(client_frame(m.encode()) for m in messages)
    for i in range(len(wire)):
        socket.data_received(wire[i:i + 1])
    assert handler.texts == messages


async def test_the_16_bit_length_form_is_read(pair):
    socket, _, handler = pair
    socket.data_received(client_frame(b"y" * 4000))
    assert handler.texts == ["y" * 4000]


async def test_a_fragmented_message_is_joined_and_control_frames_may_come_between(pair):
    socket, transport, handler = pair
    socket.data_received(client_frame(b"hel", fin=False) + client_frame(b"ping!", opcode=9)
                         + client_frame(b"lo", opcode=0))
    assert handler.texts == ["hello"]
    assert transport.frames() == [Pong(b"ping!")]  # the ping answered with its payload


async def test_a_binary_message_is_reported_as_binary(pair):
    socket, _, handler = pair
    socket.data_received(client_frame(b"\x00\x01", opcode=2))
    assert handler.binaries == [b"\x00\x01"] and handler.texts == []


@pytest.mark.parametrize("frame, code", [
    (client_frame(b"hi", masked=False), 1002),
    (client_frame(b"hi", rsv=4), 1002),  # RSV1: compression was never negotiated
    (client_frame(b"hi", opcode=3), 1002),
    (client_frame(b"", opcode=0xB), 1002),  # reserved control opcodes too
    (client_frame(b"", opcode=0xF), 1002),
    (client_frame(b"x" * 126, opcode=9), 1002),  # a control frame over 125 bytes
    (client_frame(b"", opcode=9, fin=False), 1002),  # a fragmented control frame
    (client_frame(b"lo", opcode=0), 1002),  # a continuation of nothing
    (client_frame(b"\xff\xfe", opcode=1), 1007),
    (client_frame(b"\x03", opcode=8), 1002),  # a close payload of one byte
])
async def test_a_broken_frame_closes_with_its_code_and_nothing_after_is_read(pair, frame, code):
    socket, transport, handler = pair
    socket.data_received(frame + client_frame(b"after"))
    assert handler.errors == [code]
    assert handler.texts == []
    assert transport.frames()[-1].code == code
    assert transport.hung_up
    socket.connection_lost(None)
    assert handler.closed == [code]


async def test_a_new_message_inside_a_fragmented_one_is_a_protocol_error(pair):
    socket, _, handler = pair
    socket.data_received(client_frame(b"a", fin=False) + client_frame(b"b"))
    assert handler.errors == [1002] and handler.texts == []


async def test_a_message_over_the_limit_is_refused_from_its_header_alone(pair):
    socket, transport, handler = pair
    head = client_frame(b"x" * 5000)[:8]  # the header and mask only: no payload sent
    socket.data_received(head)
    assert handler.errors == [1009]
    assert transport.frames()[-1].code == 1009


async def test_fragments_that_add_up_to_more_than_the_limit_are_refused(pair):
    socket, _, handler = pair
    socket.data_received(client_frame(b"x" * 3000, fin=False))
    socket.data_received(client_frame(b"x" * 3000, opcode=0)[:8])
    assert handler.errors == [1009] and handler.texts == []


async def test_a_message_of_exactly_the_limit_is_taken(pair):
    socket, _, handler = pair
    socket.data_received(client_frame(b"x" * 4096))
    assert handler.texts == ["x" * 4096]


async def test_a_close_from_the_peer_is_answered_with_its_code_and_the_socket_closed(pair):
    socket, transport, handler = pair
    socket.data_received(client_frame((1000).to_bytes(2, "big") + b"bye", opcode=8))
    assert transport.frames() == [Close(1000, "")]
    assert transport.closed and handler.closing == 1
    socket.data_received(client_frame(b"late"))
    assert handler.texts == []
    socket.connection_lost(None)
    assert handler.closed == [1000]


async def test_a_close_without_a_code_is_answered_with_an_empty_close(pair):
    socket, transport, handler = pair
    socket.data_received(client_frame(b"", opcode=8))
    assert transport.frames() == [Close(NO_STATUS, "")]
    socket.connection_lost(None)
    assert handler.closed == [NO_STATUS]


async def test_a_close_code_no_one_may_send_is_a_protocol_error(pair):
    socket, _, handler = pair
    socket.data_received(client_frame((1006).to_bytes(2, "big"), opcode=8))
    assert handler.errors == [1002]


async def test_closing_sends_one_close_frame_writes_nothing_after_and_waits_for_the_answer(pair):
    socket, transport, handler = pair
    socket.close(1008, "flood")
    socket.close(1011, "again")  # only the first close counts
    socket.write(text_frame(b"too late"))
    socket.ping()
    assert transport.frames() == [Close(1008, "flood")]
    assert not transport.closed
    socket.data_received(client_frame(b"still talking"))  # ignored while closing
    assert handler.texts == []
    socket.data_received(client_frame((1008).to_bytes(2, "big"), opcode=8))  # the answer
    assert transport.closed
    socket.connection_lost(None)
    assert handler.closed == [1008]


async def test_a_peer_that_never_answers_the_close_is_aborted(pair, monkeypatch):
    monkeypatch.setattr("snakepit.server.websocket.CLOSE_GRACE", 0.05)
    socket, transport, _ = pair
    socket.close(1013, "too slow")
    await asyncio.sleep(0.1)
    assert transport.aborted


async def test_a_connection_lost_without_a_close_frame_is_abnormal(pair):
    socket, _, handler = pair
    socket.connection_lost(ConnectionResetError())
    assert handler.closed == [ABNORMAL]
    assert handler.closing == 1


async def test_the_backlog_is_reported_after_the_write_that_passed_the_bound(pair):
    socket, _, handler = pair
    socket.pause_writing()  # as the transport does, from inside a write
    assert handler.backlogs == 0
    await asyncio.sleep(0)
    assert handler.backlogs == 1


async def test_any_data_is_a_sign_of_life_and_answers_a_ping(pair):
    socket, transport, _ = pair
    socket.ping()
    assert socket.pinged and transport.frames() == [Ping(b"")]
    socket.data_received(client_frame(b"", opcode=10))
    assert socket.pinged == 0.0


@pytest.fixture
def limited() -> tuple[WebSocket, Transport, Handler]:
    """A socket whose peer may send 10 frames at once (and one more a second)."""
    transport, handler = Transport(), Handler()
    socket = WebSocket(transport, "127.0.0.1", max_message=4096,  # type: ignore[arg-type]
                       send_buffer_limit=1 << 16, interval=20.0,
                       allowance=Allowance(rate=1.0, burst=10), frames_per_read=4)
    socket.start(handler)
    return socket, transport, handler


async def test_one_read_hands_over_at_most_its_budget_and_the_rest_on_later_turns(limited):
    socket, transport, handler = limited
    socket.data_received(b"".join(client_frame(str(i).encode()) for i in range(9)))
    assert handler.texts == ["0", "1", "2", "3"]
    assert not transport.reading  # the rest waits, and no more is read meanwhile
    await asyncio.sleep(0)
    assert handler.texts == ["0", "1", "2", "3", "4", "5", "6", "7"]
    await asyncio.sleep(0)
    assert handler.texts == [str(i) for i in range(9)]
    assert transport.reading


async def test_bytes_that_come_while_a_read_waits_for_its_turn_keep_their_order(limited):
    socket, _, handler = limited
    socket.data_received(b"".join(client_frame(str(i).encode()) for i in range(6)))
    socket.data_received(client_frame(b"later"))
    for _ in range(3):
        await asyncio.sleep(0)
    assert handler.texts == [*map(str, range(6)), "later"]


@pytest.mark.parametrize("frame", [
    client_frame(b"", opcode=9),  # pings
    client_frame(b"", opcode=10),  # pongs
    client_frame(b"", opcode=0, fin=False),  # empty continuations of one message
])
async def test_a_stream_of_frames_that_are_not_messages_spends_the_allowance_and_is_closed(
        limited, frame):
    socket, transport, handler = limited
    start = client_frame(b"", opcode=1, fin=False) if frame[0] & 0x0F == 0 else b""
    socket.data_received(start + frame * 10_000)
    for _ in range(5):
        await asyncio.sleep(0)
    assert handler.errors == [1008]
    assert transport.frames()[-1].code == 1008
    assert transport.hung_up
    assert len([f for f in transport.frames() if isinstance(f, Pong)]) <= 12


async def test_a_handler_that_raises_closes_the_connection_with_1011_and_logs_it(
        pair, caplog):
    socket, transport, handler = pair

    def broken(text: str) -> None:
        raise KeyError(text)

    handler.on_text = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, "snakepit.http"):
        socket.data_received(client_frame(b"boom"))
    assert transport.frames()[-1].code == 1011 and transport.hung_up
    assert "handler failed" in caplog.text


async def test_frames_after_a_close_frame_in_the_same_read_are_not_handed_over(pair):
    socket, _, handler = pair
    socket.data_received(client_frame(b"before") + close_frame(1000, mask=b"abcd")
                         + client_frame(b"after"))
    assert handler.texts == ["before"]


async def test_a_ping_is_answered_before_the_reply_to_a_message_that_ends_after_it(pair):
    """Autobahn 5.6 and 5.19: a ping between the fragments of a message gets its pong
    before anything the message's handler writes, and pings before a message get theirs
    before its reply too."""
    socket, transport, handler = pair
    handler.on_text = lambda text: socket.write(text_frame(f"echo {text}".encode()))
    socket.data_received(client_frame(b"a", fin=False) + client_frame(b"1", opcode=9)
                         + client_frame(b"b", opcode=0) + client_frame(b"2", opcode=9)
                         + client_frame(b"c"))
    answers = transport.frames()
    assert [type(a).__name__ for a in answers] == ["Pong", "Text", "Pong", "Text"]
    assert answers[1].text == "echo ab" and answers[3].text == "echo c"
