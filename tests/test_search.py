"""The search index: Chinese names, aliases, fragments, traditional script, pinyin, English; snippets."""

from __future__ import annotations

import pytest

from sipkg.search import (
    Index,
    Name,
    Passage,
    acronym,
    in_runs,
    pinyin_forms,
    pinyin_query,
    simplify,
    variants,
)

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
    Name("park", "全区", "zh-hans", alias=True),
    Name("park", "Suzhou Industrial Park", "en"),
    Name("park", "SIP", "en", alias=True),
    Name("smb", "苏州工业园区社会管理局", "zh-hans"),
    Name("smb", "园区社会管理局", "zh-hans", alias=True),
    Name("smb", "SIP Social Management Bureau", "en"),
    Name("smb-founding", "founding of SIP Social Management Bureau", "en"),
    Name("gdp", "地区生产总值", "zh-hans"),
    Name("gdp", "Gross domestic product", "en"),
    Name("revenue", "公共财政预算收入", "zh-hans"),
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


# ---------------------------------------------------------------- names people type


def test_variants_join_a_parents_short_names_to_a_bodys():
    made = {(n.iri, n.text) for n in variants(NAMES)}
    assert {
        ("sipac", "苏州工业园区管委会"),
        ("sipac", "园区管理委员会"),
        ("sipac", "SIP Administrative Committee"),
        ("sipac", "Administrative Committee of Suzhou Industrial Park"),
        ("smb", "Suzhou Industrial Park Social Management Bureau"),
        ("smb", "Social Management Bureau of SIP"),
        ("cwc", "SIP community work committees"),
        ("cwc", "园区社工委"),
        ("gdp", "GDP"),
    } <= made
    # 全区 qualifies no name in the registry, so it is not a short name for composing
    assert not any(t.startswith("全区") for _, t in made)
    assert all(n.alias for n in variants(NAMES))


def test_a_variant_another_entity_has_is_dropped():
    names = [
        Name("a", "苏州工业园区", "zh-hans"),
        Name("a", "园区", "zh-hans", alias=True),
        Name("b", "苏州工业园区法院", "zh-hans"),
        Name("b", "园区法院", "zh-hans", alias=True),
        Name("c", "园区法院", "zh-hans"),  # an invented clash
    ]
    assert "园区法院" not in {n.text for n in variants(names) if n.iri == "b"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Gross domestic product", "GDP"),
        ("Ministry of Culture, Community and Youth", "MCCY"),
        ("GDP growth", ""),
        ("地区生产总值", ""),
    ],
)
def test_acronym(text, expected):
    assert acronym(text) == expected


@pytest.mark.parametrize(
    "query, name, expected",
    [
        ("财政收入", "公共财政预算收入", True),
        ("中新试点", "中新社会管理合作试点", True),
        ("收入财政", "公共财政预算收入", False),  # out of order
        ("财收", "公共财政预算收入", False),  # pieces of one character
    ],
)
def test_in_runs(query, name, expected):
    assert in_runs(query, name) is expected


@pytest.mark.parametrize(
    "query, first, how",
    [
        ("苏州工业园区管委会", "sipac", "exact"),
        ("SIP Administrative Committee", "sipac", "exact"),
        ("Administrative Committee of Suzhou Industrial Park", "sipac", "exact"),
        ("Social Management Bureau", "smb", "partial"),
        ("GDP", "gdp", "exact"),
        ("财政收入", "revenue", "abbreviation"),
    ],
)
def test_names_people_type_find_the_entity(index, query, first, how):
    hit = index.search(query)[0]
    assert (hit.iri, hit.how) == (first, how)


def test_a_unique_english_fragment_ranks_above_fragments_of_several_names(index):
    hits = {h.iri: h for h in index.search("Social Management Bureau")}
    assert hits["smb"].score == 88 > hits["smb-founding"].score
    two = Index(
        [Name("x", "Party Work Committee", "en"), Name("y", "Social Work Committee", "en")], []
    )
    assert all(h.how != "partial" for h in two.search("Work Committee"))  # names two entities
