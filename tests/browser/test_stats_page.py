"""The operator's page, /stats: the figures of now as text, and charts of the last minutes
drawn from the server's history while someone plays."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .test_page import start_playing

CHARTS = ("connections", "people", "work", "overruns", "bytes", "drops")
GREEN = (61, 220, 132)  # the connections line


def coloured_pixels(page: Page, chart: str, rgb: tuple[int, int, int]) -> int:
    """How many pixels of the chart's canvas are (nearly) the colour ``rgb``."""
    return page.evaluate(
        """([id, [r, g, b]]) => {
             const canvas = document.querySelector(`#${id} canvas`);
             const data = canvas.getContext('2d')
               .getImageData(0, 0, canvas.width, canvas.height).data;
             let n = 0;
             for (let i = 0; i < data.length; i += 4) {
               if (data[i + 3] > 200 && Math.abs(data[i] - r) < 24
                   && Math.abs(data[i + 1] - g) < 24 && Math.abs(data[i + 2] - b) < 24) n += 1;
             }
             return n;
           }""",
        [f"chart-{chart}", list(rgb)],
    )


def test_the_stats_page_shows_the_figures_and_charts_of_a_server_in_use(
    browser: Browser, open_page, server_url: str, tmp_path
):
    player = open_page()
    start_playing(player.page, "Operator")

    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  device_scale_factor=2)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server_url}stats")

        expect(page.locator("#status")).to_have_attribute("data-state", "connected")
        expect(page.locator("#status")).to_have_text(re.compile(r"Live · updated"))
        expect(page.locator("#fig-connections")).to_have_text(re.compile(r"^[1-9]\d*$"),
                                                              timeout=10_000)
        expect(page.locator("#fig-arenas")).to_have_text(re.compile(r"^[1-9]\d*$"))
        expect(page.locator("#fig-ticks")).to_have_text(re.compile(r"^[1-9]\d*$"))
        expect(page.locator("#fig-work")).to_have_text(re.compile(r"\d ms$"))
        expect(page.locator("#uptime")).to_have_text(re.compile(r"^up \d"))
        expect(page.locator("#waiting")).to_be_hidden()
        for chart in CHARTS:
            canvas = page.locator(f"#chart-{chart} canvas")
            expect(canvas).to_have_attribute("data-points", re.compile(r"^([2-9]|\d\d+)"),
                                             timeout=10_000)
            # Drawn at the screen's pixel density, not stretched from CSS pixels.
            box = canvas.bounding_box()
            assert box is not None
            assert canvas.evaluate("c => c.width") == round(box["width"] * 2)
        assert coloured_pixels(page, "connections", GREEN) > 50
        expect(page.locator("#chart-connections .legend")).to_contain_text("connections")
        expect(page.get_by_role("link", name="Back to the game")).to_have_attribute("href", "/")

        page.screenshot(path=str(tmp_path / "stats.png"), full_page=True)
        assert errors == []
    finally:
        context.close()


def test_the_game_page_does_not_link_to_the_stats_page(open_page):
    tab = open_page()
    expect(tab.page.locator("a[href='/stats']")).to_have_count(0)
