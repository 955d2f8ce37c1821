"""A connection's life follows the table in lifecycle.py, and nothing else."""

from __future__ import annotations

import pytest

from snakepit.server.lifecycle import TRANSITIONS, IllegalMove, Phase, advance


@pytest.mark.parametrize(
    "path, end",
    [
        (["hello"], Phase.WATCHING),
        (["hello", "join", "spawned"], Phase.PLAYING),
        (["hello", "join", "spawned", "died", "join", "spawned"], Phase.PLAYING),
        (["hello", "join", "refused"], Phase.WATCHING),
    ],
)
def test_legal_paths(path, end):
    phase = Phase.GREETING
    for event in path:
        phase = advance(phase, event)
    assert phase is end


@pytest.mark.parametrize(
    "phase, event, why",
    [
        (Phase.GREETING, "join", "nobody plays before saying who they are"),
        (Phase.WATCHING, "hello", "a connection says hello once"),
        (Phase.PLAYING, "join", "one snake per connection"),
        (Phase.JOINING, "join", "a join waiting for its tick is not doubled"),
        (Phase.WATCHING, "died", "only a playing snake can die"),
    ],
)
def test_moves_missing_from_the_table_are_illegal(phase, event, why):
    assert (phase, event) not in TRANSITIONS, why
    with pytest.raises(IllegalMove):
        advance(phase, event)
