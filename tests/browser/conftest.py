"""A real `snakepit serve` process and Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

SNAKEPIT = str(Path(sys.executable).with_name("snakepit"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def serving(data: Path, *flags: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """A `snakepit serve` process on a free port of 127.0.0.1 with ``flags`` (15 ticks a
    second, seed 3, unless they say otherwise), its data in ``data``: the address it
    printed and the process, which is ended afterwards if still running."""
    proc = subprocess.Popen(
        [SNAKEPIT, "serve", "--port", "0", "--data-dir", str(data), "--tick-rate", "15",
         "--seed", "3", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"open (http://\S+/) in a browser", line)
        assert match, line
        yield match.group(1), proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("browser-data"), "--bots", "0") as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Browser:
    # Module scope: sync Playwright runs an event loop in this thread while it is alive, and
    # the asyncio tests elsewhere need the thread to themselves.
    assert Path(CHROMIUM).exists(), "the browser tests need Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Tab:
    """One browser tab with the game open, and what went wrong in it."""

    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser: Browser, server_url: str):
    """Open the game in a fresh browser context; collect page errors and dialogs."""
    contexts = []

    def open_() -> Tab:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        tab = Tab(context.new_page())
        tab.page.on("pageerror", lambda exc: tab.errors.append(str(exc)))

        def on_dialog(dialog: Dialog) -> None:
            tab.dialogs.append(dialog.message)
            dialog.dismiss()

        tab.page.on("dialog", on_dialog)
        tab.page.goto(server_url)
        return tab

    yield open_
    for context in contexts:
        context.close()
