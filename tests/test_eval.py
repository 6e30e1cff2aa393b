"""`sipkg eval`: the scoring on tiny hand-made pairs, the gold's checks, and the issue's accuracy goals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from texts import text_document

from sipkg.build.evaluate import (
    GOLD,
    Annotations,
    GoldError,
    Properties,
    compare,
    dated_events,
    evaluate,
    read_splits,
    score,
)
from sipkg.build.extract.model import Evidence, Fact, Ref, Value
from sipkg.build.extract.pipeline import Extractor
from sipkg.build.extract.registry import parse_registry
from sipkg.cli import main
from sipkg.paths import PROJECT, Paths


@pytest.mark.parametrize(
    "gold, predicted, expected",
    [
        # (tp, fp, fn, precision, recall, f1)
        ({1, 2, 3, 4}, {1, 2, 3, 4}, (4, 0, 0, 1.0, 1.0, 1.0)),
        ({1, 2, 3, 4}, {1, 2, 5}, (2, 1, 2, 2 / 3, 0.5, 4 / 7)),
        ({1, 2}, {3}, (0, 1, 2, 0.0, 0.0, 0.0)),
        ({1, 2}, set(), (0, 0, 2, 0.0, 0.0, 0.0)),
        (set(), {1}, (0, 1, 0, 0.0, 0.0, 0.0)),
    ],
)
def test_scores_count_matches_misses_and_false_positives(gold, predicted, expected):
    s = score(gold, predicted)
    assert (s.tp, s.fp, s.fn) == expected[:3]
    assert (s.precision, s.recall, s.f1) == pytest.approx(expected[3:])


def test_compare_lists_what_was_missed_and_what_was_invented():
    gold, found = Annotations(), Annotations()
    for key, label in [
        (("d", 1, "org/a"), "#1 a"),
        (("d", 1, "place/b"), "#1 b"),
        (("d", 2, "org/a"), "#2 a"),
    ]:
        gold.add("entities", key, label)
    found.add("entities", ("d", 1, "org/a"), "#1 a")
    found.add("entities", ("d", 2, "place/b"), "#2 b")
    found.add("dates", ("d", 2, "2013", "gYear", None), "#2 2013")
    results = compare(gold, found)
    assert (
        results["entities"].score.tp,
        results["entities"].score.fp,
        results["entities"].score.fn,
    ) == (1, 1, 2)
    assert results["entities"].missed == ["#1 b", "#2 a"]
    assert results["entities"].false_positives == ["#2 b"]
    assert results["dates"].score.precision == 0.0 and results["dates"].false_positives == [
        "#2 2013"
    ]
    assert results["relations"].score.f1 == 0.0


@pytest.fixture(scope="module")
def props() -> Properties:
    return Properties.from_ontology()


@pytest.mark.parametrize(
    "written, normal",
    [
        (("programme/x", "hasPart", "programme/y"), ("programme/y", "partOf", "programme/x")),
        (("programme/y", "partOf", "programme/x"), ("programme/y", "partOf", "programme/x")),
        (("org/b", "cooperatesWith", "org/a"), ("org/a", "cooperatesWith", "org/b")),
        (("event/f", "org:resultingOrganization", "org/a"), ("event/f", "establishes", "org/a")),
        (("org/a", "underLeadershipOf", "org/b"), ("org/a", "underLeadershipOf", "org/b")),
    ],
)
def test_a_relation_written_either_way_is_one_relation(props, written, normal):
    assert props.normal(*written) == normal
    assert props.normal(*normal) == normal


TEXT = """园区新闻
苏州工业园区管理委员会是苏州市人民政府的派出机构。2013年,园区建成邻里中心12个,社区工作站作为社工委的服务窗口。湖东邻里中心由湖东街道管理。
"""

GOLD_TEXT = """document: eval-test
sentences:
  1:
    opens: 园区新闻
    entities:
      - 园区: place/suzhou-industrial-park
  2:
    opens: 苏州工业园区管理委员会是
    entities:
      - 苏州工业园区管理委员会: org/sip-administrative-committee
      - 苏州市人民政府: org/suzhou-municipal-government
    relations:
      - [org/sip-administrative-committee, dispatchedAgencyOf, org/suzhou-municipal-government]
      - [org/sip-administrative-committee, jurisdiction, place/suzhou-industrial-park]
  3:
    opens: 2013年,园区建成
    entities:
      - 园区: place/suzhou-industrial-park
      - 邻里中心: site/neighbourhood-centres
      - 社区工作站: org/community-workstations
      - 社工委: org/community-work-committees
    relations:
      - [org/community-work-committees, hasServiceWindow, org/community-workstations]
    quantities:
      - {text: 12个, value: 12, unit: item, indicator: facility-count}
    dates:
      - {text: 2013年, value: "2013", precision: gYear}
  4:
    opens: 湖东邻里中心
    entities:
      - 湖东邻里中心: {name: 湖东邻里中心, type: site, class: NeighbourhoodCentre}
      - 湖东街道: {name: 湖东街道, type: place, class: Subdistrict}
