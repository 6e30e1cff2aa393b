"""The SPARQL editor at /sparql: its example gallery (test client) and YASGUI in real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.parse
from html.parser import HTMLParser

import pytest
from livesite import serve
from playwright.sync_api import expect

from sipkg.paths import PROJECT
from sipkg.web.endpoint.editor import read_example

QUERY_FILES = sorted((PROJECT / "queries").glob("*.rq"))
HTML = {"Accept": "text/html"}
CAP = 5


def header_line(path, marker: str) -> str:
    line = next(
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(marker)
    )
    return line.split(":", 1)[1].strip()


def test_examples_json_lists_every_query_with_both_questions(client):
    r = client.get("/sparql/examples.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    examples = {e["file"]: e for e in r.get_json()["examples"]}
    assert sorted(examples) == [p.name for p in QUERY_FILES]
    for path in QUERY_FILES:
        example = examples[path.name]
        assert example["question"]["zh"] == header_line(path, "# 问题:")
        assert example["question"]["en"] == header_line(path, "# Question:")
        assert example["query"] == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "header, zh, en",
    [
        ("# 问题:谁?\n# Question: Who?\nSELECT * {}", "谁?", "Who?"),
        ("# 问题：全角冒号\n# Question:no space\nASK {}", "全角冒号", "no space"),
        ("# Question: only English\nASK {}", "", "only English"),
        ("ASK {}\n# 问题:not a header\n", "", ""),
    ],
)
def test_example_questions_come_from_the_header_lines(tmp_path, header, zh, en):
    path = tmp_path / "q.rq"
    path.write_text(header, encoding="utf-8")
    example = read_example(path)
    assert (example.question_zh, example.question_en) == (zh, en)


class Tags(HTMLParser):
    """Every start tag with its attributes, to check what the page would ask a CSP to allow."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_the_editor_page_has_no_inline_script_or_style(client):
    r = client.get("/sparql", headers=HTML)
    assert r.status_code == 200 and r.mimetype == "text/html"
    parser = Tags()
    parser.feed(r.get_data(as_text=True))
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts and all(attrs.get("src", "").startswith("/static/") for attrs in scripts)
    assert not [tag for tag, attrs in parser.tags if tag == "style" or "style" in attrs]
    assert not [tag for tag, attrs in parser.tags if any(name.startswith("on") for name in attrs)]
    links = {attrs.get("href") for tag, attrs in parser.tags if tag == "link"}
    assert "/static/vendor/yasgui/yasgui.min.css" in links and "/sparql/examples.json" in links


def test_the_editor_escapes_a_prefilled_query(client):
    evil = "SELECT ('\"><script>alert(1)</script>' AS ?x) {}"
    page = client.get("/sparql", query_string={"query": evil}, headers=HTML).get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_vendored_libraries_carry_licence_and_version():
    vendor = PROJECT / "sipkg" / "web" / "static" / "vendor"
    for name, bundle in [
        ("yasgui", "yasgui.min.js"),
        ("yasgui", "yasgui.min.css"),
        ("cytoscape", "cytoscape.min.js"),
        ("cytoscape-fcose", "cytoscape-fcose.js"),
        ("cose-base", "cose-base.js"),
        ("layout-base", "layout-base.js"),
        ("echarts", "echarts.min.js"),
    ]:
        assert (vendor / name / bundle).stat().st_size > 10_000
        licence = (vendor / name / "LICENSE").read_text()
        assert any(
            words in licence for words in ("MIT", "Permission is hereby granted", "Apache License")
        )
        assert re.search(r"\d+\.\d+\.\d+", (vendor / name / "VERSION").read_text())


