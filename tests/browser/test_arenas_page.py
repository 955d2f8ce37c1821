"""Arenas on the page, driven as people would: a link to an arena, watching from the list of
open arenas, naming an arena for friends, and the messages for arena names that are refused.

While a page waits for something shown on another, the players on it keep their snakes
alive the way a person does: they turn away from a wall they are about to hit, and press
Enter to play again if they crash anyway. So no assertion depends on how long a snake
survives on its own.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import Tab, serving
from .test_page import KEYS, LABEL, start_playing

WIDTH, HEIGHT = 60, 40  # the world size of `snakepit serve` (the fixture keeps the default)
PERPENDICULAR = {"up": ("left", "right"), "down": ("left", "right"),
                 "left": ("up", "down"), "right": ("up", "down")}


def open_link(open_page, server_url: str, arena: str) -> Tab:
    """A fresh tab opened on the link to an arena: /?arena=NAME."""
    tab = open_page()
    tab.page.goto(f"{server_url}?arena={arena}")
    return tab


def keep_alive(page: Page) -> None:
    """Steer away from a wall that is close ahead; play again after a crash."""
    if page.locator("#death").is_visible():
        page.keyboard.press("Enter")
        return
    match = LABEL.search(page.locator("#world").get_attribute("aria-label") or "")
    if not match:
        return
    heading, x, y = match.group(1), int(match.group(2)), int(match.group(3))
    room = {"left": x, "right": WIDTH - 1 - x, "up": y, "down": HEIGHT - 1 - y}
    if room[heading] < 8:
        page.keyboard.press(KEYS[max(PERPENDICULAR[heading], key=room.get)])


def eventually(check: Callable[[], None], *players: Page, timeout: float = 15.0) -> None:
    """Retry ``check`` (expect-based, short timeouts) until it passes, keeping the snakes
    of ``players`` alive in between."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        for page in players:
            keep_alive(page)


def test_a_link_to_an_arena_brings_friends_together(open_page, server_url):
    host = open_link(open_page, server_url, "friends")
    expect(host.page.locator("#start-arena")).to_be_visible()  # said before connecting
    expect(host.page.locator("#start-arena")).to_contain_text("friends")
    start_playing(host.page, "Host")
    expect(host.page.locator("#arena-name")).to_have_text("friends")
    expect(host.page.locator("#arena-link")).to_have_attribute("href", "/?arena=friends")
    assert host.page.url.endswith("/?arena=friends")

    guest = open_link(open_page, server_url, "friends")
    start_playing(guest.page, "Guest")
    expect(guest.page.locator("#arena-name")).to_have_text("friends")

    def both_see_each_other() -> None:
        expect(guest.page.locator("#players")).to_contain_text("Host", timeout=300)
        expect(host.page.locator("#players")).to_contain_text("Guest", timeout=300)

    eventually(both_see_each_other, host.page, guest.page)

    # Somebody without the link is matched into a public arena, not into "friends".
    loner = open_page()
    start_playing(loner.page, "Loner")
    expect(loner.page.locator("#arena-name")).to_have_text(re.compile(r"^pit-\d+$"))
    expect(loner.page.locator("#players")).not_to_contain_text("Host")
    assert host.errors == guest.errors == loner.errors == []
    assert host.dialogs == guest.dialogs == loner.dialogs == []


