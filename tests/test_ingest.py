"""Ingesting documents the pipeline has never seen (written for these tests, not the sources):
`sipkg ingest` / `remove` / `review` on a copy of data/, a build into a temporary home, and
what the graph then holds — new institutions with frozen keys, figures, dates, evidence,
conflicts — and bad input refused with data/ left byte for byte as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from graphs import selector

from sipkg.build.documents import read_sources, split_sentences
from sipkg.build.extract import english
from sipkg.build.extract.model import Ref
from sipkg.build.extract.recognise import equivalents
from sipkg.build.htmltext import html_to_text
from sipkg.build.ingest import IngestError, content_key, ingest, read_input, remove
from sipkg.build.stages import Paths, build, load_minted
from sipkg.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ZH = FIXTURES / "lakeside-notice.txt"
EN = FIXTURES / "park-profile-en.txt"
HTML = FIXTURES / "lou-feng-news.html"
ZH_ARGS = [
    "--title",
    "湖西社工委召开年中工作推进会",
    "--published",
    "2024-07-12",
    "--source",
    "https://example.org/news/lakeside",
    "--language",
    "zh",
]
EN_ARGS = [
    "--title",
    "Suzhou Industrial Park at a glance",
    "--published",
    "2014-05-02",
    "--source",
    "https://example.org/en/profile",
    "--language",
    "en",
]
HTML_ARGS = [
    "--title",
    "娄葑街道新建东沙湖邻里中心",
    "--published",
    "2023-09-20",
    "--source",
    "https://example.org/news/loufeng",
    "--language",
    "zh",
]
ID = "https://data.sipac.gov.cn/id/"


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def tree_hash(folder: Path) -> str:
    """One hash over every file's path and bytes: equal hashes, identical trees."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


@pytest.fixture()
def data(paths, tmp_path) -> Path:
    """A fresh copy of the test session's data/ for tests that change it."""
    target = tmp_path / "data"
    shutil.copytree(paths.data, target)
    return target


# ---------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<p>第一段。</p><p>第二段。</p>", "第一段。\n第二段。\n"),
        ("<div>甲<br>乙</div>", "甲\n乙\n"),
        ("<script>var x = '不要';</script><p>要</p><style>p{}</style>", "要\n"),
        (
            "<nav><a>首页</a></nav><article><h1>标题</h1><p>正文 &amp; 更多</p></article>",
            "标题\n正文 & 更多\n",
        ),
        ("<head><title>页面标题</title></head><body><p>  多余   空白  </p></body>", "多余 空白\n"),
        ("<script>only()</script>", ""),
    ],
)
def test_html_becomes_one_line_per_block_without_scripts_or_navigation(html, expected):
    assert html_to_text(html) == expected


@pytest.mark.parametrize(
    "name, forms",
    [
        ("湖西社工委", ["湖西社区工作委员会"]),
        ("湖西社区工作委员会", ["湖西社工委"]),
        ("某某管委会", ["某某管理委员会"]),
        ("社工委", []),
        ("星湖邻里中心", []),
    ],
)
def test_abbreviations_name_the_same_body(name, forms):
    assert equivalents(name) == forms


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It covers 278 km².", [("278 km²", 278_000_000, "square-metre")]),
        (
            "GDP reached RMB 191 billion, up 10%.",
            [("RMB 191 billion", 191_000_000_000, "cny"), ("10%", 10, "percent")],
        ),
        ("about 762,000 residents", [("about 762,000 residents", 762_000, "person")]),
        ("more than 3,000 volunteers", [("more than 3,000 volunteers", 3000, "person")]),
        ("US$19.6 billion of foreign investment", [("US$19.6 billion", 19_600_000_000, "usd")]),
        ("In 2013 there were 12 centres.", []),  # a year and a bare small number are not figures
    ],
)
def test_english_quantities_in_base_units(text, expected):
    assert [(q.text, q.value, q.unit) for q in english.find_quantities(text)] == expected


