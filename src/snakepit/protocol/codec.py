"""The wire format: JSON text, decoded and validated by msgspec. The only place that knows it."""

from __future__ import annotations

import msgspec

from .messages import ClientMessage, ServerMessage

_encoder = msgspec.json.Encoder()
_client_decoder = msgspec.json.Decoder(ClientMessage)
_server_decoder = msgspec.json.Decoder(ServerMessage)


#: What a message nested too deeply for the decoder (about a thousand levels) is told.
TOO_DEEP = "not valid JSON: nested too deeply"


class ProtocolError(ValueError):
    """An incoming message that cannot be accepted. ``code`` is the stable error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def encode(message: msgspec.Struct) -> bytes:
    """The JSON bytes of any protocol message."""
    return _encoder.encode(message)


def decode_client(data: str | bytes) -> ClientMessage:
    """Decode and validate a client's message, or raise :class:`ProtocolError`.

    Anything that is not one of the client messages exactly (malformed JSON, a wrong type,
    a missing or unknown field, an unknown ``type``, nesting too deep for the decoder) is
    refused with a message that says where the problem is.
    """
    try:
        return _client_decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise ProtocolError("bad-message", f"invalid message: {exc}") from None
    except msgspec.DecodeError as exc:
        raise ProtocolError("bad-json", f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError("bad-json", TOO_DEEP) from None


def decode_server(data: str | bytes) -> ServerMessage:
    """Decode a server's message (for Python clients, robots and tests)."""
    return _server_decoder.decode(data)