def test_a_spectator_watches_from_the_list_then_moves_on_then_plays(open_page, server_url):
    star = open_link(open_page, server_url, "stage")
    start_playing(star.page, "Star")

    fan = open_page()
    fan.page.fill("#name", "Fan")
    row = fan.page.locator("#arenas li[data-arena='stage']")
    eventually(lambda: expect(row).to_be_visible(timeout=300), star.page)
    expect(row).to_contain_text("stage")
    row.locator("button.watch").click()

    # Watching: the arena's snakes, its spectator count, no snake of one's own.
    expect(fan.page.locator("#arena-name")).to_have_text("stage")
    expect(fan.page.locator("#watching")).to_be_visible()
    expect(fan.page.locator("#watching")).to_have_text("Watching stage")

    def fan_watches_star() -> None:
        expect(fan.page.locator("#players")).to_contain_text("Star", timeout=300)
        expect(fan.page.locator("#watchers")).to_have_text(re.compile(r"\b1 watching"), timeout=300)
        expect(star.page.locator("#watchers")).to_have_text(re.compile(r"\b1 watching"), timeout=300)

    eventually(fan_watches_star, star.page)
    expect(fan.page.locator("#world")).not_to_have_attribute("aria-label", re.compile("^Your snake"))
    assert fan.page.url.endswith("/?arena=stage")

    # Off to an arena of one's own: the old arena's snakes are gone with it.
    fan.page.click("#show-arenas")
    fan.page.fill("#arena-input", "Quiet-Room")
    fan.page.click("#arena-go")
    expect(fan.page.locator("#arena-name")).to_have_text("quiet-room")
    expect(fan.page.locator("#watching")).to_have_text("Watching quiet-room")
    expect(fan.page.locator("#watching")).to_be_visible()
    expect(fan.page.locator("#players li")).to_have_count(0)
    expect(fan.page.locator("#players-empty")).to_be_visible()
    expect(fan.page.locator("#watchers")).to_have_text(re.compile(r"\b1 watching"))
    assert fan.page.url.endswith("/?arena=quiet-room")
    eventually(lambda: expect(star.page.locator("#watchers")).to_have_text(
        re.compile(r"\b0 watching"), timeout=300), star.page)

    # Back to the list, and into the game on the star's stage with "Play".
    fan.page.click("#show-arenas")
    stage = fan.page.locator("#arenas li[data-arena='stage']")
    eventually(lambda: expect(stage).to_be_visible(timeout=300), star.page)
    stage.locator("button.play-here").click()
    expect(fan.page.locator("#world")).to_have_attribute("aria-label", LABEL, timeout=10_000)
    expect(fan.page.locator("#arena-name")).to_have_text("stage")
    eventually(lambda: expect(fan.page.locator("#players")).to_contain_text("Star", timeout=300),
               star.page, fan.page)
    assert star.errors == fan.errors == []
    assert star.dialogs == fan.dialogs == []


def test_watching_needs_a_name_like_playing(open_page):
    tab = open_page()
    page = tab.page
    page.fill("#name", "")
    page.fill("#arena-input", "party")
    page.click("#arena-go")
    expect(page.locator("#name-error")).to_have_text("Type a name first")
    expect(page.locator("#status")).to_have_attribute("data-state", "disconnected")
    assert tab.errors == []


def test_a_bad_arena_name_is_refused_next_to_the_arena_field(open_page):
    tab = open_page()
    page = tab.page
    page.fill("#name", "Typo")
    page.fill("#arena-input", "no spaces please")
    page.press("#arena-input", "Enter")  # goes there; does not submit the Play form
    expect(page.locator("#arena-error")).to_contain_text("letters, digits", timeout=10_000)
    expect(page.locator("#arena-error")).to_be_visible()
    expect(page.locator("#world")).not_to_have_attribute("aria-label", LABEL)

    # A good name then works: the arena is opened, and watched.
    page.fill("#arena-input", "Good-Name")
    page.click("#arena-go")
    expect(page.locator("#arena-name")).to_have_text("good-name", timeout=10_000)
    expect(page.locator("#watching")).to_have_text("Watching good-name")
    expect(page.locator("#watching")).to_be_visible()
    expect(page.locator("#arena-error")).to_be_empty()

    # Once in an arena, a bad name is refused the same way, and the page stays where it is.
    page.click("#show-arenas")
    page.fill("#arena-input", "x" * 40)
    page.click("#arena-go")
    expect(page.locator("#arena-error")).to_contain_text("letters, digits", timeout=10_000)
    expect(page.locator("#arena-name")).to_have_text("good-name")
    expect(page.locator("#status")).to_have_attribute("data-state", "connected")
    assert tab.errors == [] and tab.dialogs == []


