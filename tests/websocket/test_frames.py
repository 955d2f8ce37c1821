"""Frames as bytes: the encoders build exactly what RFC 6455 says, and anything else asked."""

from __future__ import annotations

import os

import pytest

from snakepit.websocket.frames import (
    ZERO_MASK,
    close_frame,
    close_payload,
    encode_frame,
    is_sendable_close_code,
    payloads,
    text_frame,
    unmask,
)


@pytest.mark.parametrize(
    "payload, header",
    [
        (b"", b"\x81\x00"),
        (b"x" * 125, b"\x81\x7d"),
        (b"x" * 126, b"\x81\x7e\x00\x7e"),
        (b"x" * 65535, b"\x81\x7e\xff\xff"),
        (b"x" * 65536, b"\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00"),
    ],
)
def test_text_frames_use_the_shortest_length_form_and_no_mask(payload, header):
    assert text_frame(payload) == header + payload
    assert encode_frame(1, payload) == header + payload


def test_a_masked_frame_carries_the_mask_bit_the_mask_and_the_masked_payload():
    frame = encode_frame(1, b"abcde", mask=b"\x01\x02\x03\x04")
    assert frame[:2] == b"\x81\x85" and frame[2:6] == b"\x01\x02\x03\x04"
    assert frame[6:] == bytes(b ^ (i % 4 + 1) for i, b in enumerate(b"abcde"))


def test_any_frame_can_be_built_even_one_the_rfc_forbids():
    assert encode_frame(0xB, b"", fin=False, rsv=7) == b"\x7b\x00"
    assert encode_frame(1, b"", length=5000) == b"\x81\x7e\x13\x88"  # a lie about the size


def test_a_close_frame_carries_its_code_and_a_reason_that_fits():
    frame = close_frame(1013, "x" * 500)
    assert frame[:4] == b"\x88\x7d\x03\xf5"
    assert len(frame) == 2 + 125


def test_a_close_reason_is_never_cut_inside_a_character():
    payload = close_payload(1000, "é" * 100)
    assert len(payload) <= 125
    payload[2:].decode("utf-8")


def test_unmask_is_its_own_inverse_for_every_length():
    mask = b"\x01\x80\xff\x10"
    for size in range(0, 40):
        data = os.urandom(size)
        assert unmask(unmask(data, mask), mask) == data
        assert unmask(data, mask) == bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    assert unmask(b"same", ZERO_MASK) == b"same"


def test_close_codes_a_peer_may_send():
    assert all(is_sendable_close_code(c) for c in (1000, 1001, 1003, 1011, 1014, 3000, 4999))
    assert not any(is_sendable_close_code(c) for c in (0, 999, 1004, 1005, 1006, 1015, 2000,
                                                        2999, 5000, 65535))


def test_frames_written_back_to_back_split_into_their_payloads():
    data = text_frame(b"a") + text_frame(b"b" * 200) + text_frame(b"c" * 70_000)
    assert payloads(data) == [b"a", b"b" * 200, b"c" * 70_000]
