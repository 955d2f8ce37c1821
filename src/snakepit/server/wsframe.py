"""WebSocket frames built once and written as bytes to any number of clients.

Server-to-client frames are never masked (RFC 6455, 5.1), so one frame's bytes are the same
for every client: a tick's frame is framed once and the same ``bytes`` object is written to
every socket.
"""

from __future__ import annotations

import base64
import hashlib
import struct

#: RFC 6455's fixed GUID, hashed with the client's key to prove the upgrade was understood.
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a handshake's ``Sec-WebSocket-Key`` (RFC 6455 4.2.2)."""
    return base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest()).decode()


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


def payloads(data: bytes) -> list[bytes]:
    """The payloads of the frames written back to back in ``data`` (as :func:`text_frame`
    builds them: unmasked, unfragmented)."""
    found = []
    pos, size = 0, len(data)
    while pos + 2 <= size:
        length, head = data[pos + 1] & 0x7F, pos + 2
        if length == 126:
            length, head = int.from_bytes(data[head:head + 2], "big"), head + 2
        elif length == 127:
            length, head = int.from_bytes(data[head:head + 8], "big"), head + 8
        found.append(data[head:head + length])
        pos = head + length
    return found
