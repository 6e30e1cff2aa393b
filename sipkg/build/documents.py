"""Source documents -> Document / Paragraph / Sentence with code-point offsets; no RDF.

A document's text is kept whole (NFC-normalised). Page furniture — navigation, share
buttons, related links, bylines, copyright and footer lines — is recognised and marked,
never removed: it stays in the text and is excluded from extraction.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sipkg import yamlfile
from sipkg.namespaces import ID
from sipkg.yamlfile import InputError

SENTENCE_END = "。!?!?"
CLOSERS = "”’」』)》】\"'"
TERMINAL = re.compile(rf"[{SENTENCE_END};;…]|[{SENTENCE_END}][{re.escape(CLOSERS)}]+")

# Lines that are page furniture wherever they stand, by what they say.
FURNITURE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "copyright",
        re.compile(
            r"copyright|©|版权所有|all rights reserved|ICP备|[\u4e00-\u9fff]B2-\d", re.IGNORECASE
        ),
    ),
    ("contact", re.compile(r"^(电话|传真|邮箱|E-?mail|地址|邮编)\s*[::]", re.IGNORECASE)),
    (
        "byline",
        re.compile(
            r"^(编辑|责任编辑|来源|作者|记者|日期|发布时间|浏览量|点击数)\s*[::]|浏览量|\|\s*\d{4}年\d{1,2}月\d{1,2}日$"
        ),
    ),
    (
        "share",
        re.compile(
            r"^(分享到|标签|更多|相关阅读|推荐|专题|点击排行榜?|打印|关闭|返回顶部)\s*[::]?$|微评|新浪微博|还可以输入|扫描二维码|官方微信"
        ),
    ),
    ("navigation", re.compile(r"^[•·▪►»>]\s*\S")),
    ("related", re.compile(r"(\.\.\.|…)$")),
    ("operator", re.compile(r"^网站(运营|技术)支持")),
]


class SourceError(InputError):
    """A source document or its metadata cannot be read; says file, line and reason."""


@dataclass(frozen=True)
class Paragraph:
    index: int  # 1-based
    start: int
    end: int
    furniture: str | None  # why it is page furniture, or None for content


@dataclass(frozen=True)
class Sentence:
    doc_key: str
    index: int  # 1-based, in document order
    paragraph: int
    start: int
    end: int
    text: str
    furniture: str | None

    @property
    def iri(self) -> str:
        return f"{ID}doc/{self.doc_key}/sentence/{self.index}"


@dataclass(frozen=True)
class Document:
    key: str
    file: str
    title: str
    title_en: str | None
    published: dt.date | None  # the first day of the period when only a year or a month is known
    language: str
    publisher: str | None
    kind: str | None
    text: str
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    meta: dict = field(default_factory=dict, compare=False, hash=False)
    published_precision: str = "date"  # gYear, gYearMonth or date: how much of `published` is known
    published_approximate: bool = (
        False  # the page shows no date of its own: the latest date it mentions
    )
    rights: str | None = None  # licence or terms of reuse, as the source states them
    source: str | None = None  # the URL the text was taken from

    @property
    def iri(self) -> str:
        return f"{ID}doc/{self.key}"

    @property
    def published_lexical(self) -> str | None:
        """The publication date at its precision: 2022, 2022-01 or 2022-01-05."""
        if self.published is None:
            return None
        return self.published.isoformat()[
            : {"gYear": 4, "gYearMonth": 7}.get(self.published_precision, 10)
        ]

    def paragraph_iri(self, index: int) -> str:
        return f"{self.iri}/paragraph/{index}"

    def content_sentences(self) -> list[Sentence]:
        """Sentences that extraction may read (page furniture excluded)."""
        return [s for s in self.sentences if s.furniture is None]

    def sentences_in(self, start: int, end: int) -> list[Sentence]:
        """The sentences a span of the text overlaps."""
        return [s for s in self.sentences if s.start < end and start < s.end]

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence containing a code-point offset of the text."""
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        raise ValueError(f"offset {offset} is outside every sentence of {self.key}")


