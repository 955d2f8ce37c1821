"""Bots on the page: a quiet arena has bots in it, marked as bots, and they make way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from .conftest import serving
from .test_page import start_playing


@pytest.fixture(scope="module")
def bots_server_url(tmp_path_factory) -> Iterator[str]:
    """A server that fills its arenas with bots up to 3 snakes."""
    with serving(tmp_path_factory.mktemp("browser-data-bots"), "--bots", "3", "--bot-level", "easy") as (url, _):
        yield url


def test_bots_play_in_a_quiet_arena_marked_as_bots_and_make_way_for_a_player(
        browser: Browser, bots_server_url: str, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(bots_server_url)
        start_playing(page, "Ada")
        players = page.locator("#players li")
        # Ada and two bots (bots fill up to 3 snakes), each bot marked as one.
        expect(page.locator("#players li.bot")).to_have_count(2, timeout=10_000)
        expect(page.locator("#players li.bot .bot-badge").first).to_have_text("bot")
        expect(page.locator("#players li.me")).to_contain_text("Ada")
        expect(page.locator("#players li.me .bot-badge")).to_have_count(0)
        assert players.count() >= 3
        page.screenshot(path=str(tmp_path / "bots.png"))
        assert errors == []
    finally:
        context.close()