def test_a_link_with_a_bad_arena_name_says_so_and_play_still_works(open_page, server_url):
    tab = open_link(open_page, server_url, "no%20way")
    page = tab.page
    page.fill("#name", "Lost")
    page.press("#name", "Enter")
    expect(page.locator("#arena-error")).to_contain_text("letters, digits", timeout=10_000)
    expect(page.locator("#world")).not_to_have_attribute("aria-label", LABEL)

    page.click("#play")  # the server picks an arena this time
    expect(page.locator("#world")).to_have_attribute("aria-label", LABEL, timeout=10_000)
    expect(page.locator("#arena-name")).to_have_text(re.compile(r"^pit-\d+$"))
    assert re.search(r"/\?arena=pit-\d+$", page.url)
    assert tab.errors == [] and tab.dialogs == []


@pytest.fixture(scope="module")
def one_player_server_url(tmp_path_factory) -> Iterator[str]:
    """A server whose arenas take one player each, so a second player is moved on."""
    with serving(tmp_path_factory.mktemp("browser-data-one"), "--bots", "0", "--max-players", "1",
                 "--world-size", "100x100") as (url, _):
        yield url


def test_playing_from_a_full_public_arena_moves_to_a_fresh_one(browser: Browser,
                                                              one_player_server_url: str):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(2)]
    try:
        star, fan = (Tab(context.new_page()) for context in contexts)
        for tab in (star, fan):
            tab.page.on("pageerror", lambda exc, tab=tab: tab.errors.append(str(exc)))
            tab.page.goto(one_player_server_url)
        start_playing(star.page, "Star")
        expect(star.page.locator("#arena-name")).to_have_text(re.compile(r"^pit-\d+$"))
        arena = star.page.locator("#arena-name").text_content()

        fan.page.fill("#name", "Fan")
        row = fan.page.locator(f"#arenas li[data-arena='{arena}']")
        eventually(lambda: expect(row).to_be_visible(timeout=300), star.page)
        row.locator("button.watch").click()
        eventually(lambda: expect(fan.page.locator("#players")).to_contain_text(
            "Star", timeout=300), star.page)

        keep_alive(star.page)
        fan.page.click("#play")  # the arena is full: the server moves the fan first
        expect(fan.page.locator("#world")).to_have_attribute("aria-label", LABEL, timeout=10_000)
        # (A 100 x 100 world and keep_alive's steering keep the star alive meanwhile.)
        # A clean start in the new arena: only the fan's own snake, nothing of the old one.
        expect(fan.page.locator("#arena-name")).not_to_have_text(arena)
        expect(fan.page.locator("#players li")).to_have_count(1)
        expect(fan.page.locator("#players li.me")).to_contain_text("Fan")
        new_arena = fan.page.locator("#arena-name").text_content()
        assert fan.page.url.endswith(f"/?arena={new_arena}")
        expect(fan.page.locator("#arena-link")).to_have_attribute("href", f"/?arena={new_arena}")
        assert star.errors == fan.errors == []
    finally:
        for context in contexts:
            context.close()


@pytest.fixture(scope="module")
def one_arena_each_server_url(tmp_path_factory) -> Iterator[str]:
    """A server where one address may hold one arena it opened by name."""
    with serving(tmp_path_factory.mktemp("browser-data-quota"), "--bots", "0",
                 "--arenas-per-address", "1") as (url, _):
        yield url


def test_a_link_to_one_arena_too_many_says_which_limit_and_play_still_works(
        open_page, one_arena_each_server_url):
    first = open_page()
    first.page.goto(f"{one_arena_each_server_url}?arena=ours")
    start_playing(first.page, "First")
    expect(first.page.locator("#arena-name")).to_have_text("ours")

    tab = open_page()
    tab.page.goto(f"{one_arena_each_server_url}?arena=another")
    page = tab.page
    page.fill("#name", "Second")
    page.press("#name", "Enter")
    expect(page.locator("#arena-error")).to_contain_text("at most 1 from one address",
                                                         timeout=10_000)
    expect(page.locator("#world")).not_to_have_attribute("aria-label", LABEL)

    page.click("#play")  # the server picks a public arena this time
    expect(page.locator("#world")).to_have_attribute("aria-label", LABEL, timeout=10_000)
    expect(page.locator("#arena-name")).to_have_text(re.compile(r"^pit-\d+$"))
    assert tab.errors == [] and tab.dialogs == [] and first.errors == []
