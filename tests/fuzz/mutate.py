"""Mutations of SPARQL text: token deletion, duplication and swaps, odd Unicode, huge numbers, deep nesting.

Pure functions of (text, op, at, amount) so that hypothesis and atheris drive the same
mutations from their own choices; `to_bytes` keeps lone surrogates and escaped bytes as the
invalid UTF-8 a hostile client would send.
"""

from __future__ import annotations

import re

from .oracle import PROBE_TAG

TOKEN = re.compile(
    r"""\s+|<[^<>\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[?$]?[\w:.\-]+|.""", re.DOTALL
)
ODD = [
    "\x00",
    "\ud800",
    "\udfff",
    "\udcff",
    "\u202e",
    "\u200f",
    "\u0301",
    "\u0301" * 40,
    "\ufeff",
    "\uffff",
    "\U0001f600",
    "\U0010ffff",
    "園區",
    "\r",
    "\x0b",
    "\x85",
    "\u2028",
    "\\u0000",
    "\\ud800",
    "\\UFFFFFFFF",
    "\\U0010FFFF",
    "\\U00110000",
    "\\u00",
    "\\",
    PROBE_TAG,
    "%00",
    "%ff",
    "%",
    "%%",
    "%u202e",
    '"""',
    "'''",
    "#",
    "<",
    "{",
    "}",
    "(",
    ")",
    "\t",
    "?",
    "$",
    "a",
    ".",
    ";",
    ",",
    "^^",
    "@",
    "_:b",
    "[]",
    "*",
    "|",
]
HUGE = [
    "9" * 400,
    "1e999999",
    "-0",
    "18446744073709551616",
    "-9223372036854775809",
    "0x10",
    "1.",
    ".5e-999",
    "NaN",
    "INF",
    "4294967296",
    "1" + "0" * 30,
]
OPS = (
    "keep",
    "delete",
    "duplicate",
    "swap",
    "odd",
    "huge",
    "nest-braces",
    "nest-parens",
    "bytes",
    "truncate",
)
MAX_NEST = 5000


def tokenize(text: str) -> list[str]:
    """SPARQL split into tokens and the space between them (joining them gives the text back)."""
    return TOKEN.findall(text)


def mutate(text: str, op: int, at: int, amount: int) -> str:
    """One mutation of `text`: OPS[op] at token index `at` (both taken modulo), sized by `amount`."""
    toks = tokenize(text) or [""]
    i = at % len(toks)
    name = OPS[op % len(OPS)]
    if name == "delete":
        del toks[i]
    elif name == "duplicate":
        toks.insert(i, toks[i])
    elif name == "swap" and i + 1 < len(toks):
        toks[i], toks[i + 1] = toks[i + 1], toks[i]
    elif name == "odd":
        toks.insert(i, ODD[amount % len(ODD)])
    elif name == "huge":
        numbers = [k for k, t in enumerate(toks) if t[:1].isdigit()] or [i]
        toks[numbers[at % len(numbers)]] = HUGE[amount % len(HUGE)]
    elif name == "nest-braces":
        return _nest(toks, "{ ", " }", amount)
    elif name == "nest-parens":
        return _nest(
            toks, "", "", amount, filler=lambda n: " FILTER(" + "(" * n + "1" + ")" * n + ") "
        )
    elif name == "bytes":
        toks.insert(i, "".join(chr(0xDC80 + (amount >> (8 * k) & 0x7F)) for k in range(3)))
    elif name == "truncate":
        return "".join(toks)[: amount % (len(text) + 1)]
    return "".join(toks)


def _nest(toks: list[str], opening: str, closing: str, amount: int, filler=None) -> str:
    """The group after the first `{` wrapped `amount` deep (in braces, or around a filler)."""
    depth = amount % MAX_NEST
    if "{" not in toks:
        return "".join(toks) + (filler(depth) if filler else opening * depth + closing * depth)
    first = toks.index("{")
    last = len(toks) - 1 - toks[::-1].index("}") if "}" in toks else len(toks)
    inner = "".join(toks[first + 1 : last])
    middle = filler(depth) + inner if filler else opening * depth + inner + closing * depth
    return "".join(toks[: first + 1]) + middle + "".join(toks[last:])


def to_bytes(text: str) -> bytes:
    """UTF-8, except that lone surrogates stay (invalid) and U+DC80..U+DCFF stand for the raw bytes 0x80..0xFF."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return b"".join(
            c.encode("utf-8", "surrogateescape")
            if "\udc80" <= c <= "\udcff"
            else c.encode("utf-8", "surrogatepass")
            for c in text
        )