def test_english_dates_resolve_against_the_publication_date():
    import datetime as dt

    found = english.find_dates(
        "Yesterday, on July 11, 2024, and in June 2024; last year too.", dt.date(2024, 7, 12)
    )
    assert [(d.value, d.datatype) for d in found] == [
        ("2024-07-11", "date"),
        ("2024-07-11", "date"),
        ("2024-06", "gYearMonth"),
        ("2023", "gYear"),
    ]


def test_english_sentences_end_at_full_stops_but_not_abbreviations():
    text = "The park covers 278 km². Mr. Li said so! In 2013, GDP rose 10%."
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text), "en")] == [
        "The park covers 278 km².",
        "Mr. Li said so!",
        "In 2013, GDP rose 10%.",
    ]


# ---------------------------------------------------------------- bad input: refused, data/ unchanged


def _bad_files(tmp: Path) -> list[tuple[Path, str]]:
    empty = tmp / "empty.txt"
    empty.write_bytes(b"  \n\n")
    binary = tmp / "scan.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    gbk = tmp / "gbk.txt"
    gbk.write_bytes("苏州工业园区社会事业局召开会议。".encode("gbk"))
    no_text = tmp / "shell.html"
    no_text.write_text(
        "<html><head><script>load()</script></head><body><nav>首页</nav></body></html>",
        encoding="utf-8",
    )
    furniture = tmp / "furniture.txt"
    furniture.write_text("分享到:\n版权所有 © 2024\n", encoding="utf-8")
    return [
        (empty, "the file is empty"),
        (binary, "binary file"),
        (gbk, "not valid UTF-8"),
        (no_text, "the HTML yields no text"),
        (furniture, "no content found"),
        (tmp / "missing.txt", "no such file"),
    ]


def test_bad_files_are_refused_with_file_and_reason_and_data_unchanged(data, tmp_path):
    before = tree_hash(data)
    for file, reason in _bad_files(tmp_path):
        r = cli("ingest", file, *ZH_ARGS, "--data", data)
        assert r.exit_code != 0, file
        assert str(file) in r.output and reason in r.output, r.output
        assert tree_hash(data) == before, file


@pytest.mark.parametrize(
    "option, value, reason",
    [
        ("--published", "12/07/2024", "is not a date"),
        ("--source", "example.org/news", "is not an http(s) URL"),
        ("--title", "  ", "--title must not be empty"),
    ],
)
def test_bad_metadata_is_refused_and_data_unchanged(data, option, value, reason):
    before = tree_hash(data)
    args = list(ZH_ARGS)
    args[args.index(option) + 1] = value
    r = cli("ingest", ZH, *args, "--data", data)
    assert r.exit_code != 0 and reason in r.output
    assert tree_hash(data) == before


def test_the_same_text_from_another_source_is_a_duplicate(data):
    assert cli("ingest", ZH, *ZH_ARGS, "--data", data).exit_code == 0
    before = tree_hash(data)
    args = [*ZH_ARGS[:-3], "https://example.org/elsewhere", "--language", "zh"]
    r = cli("ingest", ZH, *args, "--data", data)
    assert r.exit_code != 0 and "duplicate" in r.output and str(ZH) in r.output
    assert tree_hash(data) == before


def test_reingesting_the_same_text_changes_nothing_and_says_so(data):
    first = cli("ingest", ZH, *ZH_ARGS, "--data", data)
    before = tree_hash(data)
    again = cli("ingest", ZH, *ZH_ARGS, "--data", data)
    assert (
        again.exit_code == 0
        and "already ingested" in again.output
        and "nothing changed" in again.output
    )
    assert tree_hash(data) == before
    assert content_key(ZH.read_text(encoding="utf-8")) in first.output


