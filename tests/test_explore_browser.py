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


def test_statistics_charts_draw_one_bar_per_figure(page, live_server, screenshot):
    page.goto(live_server + "/statistics")
    page.wait_for_selector("#charts[data-ready='true']")
    expected = json.load(urllib.request.urlopen(live_server + "/statistics.json"))
    assert page.locator("figure.chart").count() == len(expected["charts"])
    assert page.locator("figure.chart rect.fill").count() == sum(
        len(c["bars"]) for c in expected["charts"]
    )
    captions = page.locator("figure.chart figcaption").all_inner_texts()
    assert {"元(人民币)", "百分比"} <= set(captions)
    for chart in page.locator("figure.chart").all():
        labels = chart.locator("text.label").evaluate_all("ts => ts.map(t => t.textContent)")
        assert len(labels) == len(set(labels)), labels  # no two bars read the same
        assert not any(label.endswith("…") for label in labels)  # none is cut
        boxes = chart.locator("text.label").evaluate_all(
            "ts => ts.map(t => { const b = t.getBBox(); return [b.y, b.y + b.height]; })"
        )
        for (_, bottom), (next_top, _) in itertools.pairwise(boxes):
            assert bottom <= next_top + 0.5  # labels do not overlap
    values = page.locator("figure.chart text.value").evaluate_all(
        "ts => ts.map(t => t.textContent)"
    )
    assert "1910亿元" in values and not any("e+" in v for v in values)
    screenshot(page, "statistics")
