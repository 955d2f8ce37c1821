"""The codec accepts exactly the protocol's messages and explains every refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snakepit.protocol import ProtocolError, decode_client, encode
from snakepit.protocol.messages import Hello, Ping, Turn


def test_client_messages_round_trip():
    for message in (Hello(protocol=1, name="Ada"), Turn(dir="up"), Ping(t=1.5)):
        assert decode_client(encode(message)) == message


@pytest.mark.parametrize(
    "data, code",
    [
        (b"\xff\xfe", "bad-json"),
        ('{"type": "turn", "dir": "up"', "bad-json"),
        ('{"type": "ping", "t": NaN}', "bad-json"),
        ('{"type": "ping", "t": ' + "9" * 5000 + "}", "bad-message"),
        ("[" * 2000 + "]" * 2000, "bad-message"),
        ('{"type": "hello", "protocol": 1}', "bad-message"),
        ('{"type": "hello", "protocol": 1, "name": "' + "x" * 257 + '"}', "bad-message"),
        ('{"dir": "up"}', "bad-message"),
    ],
)
def test_bad_input_is_a_protocol_error_with_a_code(data, code):
    with pytest.raises(ProtocolError) as refused:
        decode_client(data)
    assert refused.value.code == code
    assert refused.value.message


@given(st.binary(max_size=200) | st.text(max_size=200))
def test_no_input_escapes_the_decoder_as_anything_but_a_protocol_error(data):
    try:
        decode_client(data)
    except ProtocolError:
        pass
