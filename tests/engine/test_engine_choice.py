"""Which engine a server's setting names, with and without the C extension built."""

import pytest

from snakepit.engine import World
from snakepit.engine import fast
from snakepit.engine.fast import FastWorld, engine_class


def test_python_is_always_the_reference_world():
    assert engine_class("python") is World


def test_auto_and_c_take_the_c_engine_where_it_was_built(monkeypatch):
    monkeypatch.setattr(fast, "AVAILABLE", True)
    assert engine_class("auto") is FastWorld
    assert engine_class("c") is FastWorld


def test_without_the_extension_auto_falls_back_and_c_says_why(monkeypatch):
    monkeypatch.setattr(fast, "AVAILABLE", False)
    assert engine_class("auto") is World
    with pytest.raises(ValueError, match="not built"):
        engine_class("c")


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="auto, c or python"):
        engine_class("rust")
