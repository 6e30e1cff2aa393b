"""The reading view of a text in traditional script: the same text in simplified characters.

Names, registry matches and rules are written in simplified script; a traditional-script text
(金雞湖街道) is read through its simplified shadow (金鸡湖街道) with the same code-point offsets,
so every quote and offset of the evidence stays in the original text. OpenCC converts phrase by
phrase; where a phrase would change length, the shadow falls back to character by character.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def _char(c: str) -> str:
    out = _T2S.convert(c)
    return out if len(out) == 1 else c


def simplified(text: str) -> str:
    """`text` in simplified script, code point for code point (len(simplified(t)) == len(t))."""
    out = _T2S.convert(text)
    if len(out) == len(text):
        return out
    return "".join(_char(c) for c in text)
