"""The search index: Chinese names, aliases, fragments, traditional script, pinyin, English; snippets."""

from __future__ import annotations

import pytest

from sipkg.search import Index, Name, Passage, pinyin_forms, pinyin_query, simplify

NAMES = [
    Name("cwc", "苏州工业园区社区工作委员会", "zh-hans"),
    Name("cwc", "社工委", "zh-hans", alias=True),
    Name("cwc", "community work committees of Suzhou Industrial Park", "en"),
    Name("sipac", "苏州工业园区管理委员会", "zh-hans"),
    Name("sipac", "管委会", "zh-hans", alias=True),
    Name("sipac", "Suzhou Industrial Park Administrative Committee", "en"),
    Name("sipac", "SIPAC", "en", alias=True),
    Name("park", "苏州工业园区", "zh-hans"),
    Name("park", "园区", "zh-hans", alias=True),
    Name("park", "Suzhou Industrial Park", "en"),
    Name("centres", "邻里中心", "zh-hans"),
    Name("centres", "neighbourhood centres", "en"),
]
PASSAGES = [
    Passage("s1", "社区工作站作为社工委的服务窗口,提供政府政务服务。", "doc", 1),
    Passage("s2", "每个邻里中心45%的面积用于社区公益配套。", "doc", 2),
]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index(NAMES, PASSAGES)


@pytest.mark.parametrize(
    "query, first",
    [
        ("社工委", "cwc"),
        ("管委会", "sipac"),
        ("园区", "park"),
        ("邻里", "centres"),
        ("蘇州工業園區", "park"),
        ("蘇州工業園區管理委員會", "sipac"),
        ("shegongwei", "cwc"),
        ("she gong wei", "cwc"),
        ("shè gōng wěi", "cwc"),
        ("she4gong1wei3", "cwc"),
        ("sgw", "cwc"),
        ("guanweihui", "sipac"),
        ("suzhougongyeyuanqu", "park"),
        ("administrative committee", "sipac"),
        ("committee administrative", "sipac"),
        ("SIPAC", "sipac"),
        ("ＳＩＰＡＣ", "sipac"),
        ("Neighbourhood Centres", "centres"),
    ],
)
def test_query_ranks_the_expected_entity_first(index, query, first):
    hits = index.search(query)
    assert hits and hits[0].kind == "entity" and hits[0].iri == first


def test_exact_alias_beats_longer_names_containing_it(index):
    hits = [h.iri for h in index.search("园区") if h.kind == "entity"]
    assert hits[0] == "park" and {"cwc", "sipac"} <= set(hits)


def test_sentences_are_found_by_their_text_with_the_match_marked(index):
    hits = [h for h in index.search("服务窗口") if h.kind == "sentence"]
    assert [h.iri for h in hits] == ["s1"]
    assert ("服务窗口", True) in hits[0].snippet
    assert "".join(t for t, _ in hits[0].snippet) in PASSAGES[0].text


def test_sentences_rank_below_entities(index):
    kinds = [h.kind for h in index.search("邻里")]
    assert kinds == sorted(kinds)  # "entity" < "sentence"
    assert "sentence" in kinds


@pytest.mark.parametrize("query", ["", "   ", "？！", "zzzzqqq"])
def test_nothing_matches_empty_or_unknown_queries(index, query):
    assert [h for h in index.search(query) if h.kind == "entity"] == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("社工委", ("shegongwei", "sgw")),
        ("邻里中心", ("linlizhongxin", "llzx")),
        ("蘇州", ("suzhou", "sz")),
    ],
)
def test_pinyin_forms(text, expected):
    assert pinyin_forms(text) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Shè Gōng Wěi", "shegongwei"),
        ("she4 gong1 wei3", "shegongwei"),
        ("lǜ", "lv"),
        ("lu:", "lv"),
    ],
)
def test_pinyin_query_drops_tones_and_spaces(query, expected):
    assert pinyin_query(query) == expected


def test_traditional_script_is_simplified():
    assert simplify("蘇州工業園區") == "苏州工业园区"
