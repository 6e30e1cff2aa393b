"""Response headers: a strict Content-Security-Policy that the real pages keep in a real browser, and the rest."""

from __future__ import annotations

import pytest

from sipkg.paths import PROJECT
from sipkg.web import security

VENDOR = PROJECT / "sipkg" / "web" / "static" / "vendor"
HTML_PAGES = [
    "/",
    "/kind/org",
    "/doc/org/sip-administrative-committee",
    "/doc/doc/f193373a2751c50a",
    "/search?q=园区",
    "/explore",
    "/timeline",
    "/statistics",
    "/practices",
    "/review",
    "/sparql",
]
# Every violation the page reports, in the order it happened (collected before any page script runs).
WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


def directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (d.split() for d in policy.split(";") if d.strip())}


@pytest.mark.parametrize("path", HTML_PAGES)
def test_html_pages_carry_a_policy_without_inline_script(client, path):
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    policy = directives(r.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"] and all(
        "'unsafe-eval'" not in v for v in policy.values()
    )
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["default-src"] == ["'self'"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in r.headers["Permissions-Policy"]


@pytest.mark.parametrize(
    "path, headers",
    [
        ("/sparql?query=ASK%7B%7D", {"Accept": "application/sparql-results+json"}),
        ("/doc/org/sip-administrative-committee.ttl", {}),
        ("/index.json", {}),
        ("/static/site.css", {}),
        ("/no/such/page", {}),
    ],
)
def test_every_response_says_nosniff_and_keeps_the_referrer_home(client, path, headers):
    r = client.get(path, headers=headers)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_endpoint_stays_open_to_other_origins(client):
    r = client.get(
        "/sparql",
        query_string={"query": "ASK {}"},
        headers={
            "Accept": "application/sparql-results+json",
            "Origin": "https://elsewhere.example",
        },
    )
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Security-Policy" not in r.headers  # data, not a page: nothing to restrict
    preflight = client.options(
        "/sparql",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_the_hashed_inline_styles_are_still_what_the_vendored_libraries_write():
    """A re-vendored library that changed its <style> text would silently lose its styles: fail here instead."""
    cytoscape, grip = security.VENDOR_STYLES
    cytoscape_js = (VENDOR / "cytoscape" / "cytoscape.min.js").read_text(encoding="utf-8")
    assert (
        '"__________cytoscape_container"' in cytoscape_js
        and '" { position: relative; }"' in cytoscape_js
    )
    assert (
        cytoscape == ".__________cytoscape_container { position: relative; }"
    )  # how cytoscape joins them
    assert f"createStyle(a,`{grip}`)" in (VENDOR / "yasgui" / "yasgui.min.js").read_text(
        encoding="utf-8"
    )
    for text in security.VENDOR_STYLES:
        assert security.style_hash(text) in security.CONTENT_SECURITY_POLICY


def test_no_page_has_inline_script(client):
    for path in HTML_PAGES:
        body = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "<script>" not in body and "javascript:" not in body.lower()


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


@pytest.mark.integration
def test_no_page_breaks_the_policy_in_a_real_browser(page, live_server):
    page.add_init_script(WATCH_CSP)
    for path in HTML_PAGES:
        page.goto(live_server + path, wait_until="networkidle")
        assert violations(page) == [], path


@pytest.mark.integration
def test_the_editor_runs_a_query_under_the_policy(page, live_server):
    page.add_init_script(WATCH_CSP)
    page.goto(live_server + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".tabPanel.active .CodeMirror")
    page.click(".tabPanel.active .yasqe_queryButton")
    page.locator(
        ".tabPanel.active .yasr table.dataTable tbody tr"
    ).first.wait_for()  # the resizer's <style> is in
    page.click(".tabPanel.active .yasr .select_response")
    page.locator(".tabPanel.active .yasr .CodeMirror").wait_for()
    assert violations(page) == []


@pytest.mark.integration
def test_the_explorer_draws_under_the_policy(page, live_server):
    page.add_init_script(WATCH_CSP)
    page.goto(
        live_server + "/explore?entity=org/sip-administrative-committee", wait_until="networkidle"
    )
    page.wait_for_selector("#graph[data-ready='true']")
    assert page.evaluate("() => document.getElementById('graph').cy.nodes().length") > 1
    assert violations(page) == []


def test_a_page_with_its_own_policy_keeps_it(client):
    """The reconciliation preview card is meant to be framed by OpenRefine: no DENY added over its policy."""
    r = client.get("/reconcile/preview", query_string={"id": "org/sip-administrative-committee"})
    assert r.status_code == 200
    assert "frame-ancestors *" in r.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in r.headers
    assert r.headers["X-Content-Type-Options"] == "nosniff"
