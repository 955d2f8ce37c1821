"""The per-address quota on opening arenas by name (server/quota.py): a count of arenas
held and a token bucket for new ones, with the time always passed in."""

from __future__ import annotations

import pytest

from snakepit.server.quota import ArenaQuota


def open_until_refused(quota: ArenaQuota, address: str, now: float, most: int = 100) -> int:
    opened = 0
    while opened < most and quota.refusal(address, now) is None:
        quota.opened(address, now)
        opened += 1
    return opened


def test_an_address_holds_at_most_per_address_arenas_and_the_refusal_says_so():
    quota = ArenaQuota(per_address=4, per_minute=0)
    assert open_until_refused(quota, "10.0.0.1", now=0.0) == 4
    refusal = quota.refusal("10.0.0.1", now=0.0)
    assert refusal is not None and "at most 4 from one address" in refusal
    assert quota.holding("10.0.0.1") == 4


def test_an_arena_that_closes_gives_its_place_back():
    quota = ArenaQuota(per_address=2, per_minute=0)
    open_until_refused(quota, "a", now=0.0)
    quota.closed("a")
    assert quota.refusal("a", now=0.0) is None
    quota.opened("a", now=0.0)
    assert quota.refusal("a", now=0.0) is not None


def test_addresses_are_counted_apart():
    quota = ArenaQuota(per_address=1, per_minute=0)
    quota.opened("a", now=0.0)
    assert quota.refusal("a", now=0.0) is not None
    assert quota.refusal("b", now=0.0) is None


def test_the_rate_allows_a_minutes_worth_at_once_then_refills_at_that_rate():
    quota = ArenaQuota(per_address=0, per_minute=10)
    assert open_until_refused(quota, "a", now=100.0) == 10
    refusal = quota.refusal("a", now=100.0)
    assert refusal is not None and "at most 10 a minute" in refusal and "6 s" in refusal
    assert quota.refusal("a", now=105.9) is not None
    assert quota.refusal("a", now=106.0) is None  # one more every 6 s
    assert open_until_refused(quota, "a", now=106.0) == 1
    assert open_until_refused(quota, "a", now=106.0 + 60) == 10  # never more than a minute's


def test_a_slow_rate_still_allows_one_arena():
    quota = ArenaQuota(per_address=0, per_minute=0.5)
    assert open_until_refused(quota, "a", now=0.0) == 1
    assert quota.refusal("a", now=119.0) is not None
    assert quota.refusal("a", now=120.0) is None


def test_closing_arenas_does_not_refill_the_rate():
    quota = ArenaQuota(per_address=4, per_minute=2)
    assert open_until_refused(quota, "a", now=0.0) == 2
    quota.closed("a")
    quota.closed("a")
    assert quota.holding("a") == 0
    assert "a minute" in quota.refusal("a", now=1.0)


def test_zero_turns_each_limit_off():
    quota = ArenaQuota(per_address=0, per_minute=0)
    assert open_until_refused(quota, "a", now=0.0, most=5000) == 5000


def test_the_count_is_checked_before_the_rate():
    quota = ArenaQuota(per_address=1, per_minute=1)
    quota.opened("a", now=0.0)
    assert "from one address: use one of them" in quota.refusal("a", now=0.0)


def test_a_clock_going_back_never_adds_tokens():
    quota = ArenaQuota(per_address=0, per_minute=1)
    quota.opened("a", now=50.0)
    assert quota.refusal("a", now=-1000.0) is not None


def test_idle_addresses_are_forgotten_so_the_table_stays_small():
    quota = ArenaQuota(per_address=4, per_minute=60)
    for i in range(1000):  # one arena each, a second apart, closed at once
        quota.opened(f"10.0.{i // 250}.{i % 250}", now=float(i))
        quota.closed(f"10.0.{i // 250}.{i % 250}")
    # Only addresses whose bucket is not full yet (the last minute or so) are remembered.
    assert len(quota) <= 130
    holder = "192.0.2.1"
    quota.opened(holder, now=0.0)
    for i in range(1000):
        quota.opened(f"10.1.{i // 250}.{i % 250}", now=10_000.0 + i)
        quota.closed(f"10.1.{i // 250}.{i % 250}")
    assert quota.holding(holder) == 1  # an address holding an arena is never forgotten


@pytest.mark.parametrize("per_address, per_minute", [(-1, 0), (0, -1), (0, float("nan")),
                                                     (0, float("inf"))])
def test_negative_or_non_finite_limits_are_refused(per_address, per_minute):
    with pytest.raises(ValueError):
        ArenaQuota(per_address=per_address, per_minute=per_minute)