def test_a_failure_half_way_leaves_data_as_it_was(data, monkeypatch):
    before = tree_hash(data)
    real_replace, calls = os.replace, []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the text is in place, sources.yaml is not
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        ingest(
            Paths(data=data),
            ZH,
            title="湖西社工委召开年中工作推进会",
            published="2024-07-12",
            source="https://example.org/news/lakeside",
            language="zh",
        )
    monkeypatch.setattr(os, "replace", real_replace)
    assert tree_hash(data) == before
    assert not [p for p in (data / "sources").iterdir() if p.name.endswith(".tmp")]


def test_removing_an_unknown_key_is_a_clear_error(data):
    r = cli("remove", "0123456789abcdef", "--data", data)
    assert r.exit_code != 0 and "no document with key '0123456789abcdef'" in r.output


# ---------------------------------------------------------------- versions


def test_a_changed_text_from_the_same_source_is_a_new_version(data, tmp_path):
    first = ingest(
        Paths(data=data),
        ZH,
        title="湖西社工委召开年中工作推进会",
        published="2024-07-12",
        source="https://example.org/news/lakeside",
        language="zh",
    )
    (data / "curation" / "lakeside.yaml").write_text(
        f"- id: lakeside-office-is-an-office\n  doc: {first.key}\n  quote: 唯亭街道党政办公室\n"
        "  subject: place/suzhou\n  predicate: rdfs:comment\n  object: {value: test}\n  reason: a test entry\n",
        encoding="utf-8",
    )
    changed = tmp_path / "v2.txt"
    changed.write_text(ZH.read_text(encoding="utf-8").replace("320名", "330名"), encoding="utf-8")
    second = ingest(
        Paths(data=data),
        changed,
        title="湖西社工委召开年中工作推进会",
        published="2024-07-13",
        source="https://example.org/news/lakeside",
        language="zh",
    )
    assert (second.status, second.version, second.replaces) == ("new-version", 2, first.key)
    assert second.moved_curation == ["lakeside-office-is-an-office"]
    assert f"doc: {second.key}" in (data / "curation" / "lakeside.yaml").read_text(encoding="utf-8")
    assert (data / "sources" / first.file).exists()  # kept on record …
    keys = [d.key for d in read_sources(data / "sources")]
    assert second.key in keys and first.key not in keys  # … but only the new version is read
    removed = remove(Paths(data=data), second.key)
    assert removed.restored == first.key and removed.curation == [
        "lakeside.yaml: lakeside-office-is-an-office"
    ]
    assert first.key in [d.key for d in read_sources(data / "sources")]


def test_a_new_version_that_drops_a_curated_quote_is_refused(data, tmp_path):
    first = ingest(
        Paths(data=data),
        ZH,
        title="湖西社工委召开年中工作推进会",
        published="2024-07-12",
        source="https://example.org/news/lakeside",
        language="zh",
    )
    (data / "curation" / "lakeside.yaml").write_text(
        f"- id: lakeside-note\n  doc: {first.key}\n  quote: 唯亭街道党政办公室\n  subject: place/suzhou\n"
        "  predicate: rdfs:comment\n  object: {value: test}\n  reason: a test entry\n",
        encoding="utf-8",
    )
    before = tree_hash(data)
    changed = tmp_path / "v2.txt"
    changed.write_text(
        ZH.read_text(encoding="utf-8").replace("党政办公室", "综合办公室"), encoding="utf-8"
    )
    with pytest.raises(IngestError, match="lakeside-note"):
        ingest(
            Paths(data=data),
            changed,
            title="t",
            published="2024-07-13",
            source="https://example.org/news/lakeside",
            language="zh",
        )
    assert tree_hash(data) == before


# ---------------------------------------------------------------- the whole way: ingest, build, review, remove


@pytest.fixture(scope="module")
def grown(paths, tmp_path_factory):
    """The three test documents ingested into a copy of data/ and built into a fresh home."""
    root = tmp_path_factory.mktemp("ingested")
    data = root / "data"
    shutil.copytree(paths.data, data)
    keys = {}
    for name, file, args in (("zh", ZH, ZH_ARGS), ("en", EN, EN_ARGS), ("html", HTML, HTML_ARGS)):
        r = cli("ingest", file, *args, "--data", data)
        assert r.exit_code == 0, r.output
        keys[name] = content_key(read_input(file)[0])
    grown_paths = Paths(data=data, home=root / "home")
    report = build(grown_paths)
    select = selector(grown_paths.store)
    return grown_paths, report, select, keys


