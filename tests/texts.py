"""A source document made from a text written in a test, as the build reads one from data/sources."""

from __future__ import annotations

import datetime as dt

from sipkg.build.documents import Document, parse_text


def text_document(
    text: str, *, key: str = "t", title: str = "测试", published: str = "2020-07-20"
) -> Document:
    """`text` as a Chinese source document `key`, published on `published` (ISO date)."""
    paragraphs, sentences = parse_text(key, text, title)
    return Document(
        key,
        f"{key}.txt",
        title,
        None,
        dt.date.fromisoformat(published),
        "zh",
        None,
        None,
        text,
        paragraphs,
        sentences,
    )
