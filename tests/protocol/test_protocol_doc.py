"""docs/protocol.md cannot drift from the code: every example in it decodes."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from snakepit.protocol import decode_client, decode_server
from snakepit.protocol.messages import ClientMessage, ServerMessage

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
EXAMPLES = re.findall(r"```json\n(.*?)```", DOC.read_text(), re.S)
CLIENT_TYPES = {t.__struct_config__.tag for t in ClientMessage.__args__}
SERVER_TYPES = {t.__struct_config__.tag for t in ServerMessage.__args__}


def test_the_document_has_an_example_of_every_message():
    shown = {msgspec.json.decode(example)["type"] for example in EXAMPLES}
    assert shown == CLIENT_TYPES | SERVER_TYPES


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: msgspec.json.decode(e)["type"])
def test_every_example_decodes_as_the_message_it_shows(example):
    kind = msgspec.json.decode(example)["type"]
    decode = decode_client if kind in CLIENT_TYPES else decode_server
    message = decode(example)
    assert message.__struct_config__.tag == kind
    # Nothing in the example is lost or invented by a round trip through the codec.
    assert msgspec.json.decode(msgspec.json.encode(message)) == msgspec.json.decode(example)
