"""The site's two languages: which one a request wants, and labels picked in it with fallback.

Chinese first: `?lang=zh|en` chooses (and is remembered in a cookie), else the cookie, else zh.
`init_app(app)` (called by create_app) makes these available in every template:

- `lang` — "zh" or "en"; `html_lang` — "zh-Hans" or "en" for `<html lang>`.
- `tr("中文", "English")` — the UI string in the chosen language (write both inline).
- `pick(literals)` — a `Label(text, lang, fallback)` from literals (pyoxigraph or rdflib, anything
  with `.value`/`.language`) in the chosen language, else the other one (zh -> en, en -> zh), with
  `fallback=True` so the page can mark it; None when there is nothing. Use the `label` macro of
  `macros.html` to print one with its badge: `{% from "macros.html" import label %}{{ label(pick(ls)) }}`.
- `lang_url("en")` — this page's URL in the other language (the switch in base.html uses it).
- `NAV` — the site's sections, for the header.

Python code uses the same functions: `current_lang()`, `pick(literals, lang)`, `tr(zh, en)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import urlencode

from flask import Flask, Response, g, request

LANGS = ("zh", "en")
DEFAULT = "zh"
COOKIE = "lang"
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
BADGE = {"zh": "中文", "en": "EN"}

NAV = [
    ("/", "首页", "Home"),
    ("/search", "搜索", "Search"),
    ("/explore", "关系", "Explorer"),
    ("/timeline", "时间线", "Timeline"),
    ("/history", "沿革", "History"),
    ("/statistics", "统计", "Statistics"),
    ("/practices", "新加坡经验", "Practices"),
    ("/review", "文档审阅", "Document review"),
    ("/sparql", "SPARQL", "SPARQL"),
    ("/download", "下载", "Downloads"),
]


class Label(NamedTuple):
    """A label as shown: its text, its language ("zh", "en" or ""), and whether it is a fallback."""

    text: str
    lang: str
    fallback: bool

    @property
    def badge(self) -> str:
        """What marks a fallback label: the language it is really in."""
        return BADGE.get(self.lang, self.lang)

    @property
    def html_lang(self) -> str:
        return HTML_LANG.get(self.lang, "")


def current_lang() -> str:
    """The language of this request: `?lang=`, else the cookie, else Chinese."""
    if "lang" not in g:
        wanted = request.args.get("lang") or request.cookies.get(COOKIE)
        g.lang = wanted if wanted in LANGS else DEFAULT
    return g.lang


def tr(zh: str, en: str, lang: str | None = None) -> str:
    """The UI string in the chosen language."""
    return en if (lang or current_lang()) == "en" else zh


def language_of(tag: str | None) -> str:
    """ "zh" for zh, zh-Hans, zh-hans, zh-CN…; "en" for en, en-GB…; "" for none; the tag otherwise."""
    tag = (tag or "").lower()
    for code in LANGS:
        if tag == code or tag.startswith(code + "-"):
            return code
    return tag


def pick(literals: Iterable, lang: str | None = None) -> Label | None:
    """The label to show in `lang`: that language, else one without a tag, else the other language."""
    lang = lang or current_lang()
    other = "en" if lang == "zh" else "zh"
    best: dict[str, str] = {}
    for literal in literals:
        if literal is None:
            continue
        code = language_of(getattr(literal, "language", None))
        best.setdefault(code, str(getattr(literal, "value", literal)))
    for code, fallback in ((lang, False), ("", False), (other, True)):
        if code in best:
            return Label(best[code], code, fallback)
    for code, text in sorted(best.items()):
        return Label(text, code, True)
    return None


def lang_url(code: str) -> str:
    """This request's URL with `lang` set to `code` (other parameters kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + "?" + urlencode([*args, ("lang", code)])


def _remember(response: Response) -> Response:
    wanted = request.args.get("lang")
    if wanted in LANGS and request.cookies.get(COOKIE) != wanted:
        response.set_cookie(COOKIE, wanted, max_age=365 * 24 * 3600, samesite="Lax")
    response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Give every template the language helpers, and remember `?lang=` in a cookie."""
    app.after_request(_remember)
    # globals, not context: imported macros (which see no context) can use them too
    app.jinja_env.globals.update(tr=tr, pick=pick, lang_url=lang_url, NAV=NAV)

    @app.context_processor
    def language() -> dict:
        lang = current_lang()
        return {"lang": lang, "html_lang": HTML_LANG[lang]}