def test_new_institutions_of_every_pattern_get_frozen_keys(grown):
    paths, _, _, _ = grown
    minted = load_minted(paths.minted)
    expected = {
        "湖西社工委": Ref("org", "hu-xi-she-gong-wei"),
        "湖西社区工作委员会": Ref("org", "hu-xi-she-gong-wei"),  # the full name of the same body
        "唯亭街道": Ref("place", "wei-ting-jie-dao"),
        "胜浦镇": Ref("place", "sheng-pu-zhen"),
        "星湖邻里中心": Ref("site", "xing-hu-lin-li-zhong-xin"),
        "园区社会事业局": Ref("org", "yuan-qu-she-hui-shi-ye-ju"),
        "唯亭街道党政办公室": Ref("org", "wei-ting-jie-dao-dang-zheng-ban-gong-shi"),
        "苏州圆融发展集团": Ref("org", "su-zhou-yuan-rong-fa-zhan-ji-tuan"),
        "苏州邻里中心发展有限公司": Ref("org", "su-zhou-lin-li-zhong-xin-fa-zhan-you-xian-gong-si"),
        "九龙医院": Ref("org", "jiu-long-yi-yuan"),
        "星洋学校": Ref("org", "xing-yang-xue-xiao"),
        "湖西社区居民委员会": Ref("org", "hu-xi-she-qu-ju-min-wei-yuan-hui"),
        "东沙湖邻里中心": Ref("site", "dong-sha-hu-lin-li-zhong-xin"),  # from the HTML page
    }
    assert {name: minted.get(name) for name in expected} == expected
    assert "苏州邻里中心" not in minted  # the company's name is not cut at its head word


def test_new_institutions_are_typed_with_evidence(grown):
    _, _, select, keys = grown
    rows = select(f"""SELECT ?class ?exact WHERE {{ GRAPH <https://data.sipac.gov.cn/graph/source/{keys["zh"]}> {{
        ?st rdf:subject <{ID}org/jiu-long-yi-yuan> ; rdf:predicate rdf:type ; rdf:object ?class ;
            prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?exact }} }}""")
    assert rows == [{"class": "https://data.sipac.gov.cn/def/sip#Hospital", "exact": "九龙医院"}]
    [label] = select(f"""SELECT ?l WHERE {{ <{ID}org/hu-xi-she-gong-wei> skos:altLabel ?l }}""")
    assert label["l"] == "湖西社区工作委员会"


def test_a_relative_date_is_resolved_against_the_publication_date(grown):
    _, _, select, _ = grown
    rows = select(f"""SELECT ?date ?exact WHERE {{ ?e sip:establishes <{ID}org/hu-xi-she-qu-fu-wu-lian-meng> ;
        dct:date ?date . ?st rdf:subject ?e ; rdf:predicate dct:date ;
        prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?exact }}""")
    # the founding rule and the event lexicon both read the clause: one date, each reading with its evidence
    assert {r["date"] for r in rows} == {"2024-07-11"} and any(
        r["exact"].startswith("昨天") for r in rows
    )


def test_figures_come_with_units_periods_and_quotes(grown):
    _, _, select, keys = grown
    rows = select(f"""SELECT ?indicator ?value ?unit ?period ?exact WHERE {{
        GRAPH <https://data.sipac.gov.cn/graph/source/{keys["zh"]}> {{
        ?o a qb:Observation ; sip:indicator ?indicator ; sip:value ?value ; sip:refPeriod ?period ;
           sdmx-attribute:unitMeasure ?unit . ?st rdf:subject ?o ;
           prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?exact }} }}""")
    found = {
        (
            r["indicator"].rsplit("/", 1)[-1],
            float(r["value"]),
            r["unit"].rsplit("/", 1)[-1],
            r["period"],
        )
        for r in rows
    }
    assert (
        "floor-area",
        36000.0,
        "square-metre",
        "2024-07",
    ) in found  # 7月上旬: July, at month precision
    assert ("resident-population", 12000.0, "person", "2024") in found  # 今年上半年
    assert all(
        "约3.6万平方米" in r["exact"] for r in rows if r["indicator"].endswith("/floor-area")
    )


