"""Take docs/screenshot.png: the real page, with a few autopilot snakes playing alongside.

Starts `snakepit serve` on a free port of 127.0.0.1, connects some players that seek
digits, opens the page in Debian's Chromium, plays as "You" for a few seconds and saves a
screenshot. Usage: .venv/bin/python tools/screenshot.py [OUTPUT.png]
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from snakepit.client.pilot import fly

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NAMES = ["Ada", "Grace", "Linus"]


async def main(output: Path) -> None:
    data = tempfile.mkdtemp(prefix="snakepit-shot-")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("snakepit")), "serve", "--port", "0",
         "--data-dir", data, "--seed", "11", "--bots", "6"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        match = re.search(r"(http://\S+/)", server.stdout.readline())
        assert match, "snakepit serve did not print its address"
        url = match.group(1)
        ws = url.replace("http://", "ws://") + "ws"
        bots = [asyncio.create_task(fly(ws, n, 25)) for n in NAMES]
        await asyncio.sleep(12)
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            await page.goto(url)
            await page.fill("#name", "You")
            await page.press("#name", "Enter")
            await page.wait_for_selector("#world[aria-label^='Your snake']")
            await asyncio.sleep(0.4)  # a few frames in: moving, and still far from any wall
            await page.screenshot(path=str(output))
            await browser.close()
        await asyncio.gather(*bots)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")))
