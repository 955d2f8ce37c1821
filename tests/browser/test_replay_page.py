"""The replay viewer, /replay: it lists the recent recordings, plays one with the game's own
renderer, pauses, changes speed, seeks by tick, and shares a link that opens at a tick."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Browser, Page, expect

from .test_page import KEYS, OPPOSITE, my_snake, start_playing

TICK = re.compile(r"^Tick (\d+) / (\d+) · \d+:\d\d / \d+:\d\d$")


def shown_tick(page: Page) -> int:
    match = TICK.match(page.locator("#tick").inner_text())
    assert match, page.locator("#tick").inner_text()
    return int(match.group(1))


def lit_pixels(page: Page) -> int:
    """Pixels of the board that are brighter than the background (snakes, digits)."""
    return page.evaluate(
        """() => {
             const canvas = document.getElementById('world');
             const data = canvas.getContext('2d')
               .getImageData(0, 0, canvas.width, canvas.height).data;
             let n = 0;
             for (let i = 0; i < data.length; i += 4) {
               if (data[i] + data[i + 1] + data[i + 2] > 300) n += 1;
             }
             return n;
           }""")


def keep_away_from_walls(page: Page) -> None:
    """Turn toward the most open side (not back into the neck), if still playing."""
    try:
        heading, x, y = my_snake(page)
    except AssertionError:
        return  # dead: the replay shows that too
    gaps = {"left": x, "right": 59 - x, "up": y, "down": 39 - y}
    best = max((d for d in gaps if d != OPPOSITE[heading]), key=gaps.get)
    if best != heading:
        page.keyboard.press(KEYS[best])


def seek(page: Page, tick: int) -> None:
    page.locator("#seek").evaluate(
        "(el, tick) => { el.value = String(tick); el.dispatchEvent(new Event('input')); }", tick)


def test_a_recorded_game_is_listed_played_paused_sped_up_sought_and_shared(
        browser: Browser, open_page, server_url: str):
    players = [open_page(), open_page()]
    for tab, name in zip(players, ("Replayer", "Second")):
        start_playing(tab.page, name)
    for _ in range(14):  # about a hundred ticks at 15 a second, snakes mostly alive
        time.sleep(0.5)
        for tab in players:
            keep_away_from_walls(tab.page)

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server_url}replay")

        # The newest recording is picked, paused at its first tick.
        recordings = page.locator("#recordings a.recording")
        expect(recordings.first).to_contain_text("pit-1")
        expect(recordings.first).to_contain_text("Replayer")
        expect(recordings.first).to_have_attribute("aria-current", "true")
        expect(page.locator("#status")).to_have_text(re.compile(r"^(Live recording|Recording)$"))
        expect(page.locator("#tick")).to_have_text(re.compile(r"^Tick 0 / \d+"))
        expect(page.locator("#board-message")).to_be_hidden()
        assert int(page.locator("#seek").get_attribute("max") or 0) >= 60

        # Play, then pause: the tick moves, then stays.
        page.get_by_role("button", name="Play").click()
        expect(page.locator("#tick")).to_have_text(re.compile(r"^Tick ([2-9]\d|\d{3,}) /"),
                                                   timeout=10_000)
        page.get_by_role("button", name="Pause").click()
        paused = shown_tick(page)
        time.sleep(0.5)
        assert shown_tick(page) == paused

        # 8x speed: about eight times as many ticks a second as the recording's 15.
        seek(page, 0)
        expect(page.locator("#tick")).to_have_text(re.compile(r"^Tick 0 /"))
        page.locator("#speed").select_option("8")
        page.get_by_role("button", name="Play").click()
        time.sleep(0.5)
        page.get_by_role("button", name="Pause").click()
        assert shown_tick(page) >= 30, shown_tick(page)  # 1x would be about 7
        page.locator("#speed").select_option("1")

        # Seek to a tick: the board, the players and the link follow.
        seek(page, 20)
        expect(page.locator("#tick")).to_have_text(re.compile(r"^Tick 20 / "))
        expect(page.locator("#players li")).to_have_count(2)
        expect(page.locator("#players")).to_contain_text("Replayer")
        expect(page.locator("#players")).to_contain_text("Second")
        seek(page, 40)
        expect(page.locator("#tick")).to_have_text(re.compile(r"^Tick 40 / "))
        share = page.locator("#share")
        expect(share).to_have_attribute("href", re.compile(r"^/replay\?id=[0-9a-z-]+&tick=40$"))
        assert re.search(r"[?&]tick=40\b", page.url)
        link = share.get_attribute("href") or ""
        page.wait_for_timeout(400)  # the snakes fade in
        assert lit_pixels(page) > 300
        page.screenshot(path="/tmp/replay.png")

        # Seeking back works as well as forward, and the keys step one tick.
        seek(page, 12)
        expect(page.locator("#tick")).to_have_text(re.compile(r"^Tick 12 / "))
        page.locator("#world").focus()
        page.keyboard.press("ArrowRight")
        expect(page.locator("#tick")).to_have_text(re.compile(r"^Tick 13 / "))

        # The shared link opens the same recording at that tick, paused.
        other = context.new_page()
        other.on("pageerror", lambda exc: errors.append(str(exc)))
        other.goto(server_url.rstrip("/") + link)
        expect(other.locator("#tick")).to_have_text(re.compile(r"^Tick 40 / "))
        expect(other.get_by_role("button", name="Play")).to_be_enabled()
        assert errors == []
    finally:
        context.close()


def test_a_link_to_no_recording_says_so(browser: Browser, server_url: str):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{server_url}replay?id=20260101-000000-nowhere-000000")
        expect(page.locator("#board-message")).to_have_text(re.compile("no such recording"))
        expect(page.locator("#status")).to_have_attribute("data-state", "error")
        page.goto(f"{server_url}replay?id=../../etc/passwd")
        expect(page.locator("#board-message")).to_have_text(
            re.compile("does not name a recording"))
    finally:
        context.close()
