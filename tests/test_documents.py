"""Reading documents: NFC, page furniture, paragraphs and sentences with code-point offsets."""

import unicodedata
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
from sipkg.build.documents import SourceError, classify_line, doc_key, parse_text, read_sources

SOURCES = PROJECT / "data" / "sources"


@pytest.fixture(scope="module")
def docs():
    return {d.key: d for d in read_sources(SOURCES)}


def test_sources_are_kept_exactly_as_received():
    shared = PROJECT.parent / "shared" / "sources"
    if not shared.exists():
        pytest.skip("the shared sources are not beside the checkout")
    for f in shared.glob("*.txt"):
        assert (SOURCES / f.name).read_bytes() == f.read_bytes()


def test_the_corpus_documents_are_their_bodies_as_published():
    corpus = PROJECT.parent / "shared" / "corpus"
    if not corpus.exists():
        pytest.skip("the shared corpus is not beside the checkout")
    stored = {f.read_text(encoding="utf-8") for f in SOURCES.glob("0*.txt")}
    for f in corpus.glob("[0-9]*.txt"):
        body = unicodedata.normalize("NFC", f.read_text(encoding="utf-8").split("\n---\n", 1)[1])
        assert body in stored or body + "\n" in stored, f.name


def test_the_documents_are_read_with_their_metadata(docs):
    assert len(docs) == 18 and {"b8b52a2e8e474372", "f193373a2751c50a"} <= set(docs)
    assert str(docs["b8b52a2e8e474372"].published) == "2014-07-25"
    assert docs["f193373a2751c50a"].title.startswith("苏州工业园区管理委员会")
    jinjihu = docs["c4bf591332ef325e"]  # an encyclopedia page: a year only, marked approximate
    assert (
        jinjihu.published_lexical,
        jinjihu.published_precision,
        jinjihu.published_approximate,
    ) == ("2022", "gYear", True)
    assert "CC BY-SA 4.0" in jinjihu.rights and jinjihu.source.startswith("https://")


def test_text_is_nfc_and_sentences_are_exact_slices(docs):
    for d in docs.values():
        assert unicodedata.is_normalized("NFC", d.text)
        for s in d.sentences:
            assert d.text[s.start : s.end] == s.text
            assert s.text == s.text.strip()


def test_sentence_iris_are_stable_and_readable(docs):
    s = docs["f193373a2751c50a"].sentences[0]
    assert s.iri.endswith("/id/doc/f193373a2751c50a/sentence/1")


@pytest.mark.parametrize(
    "line, reason",
    [
        ("• 手机版", "navigation"),
        ("分享到:", "share"),
        ("相关阅读", "share"),
        ("Copyright © 2007 - 2023 Chnsourcing.com.cn All Rights Reserved", "copyright"),
        ("津B2-20080229-1", "copyright"),
        ("电话:+86-22-66211566", "contact"),
        ("编辑:李婉玲", "byline"),
        ("日期:2016-03-04    浏览量:15360次", "byline"),
        ("开拓进取 引领未来|中国服务外包行业十大人物(2019...", "related"),
        ("二、发展思路与重点计划", None),
        (
            "苏州工业园区管理委员会是苏州市人民政府的派出机构,行使苏州工业园区辖区内的行政管理职能。",
            None,
        ),
    ],
)
def test_furniture_lines(line, reason):
    assert classify_line(line) == reason


def test_furniture_is_kept_in_the_text_but_not_extracted(docs):
    d = docs["b8b52a2e8e474372"]
    furniture = [s for s in d.sentences if s.furniture]
    assert any("Copyright" in s.text for s in furniture)
    assert all("Copyright" not in s.text for s in d.content_sentences())
    assert "Copyright" in d.text
    assert any("区域一体化发展篇" == s.text for s in d.content_sentences())


def test_footer_after_the_last_line_of_prose_is_furniture():
    text = "园区已建成邻里中心12个,平均建筑面积约2.5万平方米。\n推荐\n某条新闻标题\n"
    _, sentences = parse_text("t", text)
    assert [s.furniture for s in sentences] == [None, "share", "footer"]


def test_bullets_are_a_menu_only_above_everything_else():
    text = "• 首页\n• 手机版\n湖滨街道\n面积\n• 总计12平方公里\n• 户籍人口3.1万人\n"
    _, sentences = parse_text("t", text)
    assert [s.furniture for s in sentences] == ["navigation", "navigation", None, None, None, None]


def test_an_infobox_page_has_no_footer_by_position():
    text = "湖滨街道\n坐标:31°N 120°E(湖滨街道)\n上级行政区某某市\n邮政编码215000\n"
    _, sentences = parse_text("t", text)
    assert [s.furniture for s in sentences] == [None, None, None, None]


def test_a_sentence_broken_across_lines_is_prose_to_its_end():
    text = "记者走进新城大厦,听这位总经理介绍新加坡的社区服务,很有感触。\n正像在场的副处长所说,\n这很值得借鉴。\n"
    _, sentences = parse_text("t", text)
    assert [s.furniture for s in sentences] == [None, None, None]


def test_offsets_count_code_points_not_bytes():
    text = "标题\n  第一句话。第二句话!\n"
    paragraphs, sentences = parse_text("t", text)
    assert [(s.start, s.end, s.text) for s in sentences] == [
        (0, 2, "标题"),
        (5, 10, "第一句话。"),
        (10, 15, "第二句话!"),
    ]
    assert paragraphs[1].start == 5


@pytest.mark.parametrize(
    "name, key",
    [("000_b8b52a2e8e474372.txt", "b8b52a2e8e474372"), ("Notice 2024.txt", "notice-2024")],
)
def test_document_keys(name, key):
    assert doc_key(name) == key


def write_source(folder: Path, body: bytes, meta: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_bytes(body)
    (folder / "sources.yaml").write_text(
        meta or "- file: a.txt\n  title: 标题\n  published: 2020-01-01\n", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "empty"),
        ("园区建成邻里中心。".encode("gb18030"), "not valid UTF-8"),
        (b"abc\x00def", "NUL"),
        ("分享到:\n相关阅读\n".encode(), "no content"),
    ],
)
def test_a_broken_source_says_file_and_reason(tmp_path, body, message):
    folder = write_source(tmp_path / "s", body)
    with pytest.raises(SourceError, match=message) as e:
        read_sources(folder)
    assert "a.txt" in str(e.value)


@pytest.mark.parametrize(
    "meta, message",
    [
        ("- file: missing.txt\n  title: x\n", "does not exist"),
        ("- file: a.txt\n", "needs at least"),
        ("- file: a.txt\n  title: x\n  published: 25/07/2014\n", "not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("- file: a.txt\n  title: [unclosed\n", "invalid YAML"),
        ("- file: a.txt\n  title: x\n- file: a.txt\n  title: y\n", "same key"),
    ],
)
def test_bad_metadata_says_file_line_and_reason(tmp_path, meta, message):
    folder = write_source(tmp_path / "s", "园区建成邻里中心12个。".encode(), meta)
    with pytest.raises(SourceError, match=message) as e:
        read_sources(folder)
    assert "sources.yaml" in str(e.value)
