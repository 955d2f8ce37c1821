"""A raw WebSocket client on a plain socket, for tests that must see exact bytes or must
stop reading (which a client library would not let them do)."""

from __future__ import annotations

import base64
import os
import socket


def masked_text(payload: bytes) -> bytes:
    mask = os.urandom(4)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes((0x81, 0x80 | len(payload))) + mask + body


def open_raw_client(host: str, port: int, *messages: bytes) -> socket.socket:
    """Connect with a small receive buffer, upgrade, and send ``messages``; read nothing."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    for message in messages:
        sock.sendall(masked_text(message))
    return sock


def read_frames(sock: socket.socket, linger: float | None) -> list[tuple[int, bytes]]:
    """What the server sent, as (opcode, payload) per frame: until the server closes the
    connection, or (with ``linger``) until that many seconds after a close frame arrived."""
    data = b""
    sock.settimeout(10)
    seen_close_at = None
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            break
        data += chunk
        if linger is not None and seen_close_at is None and b"\x88" in data:
            seen_close_at = True
            sock.settimeout(linger)
    data = data[data.index(b"\r\n\r\n") + 4:]
    frames = []
    while len(data) >= 2:
        opcode, size, at = data[0] & 0x0F, data[1] & 0x7F, 2
        if size == 126:
            size, at = int.from_bytes(data[2:4], "big"), 4
        elif size == 127:
            size, at = int.from_bytes(data[2:10], "big"), 10
        frames.append((opcode, data[at:at + size]))
        data = data[at + size:]
    return frames
