"""The bench's Python player (the fallback where clients.c cannot be compiled, and the model
it follows), fed the server's messages by hand: it says hello and joins, follows its snake,
turns away from a border, and joins again after a death or a refusal for want of room."""

from __future__ import annotations

import json
from typing import cast

from snakepit.bench.loadgen import Player, Tally
from snakepit.bench.wsclient import WsClient


class Sent:
    """Stands in for the player's connection: keeps what it sends."""

    def __init__(self) -> None:
        self.messages: list[dict] = []

    def send_text(self, payload: bytes) -> None:
        self.messages.append(json.loads(payload))

    def types(self) -> list[str]:
        return [m["type"] for m in self.messages]


def playing() -> tuple[Player, Sent]:
    player, sent = Player("p1", Tally()), Sent()
    player.opened(cast(WsClient, sent))
    player.on_text(b'{"type":"welcome","protocol":1,"name":"p1","arena":"pit-1","width":20,'
                   b'"height":12,"tick_rate":10.0,"tick_ms":100.0,"max_players":16}')
    player.on_text(b'{"type":"spawned","snake":7}')
    return player, sent


def frame(tick: int, moves: str = "", spawns: str = "") -> bytes:
    parts = [f'"tick":{tick}', f'"at":{1_700_000_000_000 + tick}']
    if moves:
        parts.append(f'"moves":[{moves}]')
    if spawns:
        parts.append(f'"spawns":[{spawns}]')
    return ('{"type":"frame",' + ",".join(parts) + "}").encode()


def test_it_says_hello_and_joins_on_connecting():
    _, sent = playing()
    assert sent.messages[0] == {"type": "hello", "protocol": 1, "name": "p1"}
    assert sent.types() == ["hello", "join"]


def test_it_follows_its_snake_and_turns_towards_the_room_before_the_border():
    player, sent = playing()
    # Spawned at (15, 5) heading right: the border (x = 19) is four cells ahead.
    player.on_text(frame(1, spawns='{"id":7,"name":"p1","color":3,"dir":"right",'
                                   '"body":[[15,5],[14,5],[13,5]]}'))
    player.on_text(frame(2, moves="[3,1,1,0],[7,16,5,0]"))
    assert sent.types() == ["hello", "join"], "three cells from the border: no turn yet"
    player.on_text(frame(3, moves="[7,17,5,0]"))  # two cells ahead is the border
    # More room below (y = 5 of 12: 6 rows below, 5 above): it turns down.
    assert sent.messages[-1] == {"type": "turn", "dir": "down"}
    # The frame that shows the turn times it, and the player does not turn again.
    player.on_text(frame(4, moves="[7,17,6,0]"))
    assert player.dir == "down" and player.turn_sent is None
    assert player.tally.latency.total == 0, "not measuring yet: nothing is timed"


def test_it_joins_again_after_each_death():
    player, sent = playing()
    player.on_text(b'{"type":"died","cause":"wall","killer":null,"score":3,"length":5,'
                   b'"kills":0,"ticks":40}')
    assert player.snake is None
    assert sent.types() == ["hello", "join", "join"]


def test_a_join_refused_for_want_of_room_is_asked_again_at_the_next_frame_not_an_error():
    player, sent = playing()
    player.on_text(b'{"type":"error","code":"no-room","message":"No room."}')
    assert sent.types() == ["hello", "join"]
    player.on_text(frame(5))
    assert sent.types() == ["hello", "join", "join"]
    player.on_text(frame(6))
    assert sent.types() == ["hello", "join", "join"], "once per refusal"
    assert player.tally.errors == 0
    player.on_text(b'{"type":"error","code":"bad-message","message":"?"}')
    assert player.tally.errors == 1