def doc_key(file_name: str) -> str:
    """Stable key of a document: the hex part of `NNN_<hex>.txt`, else a slug of the stem."""
    stem = Path(file_name).stem
    m = re.fullmatch(r"\d+_([0-9a-f]{8,})", stem)
    if m:
        return m.group(1)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if not slug:
        raise SourceError(
            file_name, None, "file name gives no usable key (use ASCII letters or digits)"
        )
    return slug


def classify_line(line: str) -> str | None:
    """Why a line reads as page furniture by its own words, or None."""
    s = line.strip()
    for reason, pattern in FURNITURE_PATTERNS:
        if pattern.search(s):
            return reason
    return None


# English sentences end at . ! ? followed by a space and a capital (not after Mr., No., U.S. …)
ENGLISH_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bNo)(?<!\bSt)(?<!\bvs)[.!?][\"')\]”’]*\s+(?=[\"“(]?[A-Z0-9])"
)


CITATION = re.compile(r"(?:\s*\[\d+\])+$")  # reference carets a wiki page leaves after a sentence
CLAUSE_MARKS = ",，;；、"


def looks_like_prose(line: str) -> bool:
    """A line of running text: it ends a sentence, or it is long and built of clauses (a
    sentence the page broke across lines, an infobox line of a list)."""
    s = CITATION.sub("", line.strip())
    if len(s) >= 2 and s[-1] in SENTENCE_END + ".;；":
        return True
    return len(s) >= 20 and (s[-1] in CLOSERS + ":：" or any(c in s for c in CLAUSE_MARKS))


def _article_line(line: str) -> bool:
    """A paragraph of an article: long running text that ends a sentence."""
    s = CITATION.sub("", line.strip())
    return len(s) >= 20 and s[-1] in SENTENCE_END + "."


def mark_furniture(lines: list[str]) -> list[str | None]:
    """Furniture reason per line: by its words anywhere, and by position.

    Whatever follows the last line of prose is footer (link lists, widgets); short lines
    before and inside the text are headings and stay content unless their words say
    otherwise. Bullets are a site's menu only above everything else on the page; further
    down they are the items of a list or an infobox, which are content.
    """
    reasons = [classify_line(line) for line in lines]
    menu = 0
    while menu < len(lines) and reasons[menu] in ("navigation", "share"):
        menu += 1
    reasons = [None if r == "navigation" and i >= menu else r for i, r in enumerate(reasons)]
    prose = [i for i, line in enumerate(lines) if looks_like_prose(line) and reasons[i] is None]
    if not any(
        _article_line(lines[i]) for i in prose
    ):  # an infobox or a list, not an article with a footer
        return reasons
    last = prose[-1]
    return [r if r is not None or i <= last else "footer" for i, r in enumerate(reasons)]


def split_sentences(text: str, start: int, end: int, language: str = "zh") -> list[tuple[int, int]]:
    """Sentence spans within text[start:end], split after 。!? (and closing quotes); in English
    also after a full stop that ends a sentence."""
    spans, pos = [], start
    ends = (
        ENGLISH_END
        if language == "en"
        else re.compile(rf"[{SENTENCE_END}]+[{re.escape(CLOSERS)}]*")
    )
    for m in ends.finditer(text[start:end]):
        stop = start + m.end()
        spans.append((pos, stop))
        pos = stop
    if pos < end:
        spans.append((pos, end))
    return [
        (a + len(text[a:b]) - len(text[a:b].lstrip()), a + len(text[a:b].rstrip()))
        for a, b in spans
        if text[a:b].strip()
    ]


def parse_text(
    key: str, text: str, title: str = "", language: str = "zh"
) -> tuple[tuple[Paragraph, ...], tuple[Sentence, ...]]:
    """Paragraphs (non-blank lines) and sentences of an NFC text, with furniture marked."""
    line_spans: list[tuple[int, int]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            a = pos + body.index(stripped)
            line_spans.append((a, a + len(stripped)))
        pos += len(raw)
    lines = [text[a:b] for a, b in line_spans]
    reasons = mark_furniture(lines)
    if title:
        reasons = [None if line == title.strip() else r for line, r in zip(lines, reasons)]
    paragraphs, sentences = [], []
    for p_index, ((a, b), reason) in enumerate(zip(line_spans, reasons), start=1):
        paragraphs.append(Paragraph(p_index, a, b, reason))
        for s_a, s_b in split_sentences(text, a, b, language):
            sentences.append(
                Sentence(key, len(sentences) + 1, p_index, s_a, s_b, text[s_a:s_b], reason)
            )
    return tuple(paragraphs), tuple(sentences)


def decode(raw: bytes, file: Path | str) -> str:
    """UTF-8 text (a BOM is dropped), NFC-normalised; a clear error otherwise."""
    if not raw.strip():
        raise SourceError(file, None, "the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise SourceError(
            file, line, f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})"
        ) from e
    if "\x00" in text:
        raise SourceError(
            file,
            text[: text.index("\x00")].count("\n") + 1,
            "contains NUL characters: not a text file",
        )
    return unicodedata.normalize("NFC", text)


