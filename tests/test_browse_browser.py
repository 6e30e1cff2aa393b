"""The browser in real headless Chromium: search → entity → evidence → the sentence in its document; languages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_search_to_entity_to_evidence_to_the_sentence(live_server, page, screenshot):
    page.goto(live_server + "/")
    assert page.locator("h1").first.inner_text() == "苏州工业园区知识图谱"
    screenshot(page, "home")

    page.fill(".site-search input[name=q]", "社工委")
    page.press(".site-search input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    first = page.locator(".results .hit").first
    assert "苏州工业园区社区工作委员会" in first.inner_text()

    first.locator("a.title").click()
    page.wait_for_url("**/doc/org/community-work-committees")
    assert page.locator("h1").inner_text().startswith("苏州工业园区社区工作委员会")
    evidence = page.locator(".evidence").filter(has=page.locator("mark.hl")).first
    quote = evidence.locator("mark.hl")
    assert quote.is_visible() and quote.inner_text()
    screenshot(page, "entity")

    quoted = quote.inner_text()
    evidence.locator("a.evidence-link").click()
    page.wait_for_url("**/doc/doc/*#s*")
    anchor = page.evaluate("location.hash")
    sentence = page.locator(anchor)
    assert sentence.is_visible() and quoted in sentence.inner_text()
    background = page.evaluate(
        "getComputedStyle(document.querySelector(location.hash)).backgroundColor"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # :target marks the sentence
    assert page.locator(f"{anchor} a.mention").count() >= 1


def test_language_switch_changes_the_ui_and_the_labels(live_server, page):
    page.goto(live_server + "/doc/org/community-work-committees")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator(".site-nav").inner_text().split()[0] == "首页"

    page.click(".lang-switch a[data-lang=en]")
    page.wait_for_url("**lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".site-nav").inner_text().split()[0] == "Home"
    assert (
        page.locator("h1")
        .inner_text()
        .startswith("community work committees of Suzhou Industrial Park")
    )

    page.goto(live_server + "/")  # remembered without ?lang=
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Browse by kind" in page.locator("main").inner_text()


def test_home_cards_keep_their_height_and_the_sources_are_listed_below(live_server, page):
    page.goto(live_server + "/?lang=zh")
    heights = page.eval_on_selector_all(
        ".cards.kinds > .card", "cards => cards.map(c => c.getBoundingClientRect().height)"
    )
    assert len(heights) >= 4 and max(heights) <= 1.5 * min(heights)  # no card stretches its row
    page.click(".cards.kinds a[href='#sources']")
    assert page.evaluate("location.hash") == "#sources"
    assert page.locator("ul.sources > li").count() == 18


def test_the_site_has_an_icon(live_server, page):
    page.goto(live_server + "/")
    svg = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    assert page.request.get(live_server + svg).headers["content-type"].startswith("image/svg+xml")
    ico = page.request.get(live_server + "/favicon.ico")
    assert ico.status == 200 and ico.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_review_pages_go_by_one_name(live_server, page):
    for lang, name in (("zh", "文档审阅"), ("en", "Document review")):
        page.goto(f"{live_server}/review?lang={lang}")
        assert page.locator(".site-nav a[aria-current=page]").inner_text() == name
        assert page.locator("h1").inner_text() == name
        page.locator("table.review-documents a").first.click()
        assert page.locator("h1").inner_text().startswith(name + ": ")