def test_an_english_document_gets_entities_and_figures(grown):
    _, _, select, keys = grown
    graph = f"https://data.sipac.gov.cn/graph/source/{keys['en']}"
    mentioned = {
        r["e"]
        for r in select(f"SELECT DISTINCT ?e WHERE {{ GRAPH <{graph}> {{ ?s sip:mentions ?e }} }}")
    }
    assert {
        f"{ID}place/suzhou-industrial-park",
        f"{ID}place/china-singapore-cooperation-zone",
    } <= mentioned
    rows = select(f"""SELECT ?area ?indicator ?value ?period WHERE {{ GRAPH <{graph}> {{ ?o a qb:Observation ;
        sip:refArea ?area ; sip:indicator ?indicator ; sip:value ?value ; sip:refPeriod ?period }} }}""")
    found = {
        (
            r["area"].rsplit("/", 1)[-1],
            r["indicator"].rsplit("/", 1)[-1],
            float(r["value"]),
            r["period"],
        )
        for r in rows
    }
    assert ("china-singapore-cooperation-zone", "area", 80e6, "2014") in found
    assert ("suzhou-industrial-park", "gdp", 191e9, "2013") in found
    assert ("suzhou-industrial-park", "gdp-growth", 10.0, "2013") in found
    assert ("suzhou-industrial-park", "resident-population", 762000.0, "2013") in found


def test_the_html_page_is_read_without_its_scripts_and_menus(grown):
    paths, _, select, keys = grown
    text = next(paths.sources.glob(f"*_{keys['html']}.txt")).read_text(encoding="utf-8")
    assert "2023年9月,娄葑街道新建东沙湖邻里中心" in text
    assert "不是正文" not in text and "新闻中心" not in text
    [row] = (
        select(f"""SELECT ?value WHERE {{ GRAPH <https://data.sipac.gov.cn/graph/source/{keys["html"]}> {{
        ?o sip:indicator <https://data.sipac.gov.cn/def/indicator/floor-area> ; sip:value ?value ;
           sip:refPeriod "2023-09"^^xsd:gYearMonth }} }}""")
    )
    assert float(row["value"]) == 21000.0


def test_a_conflicting_figure_is_kept_beside_the_other_and_reported(grown):
    paths, _, select, keys = grown
    values = {
        (r["g"].rsplit("/", 1)[-1], float(r["v"]))
        for r in select(
            f"""SELECT ?g ?v WHERE {{ GRAPH ?g {{ ?o sip:refArea <{ID}place/suzhou-industrial-park> ;
            sip:indicator <https://data.sipac.gov.cn/def/indicator/area> ; sip:value ?v ; sip:refPeriod "2014"^^xsd:gYear }} }}"""
        )
    }
    assert {
        (keys["en"], 278e6),
        ("f193373a2751c50a", 288e6),
    } <= values  # neither overwrites the other
    r = cli("review", keys["en"], "--json", "--data", paths.data, "--home", paths.home)
    assert r.exit_code == 0, r.output
    import json

    report = json.loads(r.output)
    [area] = [o for o in report["observations"] if o["conflicts"]]
    assert area["stated"] == "278 km²" and area["conflicts"][0]["stated"] == "288平方公里"
    assert report["conflict_count"] == 1