def load_metadata(path: Path) -> list[dict]:
    """The entries of sources.yaml, checked for the fields every document needs."""
    entries = yamlfile.load(path, SourceError)
    if not isinstance(entries, list):
        raise SourceError(path, 1, "expected a list of documents")
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("file") or not entry.get("title"):
            line = entry.get(yamlfile.LINE) if isinstance(entry, dict) else None
            raise SourceError(path, line, "each entry needs at least 'file' and 'title'")
    return entries


PRECISION = {4: "gYear", 7: "gYearMonth", 10: "date"}  # length of the ISO text -> its precision


def parse_published(value) -> tuple[dt.date, str]:
    """A publication date given as YYYY, YYYY-MM or YYYY-MM-DD: its first day, and its precision.
    Raises ValueError for anything else."""
    if isinstance(value, dt.date):
        return value, "date"
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise ValueError(text)
    padded = text + "-01-01"[len(text) - 4 :] if len(text) < 10 else text
    return dt.date.fromisoformat(padded), PRECISION[len(text)]


def _date(value, path: Path, line: int | None) -> tuple[dt.date | None, str]:
    if value is None:
        return None, "date"
    try:
        return parse_published(value)
    except ValueError as e:
        raise SourceError(
            path, line, f"published date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
        ) from e


def read_document(
    path: Path, meta: dict, meta_file: Path | None = None, meta_line: int | None = None
) -> Document:
    """One document from its file and its metadata entry."""
    if not path.exists():
        raise SourceError(
            meta_file or path,
            meta_line,
            f"the file {path.name} named in the metadata does not exist",
        )
    text = decode(path.read_bytes(), path)
    key = doc_key(path.name)
    title = unicodedata.normalize("NFC", str(meta["title"]))
    language = str(meta.get("language", "zh"))
    paragraphs, sentences = parse_text(key, text, title, language)
    if not any(s.furniture is None for s in sentences):
        raise SourceError(path, None, "no content found: every line reads as page furniture")
    published, precision = _date(meta.get("published"), meta_file or path, meta_line)
    return Document(
        key=key,
        file=path.name,
        title=title,
        title_en=meta.get("title_en"),
        published=published,
        language=language,
        publisher=meta.get("publisher"),
        kind=meta.get("kind"),
        text=text,
        paragraphs=paragraphs,
        sentences=sentences,
        meta=dict(meta),
        published_precision=precision,
        published_approximate=bool(meta.get("published_approximate")) or precision != "date",
        rights=meta.get("rights"),
        source=meta.get("source"),
    )


def read_sources(folder: Path) -> list[Document]:
    """Every current document listed in folder/sources.yaml, in the order listed; versions
    superseded by a newer one (`replaced_by`) stay on record but are not read."""
    meta_file = folder / "sources.yaml"
    if not meta_file.exists():
        raise SourceError(meta_file, None, "missing: the sources folder needs a sources.yaml")
    entries = load_metadata(meta_file)
    docs, seen = [], {}
    for entry in entries:
        line = entry.pop(yamlfile.LINE, None)
        if entry.get("replaced_by"):
            continue
        doc = read_document(folder / entry["file"], entry, meta_file, line)
        if doc.key in seen:
            raise SourceError(
                meta_file, line, f"{entry['file']} has the same key {doc.key!r} as {seen[doc.key]}"
            )
        seen[doc.key] = entry["file"]
        docs.append(doc)
    return docs
