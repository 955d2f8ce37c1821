"""The page, driven as a person would: type a name, press keys, read what is shown."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

KEYS = {"up": "ArrowUp", "down": "ArrowDown", "left": "ArrowLeft", "right": "ArrowRight"}
OPPOSITE = {"up": "down", "down": "up", "left": "right", "right": "left"}
LABEL = re.compile(r"Your snake: heading (\w+) at (\d+),(\d+), length (\d+)")


def start_playing(page: Page, name: str) -> None:
    page.fill("#name", name)
    page.press("#name", "Enter")
    expect(page.locator("#status")).to_have_attribute("data-state", "connected")
    expect(page.locator("#world")).to_have_attribute("aria-label", LABEL, timeout=10_000)


def my_snake(page: Page) -> tuple[str, int, int]:
    match = LABEL.search(page.locator("#world").get_attribute("aria-label") or "")
    assert match, "not playing"
    return match.group(1), int(match.group(2)), int(match.group(3))


def crash(page: Page) -> None:
    """Head for the nearest wall the snake may turn to, and wait for the death screen."""
    heading, x, y = my_snake(page)
    gaps = {"left": x, "right": 59 - x, "up": y, "down": 39 - y}
    wall = min((d for d in gaps if d != OPPOSITE[heading]), key=gaps.get)
    page.keyboard.press(KEYS[wall])
    expect(page.locator("#death")).to_be_visible(timeout=15_000)


def test_a_player_types_a_name_plays_turns_crashes_and_plays_again(open_page):
    tab = open_page()
    page = tab.page
    start_playing(page, "Keyboard")
    expect(page.locator("#length")).to_have_text(re.compile("3"))

    heading, x, y = my_snake(page)
    turn = "left" if heading in ("up", "down") else "up"
    page.keyboard.press(KEYS[turn])
    expect(page.locator("#world")).to_have_attribute(
        "aria-label", re.compile(f"heading {turn} "), timeout=5_000)

    # Head for the nearest wall that we are allowed to turn to, and wait for the crash.
    heading, x, y = my_snake(page)
    gaps = {"left": x, "right": 59 - x, "up": y, "down": 39 - y}
    wall = min((d for d in gaps if d != OPPOSITE[heading]), key=gaps.get)
    page.keyboard.press(KEYS[wall])
    expect(page.locator("#death")).to_be_visible(timeout=15_000)
    expect(page.locator("#death-cause")).to_have_text(re.compile("wall", re.I))
    # The finished game reaches both top lists once it is saved.
    expect(page.locator("#top-all")).to_contain_text("Keyboard", timeout=10_000)
    expect(page.locator("#top-today")).to_contain_text("Keyboard")
    expect(page.locator("#ping")).to_have_text(re.compile(r"\d+ ms"))
    expect(page.locator("#death-saved")).to_have_attribute("data-saved", "yes")
    # The game can be shared: a link to its replay, a few seconds before the crash.
    replay = page.locator("#death-replay")
    expect(replay).to_be_visible()
    assert re.fullmatch(r"/replay\?id=[\w.-]+&tick=\d+", replay.get_attribute("href") or "")

    page.keyboard.press("Enter")  # play again, without reloading
    expect(page.locator("#death")).to_be_hidden()
    expect(page.locator("#world")).to_have_attribute("aria-label", LABEL, timeout=10_000)
    assert tab.errors == []


def test_two_pages_in_one_world_see_each_other(open_page):
    alpha, beta = open_page(), open_page()
    start_playing(alpha.page, "Alpha")
    start_playing(beta.page, "Beta")
    expect(alpha.page.locator("#players")).to_contain_text("Beta", timeout=10_000)
    expect(beta.page.locator("#players")).to_contain_text("Alpha", timeout=10_000)
    assert alpha.errors == beta.errors == []


def test_a_hostile_name_is_shown_as_text_and_runs_nothing(open_page):
    hostile = "<svg onload=f()>"
    victim = open_page()
    # If the name ever became markup, its onload handler would call this and leave a mark.
    victim.page.evaluate("() => { window.f = () => { window.pwned = true; }; }")
    attacker = open_page()
    start_playing(victim.page, "Victim")
    start_playing(attacker.page, hostile)
    expect(victim.page.locator("#players")).to_contain_text(hostile, timeout=10_000)
    expect(attacker.page.locator("#players")).to_contain_text(hostile)
    assert victim.page.locator("#players svg").count() == 0
    # The attacker crashes: the name must be text in the top lists too.
    crash(attacker.page)
    expect(victim.page.locator("#top-all")).to_contain_text(hostile, timeout=15_000)
    assert victim.page.locator("#top-all svg, #top-today svg").count() == 0
    assert victim.page.evaluate("String(window.pwned)") == "undefined"
    assert victim.dialogs == [] and attacker.dialogs == []


def test_a_blank_name_is_refused_with_a_message(open_page):
    tab = open_page()
    page = tab.page
    page.fill("#name", "   ")
    page.press("#name", "Enter")
    expect(page.locator("#name-error")).not_to_be_empty(timeout=10_000)
    expect(page.locator("#world")).not_to_have_attribute("aria-label", LABEL)


def test_a_long_hostile_name_is_refused_with_a_message_and_never_becomes_markup(open_page):
    tab = open_page()
    page = tab.page
    page.fill("#name", "<img src=x onerror=alert(1)>")
    page.press("#name", "Enter")
    expect(page.locator("#name-error")).to_contain_text("16", timeout=10_000)
    assert page.locator("img[src=x]").count() == 0
    assert tab.dialogs == [] and tab.errors == []


def test_on_a_phone_the_on_screen_arrows_steer_the_snake(browser, server_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, device_scale_factor=3)
    try:
        page = context.new_page()
        page.goto(server_url)
        start_playing(page, "Thumbs")
        expect(page.locator("#touch-controls")).to_be_visible()
        heading, _, _ = my_snake(page)
        turn = "left" if heading in ("up", "down") else "up"
        page.locator(f"#touch-controls [data-dir={turn}]").tap()
        expect(page.locator("#world")).to_have_attribute(
            "aria-label", re.compile(f"heading {turn} "), timeout=5_000)
        # The canvas is drawn at the device's pixel density, so it stays crisp.
        css_width, backing_width = page.evaluate(
            "() => { const c = document.getElementById('world');"
            " return [c.getBoundingClientRect().width, c.width]; }")
        assert backing_width == round(css_width * 3)
    finally:
        context.close()