def test_review_lists_new_entities_and_facts_with_confidence_and_evidence(grown):
    paths, _, _, keys = grown
    r = cli("review", keys["zh"], "--data", paths.data, "--home", paths.home)
    assert r.exit_code == 0
    assert "+ 胜浦镇" in r.output and "+ 九龙医院" in r.output
    assert "hosts 九龙医院  [rule:hosts 0.80] “星湖邻里中心内设九龙医院社区门诊”" in r.output
    unknown = cli("review", "0123456789abcdef", "--data", paths.data, "--home", paths.home)
    assert unknown.exit_code != 0 and "no document with key '0123456789abcdef'" in unknown.output


def test_review_pages_and_their_json_twins(grown):
    from sipkg.web import create_app

    paths, _, _, keys = grown
    app = create_app({"STORE": paths.store, "TESTING": True})
    try:
        client = app.test_client()
        listing = client.get("/review.json").get_json()
        assert {keys["zh"], keys["en"], keys["html"], "b8b52a2e8e474372"} <= {
            d["key"] for d in listing["documents"]
        }
        page = client.get(f"/review/{keys['en']}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and f'href="/review/{keys["en"]}.json"' in html
        assert "278 km²" in html and "288平方公里" in html
        twin = client.get(
            f"/review/{keys['zh']}", headers={"Accept": "application/json"}
        ).get_json()
        assert f"{ID}org/jiu-long-yi-yuan" in twin["new_entities"]
        fact = next(f for f in twin["facts"] if f["predicate"].endswith("#hosts"))
        assert (
            fact["confidence"] == 0.8
            and fact["evidence"][0]["quote"] == "星湖邻里中心内设九龙医院社区门诊"
        )
        assert "action: reject" in fact["reject"] and f"doc: {keys['zh']}" in fact["reject"]
        assert (
            "action: accept" in fact["accept"]
            and fact["accept"].split("\n")[2:] == fact["reject"].split("\n")[2:]
        )
        missing = client.get("/review/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        assert missing.status_code == 404 and "<script>alert" not in missing.get_data(as_text=True)
        assert client.get("/review/0123456789abcdef.json").status_code == 404
    finally:
        app.extensions["sipkg"].close()


def _facts(select) -> set[tuple[str, str, str]]:
    rows = select("""SELECT ?s ?p ?o WHERE { GRAPH ?g { ?st a sip:FactStatement ; rdf:subject ?s ;
        rdf:predicate ?p ; rdf:object ?o } FILTER(!STRSTARTS(STR(?s), "https://data.sipac.gov.cn/data/obs/")) }""")
    return {(r["s"], r["p"], r["o"]) for r in rows}


def test_reingest_after_a_build_is_a_no_op_and_remove_restores_the_previous_facts(grown, select):
    paths, _, grown_select, keys = grown
    before = tree_hash(paths.data)
    assert "already ingested" in cli("ingest", ZH, *ZH_ARGS, "--data", paths.data).output
    assert tree_hash(paths.data) == before
    grown_facts, base_facts = _facts(grown_select), _facts(select)
    assert len(grown_facts) > len(base_facts)
    # names frozen by the first build are read as known names by the next, which may settle a
    # recognised name differently; what goes is only the type of such a name, never a relation
    lost = base_facts - grown_facts
    assert all(p.endswith("#type") for _, p, _ in lost), lost
    for name, key in keys.items():
        r = cli("remove", key, "--data", paths.data, "--home", paths.home)
        assert r.exit_code == 0 and f"key {key}" in r.output
        if name == "zh":  # what goes is reported from the graph in service
            assert "facts stated by no other document" in r.output
            assert "- 星湖邻里中心 hosts 九龙医院" in r.output and "九龙医院 <" in r.output
    build(paths)
    restored = _facts(selector(paths.store)) ^ _facts(
        select
    )  # as before, but for how frozen names settle
    assert all(p.endswith("#type") for _, p, _ in restored), restored
    assert load_minted(paths.minted)["九龙医院"] == Ref(
        "org", "jiu-long-yi-yuan"
    )  # keys stay frozen, never reused
