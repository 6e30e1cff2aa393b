"""HTML -> plain text with one paragraph per line, using only the standard library's parser.

Scripts, styles, navigation and other non-content elements are dropped; block elements
(p, div, li, h1–h6, tr, br …) end a line, so the document reader sees the page's
paragraphs as it sees those of a text file.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIPPED = {
    "script",
    "style",
    "nav",
    "noscript",
    "template",
    "iframe",
    "svg",
    "canvas",
    "title",
    "button",
    "select",
    "form",
    "object",
}
BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
MARKUP = re.compile(r"<\s*(html|body|p|div|head|br|span|h[1-6]|table|!doctype)\b", re.IGNORECASE)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skipping: list[str] = []  # open skipped elements, innermost last

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIPPED and tag not in VOID:
            self.skipping.append(tag)
        if tag in BLOCKS:
            self.lines.append("")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag in SKIPPED:
            if tag in self.skipping:
                while self.skipping.pop() != tag:
                    pass
            return
        if tag in BLOCKS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.lines[-1] += data


def looks_like_html(text: str) -> bool:
    """Whether a text is markup (an HTML page or fragment) rather than prose."""
    return bool(MARKUP.search(text[:4096]))


def html_to_text(html: str) -> str:
    """The visible text of an HTML page, one block per line, whitespace inside a line collapsed."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r"[ \t\r\n\u00a0\u3000]+", " ", line).strip() for line in parser.lines]
    return "\n".join(line for line in lines if line) + "\n" if any(lines) else ""
