"""A raw WebSocket client on a plain socket, for tests that must see exact bytes or must
stop reading (which a client library would not let them do). The bytes are built and read
by snakepit.websocket, like every other client of ours."""

from __future__ import annotations

import os
import socket
import threading
import time

from snakepit.websocket import (
    ClientHandshake,
    Close,
    Connection,
    Event,
    Failure,
    Role,
    encode_frame,
)


def masked(payload: bytes, opcode: int = 1, *, fin: bool = True) -> bytes:
    """A client's frame: masked with a random key."""
    return encode_frame(opcode, payload, fin=fin, mask=os.urandom(4))


def masked_text(payload: bytes) -> bytes:
    return masked(payload)


def open_raw_client(host: str, port: int, *messages: bytes) -> socket.socket:
    """Connect with a small receive buffer, upgrade, and send ``messages``; read nothing."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, port))
    sock.sendall(ClientHandshake(f"{host}:{port}").request)
    for message in messages:
        sock.sendall(masked_text(message))
    return sock


def read_frames(sock: socket.socket, linger: float | None) -> list[Event]:
    """What the server sent after its 101, as events: until the server closes the
    connection, or (with ``linger``) until that many seconds after a close frame arrived."""
    data = b""
    sock.settimeout(10)
    seen_close = False
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            break
        data += chunk
        if linger is not None and not seen_close and b"\x88" in data:
            seen_close = True
            sock.settimeout(linger)
    reader = Connection(Role.CLIENT, max_message=1 << 26)
    reader.receive_data(data[data.index(b"\r\n\r\n") + 4:])
    return reader.events()


def close_codes(events: list[Event]) -> list[int]:
    return [event.code for event in events if isinstance(event, Close)]


def stream(host: str, port: int, unit: bytes, *, path: str = "/ws", first: bytes = b"",
           seconds: float = 10.0) -> tuple[list[Event], bool]:
    """Upgrade at ``path``, send ``first``, then send ``unit`` again and again as fast as
    the socket takes it, reading what comes back all the while; stop at the server's close
    frame or end of stream, or after ``seconds``. What the server sent after its 101, and
    whether it was the server that ended it."""
    sock = socket.create_connection((host, port))
    shake = ClientHandshake(f"{host}:{port}", path)
    sock.sendall(shake.request + first)
    stop = threading.Event()

    def send() -> None:
        chunk = unit * max(1, 65536 // max(1, len(unit)))
        try:
            while not stop.is_set():
                sock.sendall(chunk)
        except OSError:
            pass  # the server closed it

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    reader = Connection(Role.CLIENT, max_message=1 << 26)
    events: list[Event] = []
    ended = False
    deadline = time.monotonic() + seconds
    sock.settimeout(0.5)
    try:
        while time.monotonic() < deadline and not ended:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                ended = True
                break
            if not data:
                ended = True
            elif not shake.status:
                shake.receive_data(data)
                reader.receive_data(shake.rest)
            else:
                reader.receive_data(data)
            events += reader.events()
            reader.data_to_send()  # answer nothing
            ended = ended or any(isinstance(e, Close | Failure) for e in events)
    finally:
        stop.set()
        sock.close()
        sender.join(5)
    return events, ended
