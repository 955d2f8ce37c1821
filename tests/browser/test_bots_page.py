"""Bots on the page: a quiet arena has bots in it, marked as bots, and they make way."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import Browser, expect

from .conftest import SNAKEPIT
from .test_page import start_playing


@pytest.fixture(scope="module")
def bots_server_url(tmp_path_factory) -> str:
    """A server that fills its arenas with bots up to 3 snakes."""
    data = tmp_path_factory.mktemp("browser-data-bots")
    proc = subprocess.Popen(
        [SNAKEPIT, "serve", "--port", "0", "--data-dir", str(data), "--tick-rate", "15",
         "--seed", "3", "--bots", "3", "--bot-level", "easy"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    match = re.search(r"open (http://\S+/) in a browser", proc.stdout.readline())
    assert match
    yield match.group(1)
    proc.terminate()
    proc.wait(timeout=20)


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
