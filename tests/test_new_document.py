"""A document the pipeline has never seen goes through the same build: new names get keys
that are then frozen, and its facts, dates and figures carry evidence like the rest."""

from __future__ import annotations

import shutil

import pytest
from graphs import selector

from sipkg.build.extract.model import Ref
from sipkg.build.stages import Paths, build, load_minted

KEY = "abcdef0123456789"
TEXT = """湖东社工委2019年工作简报

2019年,湖东社工委联合金鸡湖街道新建青剑湖邻里中心,建筑面积约2.3万平方米。
借鉴新加坡“邻里守望”经验,湖东社工委组建了金鸡湖志愿者协会,现有志愿者1200余名。
2019年12月,湖东社工委被评为“江苏省和谐社区建设示范区”。
分享到:
"""
META = f"""- file: 002_{KEY}.txt
  title: 湖东社工委2019年工作简报
  published: 2020-01-15
  language: zh
"""


@pytest.fixture(scope="module")
def grown(paths, tmp_path_factory):
    root = tmp_path_factory.mktemp("grown")
    data = root / "data"
    shutil.copytree(paths.data, data)
    (data / "sources" / f"002_{KEY}.txt").write_text(TEXT, encoding="utf-8")
    with (data / "sources" / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(META)
    grown_paths = Paths(data=data, home=root / "home")
    report = build(grown_paths)
    select = selector(grown_paths.store)
    return grown_paths, report, select


def test_new_names_get_keys_that_are_frozen(grown):
    paths, report, _ = grown
    minted = load_minted(paths.minted)
    assert minted["湖东社工委"] == Ref("org", "hu-dong-she-gong-wei")
    assert minted["青剑湖邻里中心"] == Ref("site", "qing-jian-hu-lin-li-zhong-xin")
    assert {
        "湖东社工委",
        "青剑湖邻里中心",
        "金鸡湖志愿者协会",
    } <= set(  # 金鸡湖街道 is in the registry now
        report.new_entities
    )
    assert build(paths).new_entities == []  # a second build finds them registered


def test_new_institutions_are_typed_and_named(grown):
    _, _, select = grown
    [row] = select("""SELECT ?label WHERE { <https://data.sipac.gov.cn/id/org/hu-dong-she-gong-wei>
        a sip:CommunityWorkCommittee ; rdfs:label ?label FILTER(langMatches(lang(?label), "zh-Hans")) }""")
    assert row["label"] == "湖东社工委"


def test_relations_and_dates_come_with_evidence_from_the_new_document(grown):
    _, _, select = grown
    rows = select(f"""SELECT ?date ?exact WHERE {{
        GRAPH <https://data.sipac.gov.cn/graph/source/{KEY}> {{
          ?d sip:recipient <https://data.sipac.gov.cn/id/org/hu-dong-she-gong-wei> ; dct:date ?date .
          ?st rdf:subject ?d ; rdf:predicate sip:recipient ;
              prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?exact }} }}""")
    assert [r["date"] for r in rows] == ["2019-12"]
    assert "被评为" in rows[0]["exact"]
    assert select("""ASK { <https://data.sipac.gov.cn/id/org/jin-ji-hu-zhi-yuan-zhe-xie-hui> sip:modelledOn
        <https://data.sipac.gov.cn/def/singapore-practice/neighbourhood-watch> }""") == [
        {"result": "true"}
    ]


def test_figures_of_the_new_document_are_observations(grown):
    _, _, select = grown
    rows = select(f"""SELECT ?indicator ?value ?period WHERE {{ GRAPH <https://data.sipac.gov.cn/graph/source/{KEY}> {{
        ?o a qb:Observation ; sip:indicator ?indicator ; sip:value ?value ; sip:refPeriod ?period }} }}""")
    found = {(r["indicator"].rsplit("/", 1)[-1], float(r["value"]), r["period"]) for r in rows}
    assert ("floor-area", 23000.0, "2019") in found
    assert ("volunteer-count", 1200.0, "2020") in found  # 现有: now, when the brief was published


def test_the_page_furniture_of_the_new_document_is_not_read(grown):
    _, _, select = grown
    rows = select(f"""SELECT ?text WHERE {{ ?s sip:sentenceOf <https://data.sipac.gov.cn/id/doc/{KEY}> ;
        sip:isFurniture true ; rdf:value ?text }}""")
    assert [r["text"] for r in rows] == ["分享到:"]


def test_a_failed_build_freezes_no_keys(paths, tmp_path):
    from sipkg.build.stages import BuildError

    data = tmp_path / "data"
    shutil.copytree(paths.data, data)
    frozen = (data / "minted.yaml").read_bytes() if (data / "minted.yaml").exists() else None
    (data / "sources" / f"002_{KEY}.txt").write_text(TEXT, encoding="utf-8")
    with (data / "sources" / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(META)
    (data / "curation" / "break.yaml").write_text(
        f"- id: break\n  doc: {KEY}\n  quote: 湖东社工委联合金鸡湖街道\n  subject: place/suzhou\n"
        "  predicate: rdf:type\n  object: {class: Bureau}\n  reason: test\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError, match="INCONSISTENT"):
        build(Paths(data=data, home=tmp_path / "home"))
    after = (data / "minted.yaml").read_bytes() if (data / "minted.yaml").exists() else None
    assert after == frozen  # the names the failed build found are not frozen
