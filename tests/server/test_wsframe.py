"""Frames built once by the server are decoded by a real client library, at every size."""

from __future__ import annotations

import pytest

from snakepit.protocol import encode
from snakepit.protocol.messages import Error
from snakepit.server.wsframe import close_frame, text_frame

from .playing import until


@pytest.mark.parametrize("size", [0, 100, 125, 126, 1000, 65535, 65536, 200_000])
async def test_aiohttp_decodes_frames_of_every_length_form(connect, hub, size):
    conn = await connect("Reader")
    filler = "y" * size
    hub.arenas.post(text_frame(encode(Error(code="big", message=filler))))
    error = await until(conn, "error")
    assert error.message == filler


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


def test_a_close_frame_carries_its_code_and_a_reason_that_fits():
    frame = close_frame(1013, "x" * 500)
    assert frame[:4] == b"\x88\x7d\x03\xf5"
    assert len(frame) == 2 + 125
