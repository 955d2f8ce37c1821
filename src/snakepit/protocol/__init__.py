"""The Snakepit wire protocol: message types, their JSON encoding, and name rules."""

from .codec import ProtocolError, decode_client, decode_server, encode
from .messages import PROTOCOL_VERSION
from .names import MAX_NAME_LENGTH, InvalidName, normalise_name

__all__ = [
    "MAX_NAME_LENGTH",
    "PROTOCOL_VERSION",
    "InvalidName",
    "ProtocolError",
    "decode_client",
    "decode_server",
    "encode",
    "normalise_name",
]