"""


@pytest.fixture()
def small(tmp_path) -> tuple[Paths, Path]:
    """A data folder with one short document written for this test, and its gold."""
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "curation").mkdir()
    shutil.copy(PROJECT / "data" / "registry.yaml", data / "registry.yaml")
    (data / "sources" / "eval-test.txt").write_text(TEXT, encoding="utf-8")
    (data / "sources" / "sources.yaml").write_text(
        "- {file: eval-test.txt, title: 园区新闻, published: 2014-05-01, language: zh}\n",
        encoding="utf-8",
    )
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "eval-test.yaml").write_text(GOLD_TEXT, encoding="utf-8")
    return Paths(data=data, home=tmp_path / "home"), gold


def test_an_event_two_documents_tell_of_counts_in_each():
    """One founding (one event entity) told by a Chinese and an English page is an event of both."""
    founding = Ref("event", "kestrel-association-founding")

    def said(doc: str, predicate: str, value: Value) -> Fact:
        return Fact(founding, predicate, value, Evidence(doc, 0, 4, "rule:event-founding", 0.8))

    facts = [
        said("zh-page", "rdf:type", Value("Founding", "class")),
        said("zh-page", "dct:date", Value("1960-07-01", "date")),
        said("en-page", "rdf:type", Value("Founding", "class")),
        said("en-page", "dct:date", Value("1960", "gYear")),
    ]
    assert dated_events(facts, {}) == {
        (founding, "zh-page"): ("Founding", ["1960-07-01"]),
        (founding, "en-page"): ("Founding", ["1960"]),
    }


def test_a_short_document_scores_exactly(small):
    paths, gold = small
    result = evaluate(paths, gold).results["rules"]
    figures = {kind: (r.score.tp, r.score.fp, r.score.fn) for kind, r in result.items()}
    assert figures == {
        "entities": (9, 0, 0),
        "relations": (2, 0, 1),
        "quantities": (1, 0, 0),
        "dates": (1, 0, 0),
        "events": (0, 0, 0),
        "event roles": (0, 0, 0),
    }  # a gold without events scores none
    assert result["relations"].missed == [
        "eval-test org/sip-administrative-committee jurisdiction place/suzhou-industrial-park (sentence 2)"
    ]


@pytest.mark.parametrize(
    "edit, message",
    [
        (("苏州市人民政府: org", "苏州市政府: org"), "'苏州市政府' does not occur in the sentence"),
        (("opens: 2013年,园区建成", "opens: 2014年"), "'opens' must be how the sentence begins"),
        (("  3:\n", "  5:\n"), "sentence 5: not a sentence of eval-test"),
        (
            ("org/community-workstations]", "org/community-workstation]"),
            "neither a registry entity",
        ),
        (("hasServiceWindow", "hasWindow"), "'hasWindow' is not a property of our ontology"),
        (("precision: gYear", "precision: year"), "precision 'year' must be one of"),
        (("document: eval-test", "document: nothing"), "unknown document 'nothing'"),
    ],
)
def test_a_wrong_gold_file_is_refused_with_file_and_line(small, edit, message):
    paths, gold = small
    (gold / "eval-test.yaml").write_text(GOLD_TEXT.replace(*edit), encoding="utf-8")
    with pytest.raises(GoldError, match="eval-test.yaml:[0-9]+: ") as e:
        evaluate(paths, gold)
    assert message in str(e.value)


def test_eval_command_prints_both_variants_and_details(small):
    paths, gold = small
    out = CliRunner().invoke(
        main, ["eval", "--data", str(paths.data), "--gold", str(gold), "--details"]
    )
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[1] == "rules" and "rules + curation" in lines
    assert any(
        line.split()[:1] == ["relations"] and line.split()[-3:] == ["2", "0", "1"] for line in lines
    )
    assert "rules · relations · missed (1)" in out.output


def test_eval_command_reports_a_bad_gold_folder(tmp_path):
    out = CliRunner().invoke(main, ["eval", "--gold", str(tmp_path)])
    assert out.exit_code == 1
    assert "no gold annotation files" in out.output


@pytest.fixture(scope="module")
def real():
    return evaluate(Paths(), GOLD)


def test_the_gold_covers_every_document(real):
    assert len(real.documents) == 18 and {"b8b52a2e8e474372", "f193373a2751c50a"} <= set(
        real.documents
    )


def test_the_splits_partition_the_gold_by_file_name():
    splits = read_splits(GOLD)
    assert (len(splits["seeds"]), len(splits["dev"]), len(splits["test"])) == (2, 8, 8)
    assert splits["seeds"] | splits["dev"] | splits["test"] == splits["all"]
    assert not (splits["dev"] & splits["test"]) and not (
        splits["seeds"] & (splits["dev"] | splits["test"])
    )


@pytest.fixture(scope="module")
def by_split():
    return {
        split: evaluate(Paths(), GOLD, split).results["rules"] for split in ("seeds", "dev", "test")
    }


def test_the_seed_figures_do_not_fall(by_split):
    """The seeds scored entities 0.992 / 0.964, relations 0.987 / 0.851, quantities 1.0 / 0.94, dates 1.0 / 1.0
    (precision / recall, rules alone) before the corpus came; new rules must not lower them."""
    seeds = by_split["seeds"]
    floors = {
        "entities": (0.99, 0.96),
        "relations": (0.98, 0.85),
        "quantities": (1.0, 0.94),
        "dates": (1.0, 1.0),
    }
    for kind, (precision, recall) in floors.items():
        assert seeds[kind].score.precision >= precision and seeds[kind].score.recall >= recall, kind


def test_the_test_half_holds_what_was_measured(by_split):
    """The test half is never tuned to; these floors are what the rules reached when it was last measured
    (the issue's goals, entities R 0.85 / P 0.9 and relations R 0.6 / P 0.85, are not met: see CHANGES.md)."""
    test = by_split["test"]
    assert test["entities"].score.recall >= 0.58 and test["entities"].score.precision >= 0.65
    assert test["relations"].score.recall >= 0.1
    assert test["quantities"].score.recall >= 0.65 and test["quantities"].score.precision >= 0.95
    assert test["dates"].score.recall >= 0.85  # the goal for dates, met
    assert test["events"].score.recall >= 0.55


def test_the_development_half_holds_what_was_measured(by_split):
    """Entities 0.886 / 0.792, relations 0.929 / 0.711, dates 1.0 / 0.952 when last measured: a change
    that loses what the development half taught is seen here before it is seen on the test half."""
    dev = by_split["dev"]
    assert dev["entities"].score.recall >= 0.77 and dev["entities"].score.precision >= 0.86
    assert dev["relations"].score.recall >= 0.69 and dev["relations"].score.precision >= 0.9
    assert dev["quantities"].score.recall >= 0.98 and dev["dates"].score.recall >= 0.93


def test_curation_adds_relations_the_rules_miss(real):
    rules, curated = (
        real.results["rules"]["relations"].score,
        real.results["rules + curation"]["relations"].score,
    )
    assert curated.tp > rules.tp and curated.recall > rules.recall
    assert (
        real.results["rules + curation"]["entities"].score
        == real.results["rules"]["entities"].score
    )


def test_eval_command_json_has_figures_per_variant_and_kind():
    out = CliRunner().invoke(main, ["eval", "--json"])
    assert out.exit_code == 0, out.output
    figures = json.loads(out.output)
    assert set(figures["variants"]) == {"rules", "rules + curation"}
    entities = figures["variants"]["rules"]["entities"]
    assert set(entities) == {"precision", "recall", "f1", "tp", "fp", "fn"}
    assert entities["tp"] + entities["fn"] > 200  # the gold's entity mentions in the two documents


def test_a_body_founded_as_composed_of_members_is_a_founding():
    """Rule tuned on a miss the measurement showed (建立了由劳、资、政三方组成的…): the construction, not the sentence."""
    text = "2015年,园区成立了由政府、企业和居民代表组成的社区建设指导委员会。\n"
    doc = text_document(text, published="2016-01-01")
    registry = parse_registry(
        yaml.safe_load((PROJECT / "data" / "registry.yaml").read_text(encoding="utf-8"))
    )
    facts = {(f.subject, f.predicate, f.object) for f in Extractor(registry).run([doc]).facts}
    event = Ref("event", "community-building-guidance-committee-founding")
    assert (event, "establishes", Ref("org", "community-building-guidance-committee")) in facts
    assert (event, "dct:date", Value("2015", "gYear")) in facts
