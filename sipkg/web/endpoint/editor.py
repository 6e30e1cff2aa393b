"""The SPARQL query editor (vendored YASGUI) and its gallery of example queries from queries/*.rq."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template, url_for

from sipkg.namespaces import PREFIXES, sparql_prologue
from sipkg.paths import PROJECT

bp = Blueprint("editor", __name__)

QUERIES = PROJECT / "queries"
HEADER = re.compile(r"^#\s*(问题|Question)\s*[:：]\s*(.*?)\s*$")

STARTER = sparql_prologue() + """
SELECT ?organisation ?label WHERE {
  ?organisation a sip:Organisation ; rdfs:label ?label .
  FILTER(langMatches(lang(?label), "zh-Hans"))
} ORDER BY ?label LIMIT 20
"""


@dataclass(frozen=True)
class Example:
    """One query of the gallery: its file, the question it answers in Chinese and English, its text."""

    file: str
    question_zh: str
    question_en: str
    query: str

    def to_dict(self) -> dict:
        return {"file": self.file, "question": {"zh": self.question_zh, "en": self.question_en}, "query": self.query}


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


@bp.get("/sparql/examples.json")
def examples_json() -> Response:
    return jsonify({"examples": [example.to_dict() for example in examples()]})


def editor_page(query: str | None = None) -> Response:
    """The editor page, prefilled with `query` when given (the /sparql handler calls this for browsers)."""
    html = render_template("sparql.html", sparql_query=query or "", starter=STARTER, prefixes=PREFIXES,
                           endpoint=url_for("sparql.sparql"), examples=examples(),
                           json_url=url_for("editor.examples_json"))
    return Response(html, mimetype="text/html")
