"""Frames built once by the server are decoded by a real client library, at every size."""

from __future__ import annotations

import pytest

from snakepit.protocol import encode
from snakepit.protocol.messages import Error
from snakepit.websocket import text_frame

from .playing import until


@pytest.mark.parametrize("size", [0, 100, 125, 126, 1000, 65535, 65536, 200_000])
async def test_aiohttp_decodes_frames_of_every_length_form(connect, hub, size):
    conn = await connect("Reader")
    filler = "y" * size
    hub.arenas.post(text_frame(encode(Error(code="big", message=filler))))
    error = await until(conn, "error")
    assert error.message == filler
