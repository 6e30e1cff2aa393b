"""The explorer, paths, timeline and charts in real headless Chromium against a real server."""

from __future__ import annotations

import itertools
import json
import urllib.parse
import urllib.request

import pytest

from sipkg.web import explore

pytestmark = pytest.mark.integration

COMMITTEE = "https://data.sipac.gov.cn/id/org/sip-administrative-committee"
NODES = "() => document.getElementById('graph').cy.nodes().map(n => n.data('label'))"


def open_explorer(page, url):
    page.goto(url)
    page.wait_for_selector("#graph[data-ready='true']")


def test_the_path_between_workstation_and_committee_shows_evidence_for_each_hop(page, live_server):
    page.goto(live_server + "/explore/path")
    page.fill("input[name=from]", "社区工作站")
    page.fill("input[name=to]", "管委会")
    page.click("form.picker button[type=submit]")
    page.wait_for_selector("section.path")
    hops = page.locator("section.path").first.locator("li.hop")
    assert hops.count() >= 2
    for i in range(hops.count()):
        hop = hops.nth(i)
        assert hop.locator(".step").count() >= 1
        supported = (
            hop.locator(".evidence blockquote").count() + hop.locator(".tag.inferred").count()
        )
        assert supported >= 1, hop.inner_text()
        for link in hop.locator("a.source").all():
            assert link.get_attribute("href").startswith(
                "/doc/doc/"
            ) and "#s" in link.get_attribute("href")
    steps = page.locator("section.path").first.locator(".step")
    assert "苏州工业园区社区工作站" in steps.first.inner_text()
    assert "苏州工业园区管理委员会" in steps.last.inner_text()
    assert page.get_by_text("社区工作站作为社工委的服务窗口").first.is_visible()


def test_the_explorer_draws_the_neighbourhood(page, live_server, screenshot):
    open_explorer(page, live_server + "/explore?entity=管委会&depth=2")
    labels = page.evaluate(NODES)
    query = urllib.parse.urlencode({"entity": "管委会", "depth": 2})
    expected = json.load(urllib.request.urlopen(live_server + "/explore.json?" + query))
    assert len(labels) == len(expected["nodes"]) > 10
    assert "苏州工业园区管理委员会" in labels and "苏州市人民政府" in labels
    edges = page.evaluate("() => document.getElementById('graph').cy.edges().length")
    assert edges == len(expected["edges"])
    centre = page.evaluate(
        "() => document.getElementById('graph').cy.nodes('[centre = 1]').map(n => n.id())"
    )
    assert centre == [COMMITTEE]
    screenshot(page, "explorer")


# Every pair of node boxes, labels included, in the graph's own coordinates, that meet.
LABEL_CLASHES = """() => {
  const boxes = document.getElementById('graph').cy.nodes().map(n =>
    [n.data('label'), n.boundingBox({includeLabels: true})]);
  const clashes = [];
  boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
    if (p.x1 < q.x2 && q.x1 < p.x2 && p.y1 < q.y2 && q.y1 < p.y2) clashes.push([a, b]);
  }));
  return clashes;
}"""


@pytest.mark.parametrize(
    "entity, depth",
    [("管委会", 1), ("管委会", 2), ("社工委", 1)],
    ids=["committee-1", "committee-2", "small"],
)
def test_no_two_node_labels_overlap(page, live_server, entity, depth):
    for _ in range(3):  # the force layout starts from random places: every start must end readable
        open_explorer(
            page,
            live_server + "/explore?" + urllib.parse.urlencode({"entity": entity, "depth": depth}),
        )
        assert page.evaluate("() => document.getElementById('graph').cy.nodes().length") >= 4
        assert page.evaluate(LABEL_CLASHES) == []


def test_clicking_a_node_shows_its_links_and_double_click_recentres(page, live_server):
    open_explorer(page, live_server + "/explore?entity=管委会")
    government = "https://data.sipac.gov.cn/id/org/suzhou-municipal-government"
    page.evaluate(
        "id => document.getElementById('graph').cy.getElementById(id).emit('tap')", government
    )
    info = page.locator("#node-info")
    assert info.locator("h3").inner_text() == "苏州市人民政府"
    assert info.locator("a").first.get_attribute("href") == "/doc/org/suzhou-municipal-government"
    page.evaluate(
        "id => document.getElementById('graph').cy.getElementById(id).emit('dbltap')", government
    )
    page.wait_for_url("**/explore?entity=org/suzhou-municipal-government*")
    page.wait_for_selector("#graph[data-ready='true']")
    centre = page.evaluate(
        "() => document.getElementById('graph').cy.nodes('[centre = 1]').map(n => n.data('label'))"
    )
    assert centre == ["苏州市人民政府"]


