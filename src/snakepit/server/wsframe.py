"""WebSocket frames built once and written as bytes to any number of clients.

Server-to-client frames are never masked (RFC 6455, 5.1), so one frame's bytes are the same
for every client: a tick's frame is framed once and the same ``bytes`` object is written to
every socket.
"""

from __future__ import annotations

import struct


def text_frame(payload: bytes) -> bytes:
    """A complete, final, unmasked text frame carrying ``payload`` (UTF-8 JSON)."""
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


def close_frame(code: int, reason: str = "") -> bytes:
    """A close frame with ``code`` and a short ``reason`` (truncated to fit 123 bytes)."""
    payload = struct.pack("!H", code) + reason.encode()[:123]
    return bytes((0x88, len(payload))) + payload
