"""A dropped connection under a real page: it says "Reconnecting…", gets the same snake
back and plays on, without a reload. The socket is cut by a proxy the test controls."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time

from playwright.sync_api import Browser, expect

from .conftest import SNAKEPIT
from .test_page import KEYS, OPPOSITE, my_snake, start_playing

SIZE = 100


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 that can cut every connection through it at once, and
    refuse new ones for a while (a network that drops, then comes back)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.closed_until = 0.0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if time.monotonic() < self.closed_until:
                client.close()  # the network is still down
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.close()
            except OSError:
                pass

    def cut(self, down_for: float) -> None:
        """Drop every connection now (no close frames: the sockets just go) and refuse
        new ones for ``down_for`` seconds."""
        self.closed_until = time.monotonic() + down_for
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


def test_the_page_reconnects_by_itself_to_the_same_snake(browser: Browser, tmp_path):
    proc = subprocess.Popen(
        [SNAKEPIT, "serve", "--port", "0", "--data-dir", str(tmp_path / "data"),
         "--tick-rate", "10", "--bots", "0", "--world-size", f"{SIZE}x{SIZE}"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    proxy = None
    try:
        assert proc.stdout is not None
        match = re.search(r"open http://127.0.0.1:(\d+)/ in a browser", proc.stdout.readline())
        assert match
        proxy = CuttableProxy(int(match.group(1)))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"http://127.0.0.1:{proxy.port}/")
        start_playing(page, "Ada")
        page.evaluate("window.__sameDocument = true")  # gone if the page reloads
        heading, x, y = my_snake(page)  # head for the farthest wall: it keeps moving
        room = {"left": x, "right": SIZE - 1 - x, "up": y, "down": SIZE - 1 - y}
        away = max((d for d in room if d != OPPOSITE[heading]), key=room.get)
        page.keyboard.press(KEYS[away])

        proxy.cut(down_for=1.5)
        expect(page.locator("#status")).to_have_attribute("data-state", "reconnecting")
        expect(page.locator("#status")).to_have_text("Reconnecting…")
        expect(page.locator("#status")).to_have_attribute("data-state", "connected",
                                                          timeout=10_000)
        # Back in the game: the same snake (one "Ada", still playing), no reload, no card.
        expect(page.locator("#world")).to_have_attribute(
            "aria-label", re.compile(r"Your snake: heading"), timeout=5_000)
        expect(page.locator("#players li", has_text="Ada")).to_have_count(1)
        assert page.evaluate("window.__sameDocument") is True
        assert page.locator("#lost").is_hidden()
        assert page.locator("#death").is_hidden()
        page.screenshot(path=str(tmp_path / "reconnected.png"))
        assert errors == []
    finally:
        context.close()
        if proxy is not None:
            proxy.close()
        proc.terminate()
        proc.wait(timeout=20)