def test_the_language_switch_relabels_the_graph(page, live_server):
    open_explorer(page, live_server + "/explore?entity=管委会")
    page.click(".lang-switch a[data-lang=en]")
    page.wait_for_selector("#graph[data-ready='true']")
    assert "Suzhou Industrial Park Administrative Committee" in page.evaluate(NODES)
    assert page.locator("h1").inner_text() == "Relationship explorer"


def test_the_timeline_is_in_date_order(page, live_server, screenshot):
    page.goto(live_server + "/timeline")
    dates = page.locator("ol.timeline time").evaluate_all(
        "ts => ts.map(t => t.getAttribute('datetime'))"
    )
    assert len(dates) >= 10
    key = [explore.date_parts(d) for d in dates]  # years BCE (-0513) come first
    assert key == sorted(key)
    assert "1994年2月" in page.locator("ol.timeline time").all_inner_texts()
    screenshot(page, "timeline")


# The text boxes of one chart's SVG, in page coordinates, with their text.
CHART_TEXTS = """f => [...f.querySelectorAll('svg text')].map(t => {
  const b = t.getBoundingClientRect(); return [t.textContent, b.left, b.top, b.right, b.bottom]; })"""


def open_statistics(page, url):
    """The statistics page drawn; returns a list that fills with console errors and failed loads."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            (m.type == "error" and not m.text.startswith("Failed to load resource"))
            and problems.append(m.text)
        ),
    )
    page.on(  # the favicon is the browser's own guess, not something the page asked for
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and problems.append(f"{r.status} {r.url}")
        ),
    )
    page.goto(url)
    page.wait_for_selector("#charts[data-ready='true']")
    return problems


def show_tip(page, live_server, query: str, unit: str, readable: str) -> tuple[list[str], dict]:
    """Hover, by ECharts' own action, the bar of `unit` that reads `readable`; the chart's texts then, and the bar."""
    data = json.load(urllib.request.urlopen(live_server + "/statistics.json" + query))
    index, chart = next(
        (i, c) for i, c in enumerate(data["charts"]) if c["unit"]["id"].endswith("/" + unit)
    )
    bar = next(i for i, b in enumerate(chart["bars"]) if b["readable"] == readable)
    page.evaluate(
        "([i, bar]) => document.getElementById('charts').charts[i].dispatchAction("
        "{type: 'showTip', seriesIndex: 0, dataIndex: bar})",
        [index, bar],
    )
    page.wait_for_timeout(200)
    texts = page.locator("figure.chart").nth(index).locator("svg text")
    return texts.evaluate_all("ts => ts.map(t => t.textContent)"), chart["bars"][bar]


def test_statistics_charts_draw_one_bar_per_figure_with_echarts(page, live_server, screenshot):
    problems = open_statistics(page, live_server + "/statistics")
    expected = json.load(urllib.request.urlopen(live_server + "/statistics.json"))
    charts = page.locator("figure.chart")
    assert charts.count() == len(expected["charts"])
    captions = page.locator("figure.chart figcaption").all_inner_texts()
    assert {"元(人民币)", "百分比"} <= set(captions)
    for i, (chart, data) in enumerate(zip(charts.all(), expected["charts"], strict=True)):
        assert chart.locator("svg").count() == 1  # drawn by ECharts' SVG renderer
        labels, values = page.evaluate(
            "i => { const o = document.getElementById('charts').charts[i].getOption();"
            " return [o.yAxis[0].data, o.series[0].data]; }",
            i,
        )
        assert values == [bar["value"] for bar in data["bars"]]  # one bar per figure
        assert len(labels) == len(set(labels)), labels  # no two bars read the same
        assert not any(label.endswith("…") for label in labels)  # none is cut
        texts = page.evaluate(CHART_TEXTS, chart.element_handle())
        drawn = "".join(text for text, *_ in texts).replace(" ", "")
        assert all(label.replace(" ", "") in drawn for label in labels)  # whole, if wrapped
        for (a, *p), (b, *q) in itertools.combinations(texts, 2):
            assert not (p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3]), (a, b)
    values = page.locator("figure.chart svg text").evaluate_all("ts => ts.map(t => t.textContent)")
    assert "1910亿元" in values and not any("e+" in v for v in values)
    tip, bar = show_tip(page, live_server, "", "cny", "1910亿元")
    assert tip[-2:] == [
        "1910亿元",
        bar["stated"],
    ]  # the readable figure, then as the source wrote it
    assert problems == []
    screenshot(page, "statistics")


def test_statistics_charts_speak_english(page, live_server):
    problems = open_statistics(page, live_server + "/statistics?lang=en")
    values = page.locator("figure.chart svg text").evaluate_all("ts => ts.map(t => t.textContent)")
    assert "RMB 191.0 bn" in values and "288 km²" in values
    tip, _ = show_tip(page, live_server, "?lang=en", "cny", "RMB 191.0 bn")
    assert tip[-2:] == ["RMB 191.0 bn", "1910亿元"]
    assert problems == []
