"""The sipkg command, through click's runner (no subprocess needed)."""

import json

import pytest
from click.testing import CliRunner

from sipkg.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_query_prints_a_table(paths):
    r = run(
        "query",
        "SELECT ?l WHERE { <https://data.sipac.gov.cn/id/place/singapore> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l",
        "--home",
        str(paths.home),
    )
    assert r.exit_code == 0
    assert "Singapore" in r.output and "新加坡" in r.output and "(2 rows)" in r.output


def test_query_reads_a_file_and_prints_csv(paths, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    r = run("query", "--file", str(f), "--format", "csv", "--home", str(paths.home))
    assert r.output.splitlines() == ["result", "true"]


def test_query_syntax_error_is_a_clear_message(paths):
    r = CliRunner().invoke(main, ["query", "SELEC nothing", "--home", str(paths.home)])
    assert r.exit_code == 1 and "SPARQL syntax error" in r.output


def test_stats_lists_graphs_and_classes(paths):
    r = run("stats", "--home", str(paths.home))
    assert r.exit_code == 0
    assert "graph/source/f193373a2751c50a" in r.output and "def/sip#Designation" in r.output


def test_no_store_is_a_clear_message(tmp_path):
    r = CliRunner().invoke(main, ["stats", "--home", str(tmp_path)])
    assert r.exit_code == 1 and "run `sipkg build` first" in r.output


def test_serve_help_explains_the_safe_default():
    help_text = " ".join(run("serve", "--help").output.split())
    assert "[default: 127.0.0.1]" in help_text and "answers only this machine" in help_text


@pytest.mark.integration
def test_query_asks_any_endpoint_through_sparqlwrapper(live_server, paths):
    query = (
        "SELECT ?l WHERE { <https://data.sipac.gov.cn/id/org/sip-administrative-committee> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l"
    )
    remote = run("query", query, "--format", "csv", "--endpoint", live_server + "/sparql")
    local = run("query", query, "--format", "csv", "--home", str(paths.home))
    assert remote.exit_code == 0 and remote.output == local.output
    assert "苏州工业园区管理委员会" in remote.output


@pytest.mark.integration
def test_query_from_stdin_to_an_endpoint_prints_json(live_server):
    r = CliRunner().invoke(
        main,
        ["query", "--format", "json", "--endpoint", live_server + "/sparql"],
        input="ASK { ?s ?p ?o }",
    )
    assert r.exit_code == 0 and json.loads(r.output)["boolean"] is True


def test_query_endpoint_syntax_error_and_unreachable_are_clear(live_server):
    bad = CliRunner().invoke(
        main, ["query", "SELEC nothing", "--endpoint", live_server + "/sparql"]
    )
    assert bad.exit_code != 0 and "syntax error" in bad.output.lower()
    gone = CliRunner().invoke(main, ["query", "ASK {}", "--endpoint", "http://127.0.0.1:9/sparql"])
    assert gone.exit_code != 0 and "did not answer" in gone.output
