"""The example queries of queries/*.rq: each one's question in Chinese and English, and the gallery's README.

The editor at /sparql lists them, and queries/README.md is generated from them:
`python -m sipkg.gallery > queries/README.md`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sipkg.paths import PROJECT

QUERIES = PROJECT / "queries"
HEADER = re.compile(r"^#\s*(问题|Question)\s*[:：]\s*(.*?)\s*$")


@dataclass(frozen=True)
class Example:
    """One query of the gallery: its file, the question it answers in Chinese and English, its text."""

    file: str
    question_zh: str
    question_en: str
    query: str

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "question": {"zh": self.question_zh, "en": self.question_en},
            "query": self.query,
        }


def read_example(path: Path) -> Example:
    """An example from a .rq file whose header lines are `# 问题: …` and `# Question: …`."""
    text = path.read_text(encoding="utf-8")
    questions: dict[str, str] = {}
    for line in text.splitlines():
        match = HEADER.match(line)
        if match:
            questions.setdefault(match.group(1), match.group(2))
        elif line.strip() and not line.startswith("#"):
            break
    return Example(path.name, questions.get("问题", ""), questions.get("Question", ""), text)


def examples(folder: Path = QUERIES) -> list[Example]:
    """The gallery in file order; read on each call so an edited query shows at once."""
    return [read_example(path) for path in sorted(folder.glob("*.rq"))]


INTRO = """\
# 示例查询 · Example queries

<!-- Generated from the header lines of each query by `python -m sipkg.gallery > queries/README.md`;
     edit the .rq files, not this page. -->

Each `*.rq` here opens with the question it answers, in Chinese (`# 问题:`) and in English
(`# Question:`). The editor at `/sparql` lists them as its gallery (also as JSON at
`/sparql/examples.json`), and each runs in the tests with its expected answer
([`tests/test_queries.py`](../tests/test_queries.py)). Run one from the project folder with
`sipkg query --file queries/{first}`.

Queries that join our graph with a partner's endpoint through `SERVICE` are in
[`federation/`](federation/README.md); they are not in the gallery.

| query | 问题 | question |
|---|---|---|
"""


def cell(text: str) -> str:
    """Text that stays in its Markdown table cell."""
    return text.replace("|", "\\|")


def readme(folder: Path = QUERIES) -> str:
    """queries/README.md: a table of every query with its link and its two questions."""
    listed = examples(folder)
    rows = "".join(
        f"| [`{e.file}`]({e.file}) | {cell(e.question_zh)} | {cell(e.question_en)} |\n"
        for e in listed
    )
    return INTRO.format(first=listed[0].file if listed else "FILE.rq") + rows


if __name__ == "__main__":
    print(readme(), end="")
