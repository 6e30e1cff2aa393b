"""The countries of ISO 3166 (pycountry), named in English and in Chinese (pycountry's own zh_CN
translations, shipped in its wheel), so that one country is one entity whichever language names it.

`ENGLISH` maps every English name form without a comma (China, People's Republic of China) to the
country's usual English name (its common name, else its name); `CHINESE` maps each Chinese name
(德国, 德意志联邦共和国) to that same usual English name, which keys the entity.
"""

from __future__ import annotations

import gettext

import pycountry

# not countries (Antarctica), or parts of China the registry names as such
_NOT_COUNTRIES = {"AQ", "CN", "HK", "MO", "TW"}
# Chinese names that are also common words or local names: 黑山 (a hill), 苏丹 (a sultan)
_AMBIGUOUS = {"黑山", "苏丹", "蒙古", "多哥", "关岛"}


def _usual(c) -> str:
    return getattr(c, "common_name", None) or c.name


def _english_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for c in pycountry.countries:
        if "," in _usual(c) or "(" in _usual(c):
            continue
        for form in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if form and "," not in form and "(" not in form:
                forms.setdefault(form, _usual(c))
    return forms


def _chinese_forms() -> dict[str, str]:
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    forms: dict[str, str] = {}
    for c in pycountry.countries:
        usual = _usual(c)
        if c.alpha_2 in _NOT_COUNTRIES or "," in usual or "(" in usual:
            continue
        for form in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            name = zh.gettext(form) if form else ""
            if len(name) >= 2 and name != form and name not in _AMBIGUOUS and " " not in name:
                forms.setdefault(name, usual)
    return forms


ENGLISH = _english_forms()
CHINESE = _chinese_forms()