LINT = PROJECT / "sipkg" / "web" / "static" / "sparql-lint.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the editor's script")
@pytest.mark.parametrize(
    "query, expected",
    [
        ('SELECT * { ?s rdfs:label ?l FILTER(lang(?l) = "zh-Hans") }', [["?l", "zh-Hans"]]),
        ("FILTER('en-GB' != LANG(?x))", [["?x", "en-GB"]]),
        ('FILTER(lang(?l) IN ("en", "zh-Hans"))', [["?l", "zh-Hans"]]),
        ('FILTER(lang(?l) = "zh-hans")', []),
        ('FILTER(langMatches(lang(?l), "zh-Hans"))', []),
        ('# FILTER(lang(?l) = "zh-Hans")\nSELECT * {}', []),
    ],
)
def test_the_editor_warns_on_lang_compared_with_a_mixed_case_tag(query, expected):
    script = (
        f"const l = require({json.dumps(str(LINT))});"
        "process.stdout.write(JSON.stringify(l.langCase(process.argv[1]).map(w => [w.variable, w.tag])))"
    )
    out = subprocess.run(["node", "-e", script, query], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == expected


# --- in the browser ---------------------------------------------------------------------------


def editor_text(page) -> str:
    return page.evaluate(
        "() => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"
    )


def set_query(page, query: str) -> None:
    """Replace the active editor's text and put the cursor at its end, focused, as if typed."""
    page.evaluate(
        "q => { const cm = document.querySelector('.tabPanel.active .CodeMirror').CodeMirror;"
        " cm.setValue(q); cm.focus(); cm.setCursor(cm.lineCount(), 0); }",
        query,
    )


def open_editor(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".tabPanel.active .CodeMirror")


@pytest.mark.integration
def test_the_editor_loads_with_our_prefixes_and_no_outside_request(page, live_server):
    open_editor(page, live_server + "/sparql")
    assert "PREFIX sip: <https://data.sipac.gov.cn/def/sip#>" in editor_text(page)
    set_query(page, "SELECT * WHERE { ?s a ")
    page.keyboard.type(
        "skos:Con"
    )  # a class position: the completers that ask outside services stay off
    page.keyboard.press("Control+Space")
    page.wait_for_timeout(500)
    set_query(page, "SELECT * WHERE { ?s a ")
    page.keyboard.type("sip:")  # a prefix we know: the page adds its PREFIX line by itself
    page.wait_for_function(
        "() => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"
        ".includes('PREFIX sip: <https://data.sipac.gov.cn/def/sip#>')"
    )


@pytest.mark.integration
def test_the_gallery_shows_each_question_in_chinese_and_english(page, live_server):
    open_editor(page, live_server + "/sparql")
    items = page.locator("a.example")
    assert items.count() == len(QUERY_FILES)
    first = items.first
    assert first.locator(".question-zh").inner_text() == header_line(QUERY_FILES[0], "# 问题:")
    assert first.locator(".question-en").inner_text() == header_line(QUERY_FILES[0], "# Question:")
    assert page.get_by_role("heading", name="示例查询 · Example queries").is_visible()


@pytest.mark.integration
def test_an_example_opens_in_the_editor_and_runs_into_a_table_and_raw_view(
    page, live_server, screenshot
):
    open_editor(page, live_server + "/sparql")
    path = QUERY_FILES[0]
    page.locator(f"a.example[data-file='{path.name}']").click()
    page.wait_for_function(
        "t => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue() === t",
        arg=path.read_text(encoding="utf-8"),
    )
    assert page.locator(".tabsList .tab.active").inner_text().strip().startswith(path.stem)
    page.click(".tabPanel.active .yasqe_queryButton")
    rows = page.locator(".tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for()
    assert rows.count() > 3
    assert "苏州工业园区" in page.locator(".tabPanel.active .yasr table.dataTable").inner_text()
    assert page.locator(".tabPanel.active .truncation-warning:visible").count() == 0
    screenshot(page, "sparql-editor")
    page.click(".tabPanel.active .yasr .select_response")
    raw = page.locator(".tabPanel.active .yasr .CodeMirror")
    raw.wait_for()
    assert '"bindings"' in raw.inner_text()


@pytest.mark.integration
def test_a_shared_link_reopens_the_query(page, live_server):
    open_editor(page, live_server + "/sparql")
    query = "SELECT ?label WHERE { <https://data.sipac.gov.cn/id/org/sip-administrative-committee> rdfs:label ?label }"
    set_query(page, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + query)
    page.click(".tabPanel.active .yasqe_share")
    link = page.locator(".yasqe_sharePopup input").input_value()
    assert link.startswith(live_server + "/sparql")
    page.evaluate(
        "() => localStorage.clear()"
    )  # the next visit knows the query from the link alone
    page.goto("about:blank")
    open_editor(page, link)
    assert query in editor_text(page)
    expect(page.locator(".tabPanel.active .yasr")).to_contain_text("苏州工业园区管理委员会")


@pytest.fixture(scope="module")
def capped_server(paths):
    """A second server whose answers are cut at CAP rows."""
    with serve(paths, "--result-limit", str(CAP)) as base:
        yield base


@pytest.mark.integration
def test_truncated_results_show_a_warning(page, capped_server):
    many = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 50"
    open_editor(page, capped_server + "/sparql#query=" + urllib.parse.quote(many))
    warning = page.locator(".tabPanel.active .truncation-warning")
    warning.wait_for(state="visible")
    assert "结果已截断" in warning.inner_text() and "Results truncated" in warning.inner_text()
    assert f" {CAP} " in warning.inner_text()
    assert page.locator(".tabPanel.active .yasr table.dataTable tbody tr").count() == CAP
    # a query under the cap clears it
    set_query(page, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2")
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_function(
        "() => document.querySelectorAll('.tabPanel.active .yasr table.dataTable tbody tr')"
        ".length === 2"
    )
    assert warning.is_hidden()


@pytest.mark.integration
def test_a_truncated_flag_in_the_json_body_alone_shows_the_warning(page, live_server):
    """Servers that cannot set headers (a proxy strips them) still flag truncation in SPARQL JSON."""
    body = {
        "head": {"vars": ["s"]},
        "truncated": True,
        "results": {
            "bindings": [
                {"s": {"type": "uri", "value": f"https://example.org/{i}"}} for i in range(3)
            ]
        },
    }

    def answer(route):
        if route.request.method == "POST":
            route.fulfill(
                status=200, content_type="application/sparql-results+json", body=json.dumps(body)
            )
        else:
            route.fallback()

    page.route(re.compile(r".*/sparql/?$"), answer)
    open_editor(page, live_server + "/sparql")
    page.click(".tabPanel.active .yasqe_queryButton")
    warning = page.locator(".tabPanel.active .truncation-warning")
    warning.wait_for(state="visible")
    assert " 3 " in warning.inner_text()


@pytest.mark.integration
def test_a_gallery_link_opened_on_its_own_shows_and_runs_its_query(page, live_server):
    """Opening an example's link in a new window (or without the gallery's script) still lands in the editor."""
    path = QUERY_FILES[2]
    open_editor(page, live_server + "/sparql")
    href = page.locator(f"a.example[data-file='{path.name}']").get_attribute("href")
    page.evaluate("() => localStorage.clear()")
    page.goto("about:blank")
    open_editor(page, live_server + href)
    assert editor_text(page) == path.read_text(encoding="utf-8")
    assert page.locator(".tabsList .tab").count() == 1
    page.locator(".tabPanel.active .yasr table.dataTable tbody tr").first.wait_for()


@pytest.mark.integration
def test_a_mixed_case_lang_comparison_shows_a_warning_while_typing(page, live_server):
    open_editor(page, live_server + "/sparql")
    set_query(page, 'SELECT * WHERE { ?s rdfs:label ?l FILTER(lang(?l) = "zh-Hans") }')
    warning = page.locator(".tabPanel.active .lint-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text('langMatches(lang(?l), "zh-Hans")')
    set_query(page, 'SELECT * WHERE { ?s rdfs:label ?l FILTER(langMatches(lang(?l), "zh-Hans")) }')
    expect(warning).to_be_hidden()
