"""When the server goes down, the page says so (and does not just freeze)."""

from __future__ import annotations

import re
import signal
import subprocess

from playwright.sync_api import Browser, expect

from .conftest import SNAKEPIT
from .test_page import start_playing


def test_the_page_tells_the_player_the_server_is_going_down(browser: Browser, tmp_path):
    proc = subprocess.Popen(
        [SNAKEPIT, "serve", "--port", "0", "--data-dir", str(tmp_path / "data"),
         "--tick-rate", "15", "--bots", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        assert proc.stdout is not None
        match = re.search(r"open (http://\S+/) in a browser", proc.stdout.readline())
        assert match
        page = context.new_page()
        page.goto(match.group(1))
        start_playing(page, "Ada")
        proc.send_signal(signal.SIGTERM)
        expect(page.locator("#lost")).to_be_visible(timeout=10_000)
        expect(page.locator("#lost-reason")).to_contain_text("going down")
        assert proc.wait(timeout=15) == 0
    finally:
        context.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
