"""WebSocket frames (RFC 6455, section 5) as bytes: opcodes, close codes, and the encoders.

Everything here is a pure function of its arguments. :func:`encode_frame` builds any frame
at all, including ones the RFC forbids (reserved bits, reserved opcodes, overlong control
frames, a length that lies), because the fault injector and the tests must be able to send
exactly those; the parser (:mod:`.reader`) is what refuses them.

Server-to-client frames are never masked (5.1), so a frame the server builds once is the
same bytes for every client: :func:`text_frame` is that fast path.
"""

from __future__ import annotations

import struct

OP_CONTINUATION, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA
#: The opcodes RFC 6455 defines; every other one (3-7, 11-15) is reserved.
DATA_OPCODES = frozenset((OP_CONTINUATION, OP_TEXT, OP_BINARY))
CONTROL_OPCODES = frozenset((OP_CLOSE, OP_PING, OP_PONG))
#: Longest payload of a control frame (5.5).
MAX_CONTROL_PAYLOAD = 125

# Close codes (7.4.1 and the IANA registry).
NORMAL = 1000
GOING_AWAY = 1001
PROTOCOL_ERROR = 1002
UNSUPPORTED_DATA = 1003
#: Stands for a close frame that carried no code; never sent in one.
NO_STATUS = 1005
#: Stands for a connection that ended without any close frame; never sent in one.
ABNORMAL = 1006
INVALID_DATA = 1007
POLICY_VIOLATION = 1008
MESSAGE_TOO_BIG = 1009
MANDATORY_EXTENSION = 1010
INTERNAL_ERROR = 1011
SERVICE_RESTART = 1012
TRY_AGAIN_LATER = 1013
#: The codes a peer may put in a close frame; 3000-4999 are free for applications.
SENDABLE_CLOSE_CODES = frozenset((1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011,
                                  1012, 1013, 1014))

#: A mask of zeros: the payload goes out as it is. RFC 6455 asks clients for a mask (to
#: protect proxies from cache poisoning by scripts), not for a secret one; a load generator
#: on loopback saves the XOR with it.
ZERO_MASK = b"\x00\x00\x00\x00"


def is_sendable_close_code(code: int) -> bool:
    """Whether a peer may send ``code`` in a close frame."""
    return code in SENDABLE_CLOSE_CODES or 3000 <= code <= 4999


def unmask(payload: bytes, mask: bytes) -> bytes:
    """``payload`` XOR the repeated 4-byte ``mask`` (its own inverse: it masks too). One
    big-integer operation, whatever the length."""
    size = len(payload)
    if not size or mask == ZERO_MASK:
        return payload
    key = int.from_bytes((mask * ((size + 3) >> 2))[:size], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")


def _length_field(size: int, mask_bit: int) -> bytes:
    if size < 126:
        return bytes((mask_bit | size,))
    if size < 1 << 16:
        return struct.pack("!BH", mask_bit | 126, size)
    return struct.pack("!BQ", mask_bit | 127, size)


def encode_frame(opcode: int, payload: bytes = b"", *, fin: bool = True, rsv: int = 0,
                 mask: bytes | None = None, length: int | None = None) -> bytes:
    """One frame: ``opcode`` (any 4-bit value), ``payload``, the FIN bit, the three RSV bits
    (``rsv`` 0-7, RSV1 the highest), masked with the 4-byte ``mask`` (a client's frames) or
    not (None: a server's). ``length`` puts another length in the header than the
    payload's (only fault injection wants that). Lengths take the shortest form."""
    first = (0x80 if fin else 0) | (rsv & 7) << 4 | (opcode & 0x0F)
    size = len(payload) if length is None else length
    if mask is None:
        return bytes((first,)) + _length_field(size, 0) + payload
    return bytes((first,)) + _length_field(size, 0x80) + mask + unmask(payload, mask)


def text_frame(payload: bytes) -> bytes:
    """A final, unmasked text frame carrying ``payload`` (UTF-8): what the server sends."""
    size = len(payload)
    if size < 126:
        return bytes((0x81, size)) + payload
    if size < 1 << 16:
        return struct.pack("!BBH", 0x81, 126, size) + payload
    return struct.pack("!BBQ", 0x81, 127, size) + payload


def close_payload(code: int, reason: str = "") -> bytes:
    """A close frame's payload: ``code`` and ``reason`` cut to fit 125 bytes, never inside
    a UTF-8 character. ``NO_STATUS`` is an empty payload."""
    if code == NO_STATUS:
        return b""
    text = reason.encode()[:MAX_CONTROL_PAYLOAD - 2].decode("utf-8", "ignore").encode()
    return struct.pack("!H", code) + text


def close_frame(code: int, reason: str = "", *, mask: bytes | None = None) -> bytes:
    """A close frame with ``code`` and ``reason`` (see :func:`close_payload`)."""
    return encode_frame(OP_CLOSE, close_payload(code, reason), mask=mask)


def payloads(data: bytes) -> list[bytes]:
    """The payloads of frames built by :func:`text_frame`, written back to back in ``data``
    (trusted bytes the server made itself; a peer's bytes go through :mod:`.reader`)."""
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
