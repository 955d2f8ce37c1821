"""The collector's settings of a server process (server/garbage.py)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from snakepit.server import garbage


@pytest.fixture
def collector_restored() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


class _Node:
    """Something that can be part of a reference cycle."""

    other: object = None


def test_tune_collects_the_young_often_the_middle_every_ten_and_the_oldest_rarely(
        collector_restored: None) -> None:
    garbage.tune()
    assert gc.get_threshold() == (2000, 10, 100)


def test_what_lives_at_startup_is_frozen_and_what_comes_after_is_still_collected(
        collector_restored: None) -> None:
    garbage.freeze_startup()
    assert gc.get_freeze_count() > 0
    first, second = _Node(), _Node()
    first.other, second.other = second, first  # a cycle only the collector can free
    gone = weakref.ref(first)
    del first, second
    gc.collect()
    assert gone() is None


def test_garbage_made_before_the_freeze_is_collected_first_not_frozen(
        collector_restored: None) -> None:
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    del first, second
    garbage.freeze_startup()
    assert gone() is None
