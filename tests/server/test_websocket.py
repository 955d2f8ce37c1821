"""The bare WebSocket protocol (server/websocket.py), frame by frame, against a transport
that records what is written: RFC 6455's rules for what a client may send, and what the
server answers. The same rules over real sockets: test_bad_input.py and test_abuse.py."""

from __future__ import annotations

import asyncio
import os

import pytest

from snakepit.server.websocket import ABNORMAL, NO_STATUS, WebSocket, unmask
from snakepit.server.wsframe import accept_key, close_frame, payloads, text_frame


class Transport:
    """Enough of an asyncio transport for one WebSocket."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closed = self.aborted = False
        self.protocol: asyncio.Protocol | None = None

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def set_protocol(self, protocol: asyncio.Protocol) -> None:
        self.protocol = protocol

    def set_write_buffer_limits(self, high: int) -> None:
        self.high = high

    def frames(self) -> list[tuple[int, bytes]]:
        """(opcode, payload) of every frame written (server frames are never masked)."""
        data, found = b"".join(self.written), []
        while data:
            size, head = data[1] & 0x7F, 2
            if size == 126:
                size, head = int.from_bytes(data[2:4], "big"), 4
            elif size == 127:
                size, head = int.from_bytes(data[2:10], "big"), 10
            found.append((data[0] & 0x0F, data[head:head + size]))
            data = data[head + size:]
        return found


class Handler:
    """Records what the socket tells the layer above."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.binaries = 0
        self.errors: list[int] = []
        self.closing = 0
        self.backlogs = 0
        self.closed: list[int] = []

    def on_text(self, text: str) -> None:
        self.texts.append(text)

    def on_binary(self) -> None:
        self.binaries += 1

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
    size = len(payload)
    first = (0x80 if fin else 0) | rsv << 4 | opcode
    if size < 126:
        head = bytes((first, (0x80 if masked else 0) | size))
    elif size < 1 << 16:
        head = bytes((first, (0x80 if masked else 0) | 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((first, (0x80 if masked else 0) | 127)) + size.to_bytes(8, "big")
    if not masked:
        return head + payload
    mask = os.urandom(4)
    return head + mask + unmask(payload, mask)


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
    assert transport.frames() == [(0xA, b"ping!")]  # the ping answered with its payload


async def test_a_binary_message_is_reported_as_binary(pair):
    socket, _, handler = pair
    socket.data_received(client_frame(b"\x00\x01", opcode=2))
    assert handler.binaries == 1 and handler.texts == []


@pytest.mark.parametrize("frame, code", [
    (client_frame(b"hi", masked=False), 1002),
    (client_frame(b"hi", rsv=4), 1002),  # RSV1: compression was never negotiated
    (client_frame(b"hi", opcode=3), 1002),
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
    assert transport.frames()[-1][0] == 8
    assert int.from_bytes(transport.frames()[-1][1][:2], "big") == code
    assert transport.closed
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
    assert int.from_bytes(transport.frames()[-1][1][:2], "big") == 1009


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
    assert transport.frames() == [(8, (1000).to_bytes(2, "big"))]
    assert transport.closed and handler.closing == 1
    socket.data_received(client_frame(b"late"))
    assert handler.texts == []
    socket.connection_lost(None)
    assert handler.closed == [1000]


async def test_a_close_without_a_code_is_answered_with_an_empty_close(pair):
    socket, transport, handler = pair
    socket.data_received(client_frame(b"", opcode=8))
    assert transport.frames() == [(8, b"")]
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
    assert transport.frames() == [(8, close_frame(1008, "flood")[2:])]
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
    assert socket.pinged and transport.frames() == [(9, b"")]
    socket.data_received(client_frame(b"", opcode=10))
    assert socket.pinged == 0.0


def test_unmask_is_its_own_inverse_for_every_length():
    mask = b"\x01\x80\xff\x10"
    for size in range(0, 40):
        data = os.urandom(size)
        assert unmask(unmask(data, mask), mask) == data
        assert unmask(data, mask) == bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def test_the_accept_key_is_rfc_6455s_example():
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_frames_written_back_to_back_split_into_their_payloads():
    data = text_frame(b"a") + text_frame(b"b" * 200) + text_frame(b"c" * 70_000)
    assert payloads(data) == [b"a", b"b" * 200, b"c" * 70_000]
