"""Quantities in a sentence -> statistical observations (area, period, indicator, value, subject).

The indicator is the phrase that names what is measured (地区生产总值1910亿元, 户籍人口21.9万人,
水域面积7.4平方千米), or, for a count, the thing counted: an institution next to the number
(建成邻里中心12个) or the noun before or after it (社区110个, 1300名社区工作者, 4703户).
An indicator the registry's list lacks is minted from the words that name it, with an English
label from the lexicons below (科创企业 -> sci-tech-company-count, "number of sci-tech
companies"), else from pinyin. Growth rates belong to the indicator of the clause before them
(…1910亿元,比上年增长10%). An infobox line without a verb (• 总计45 平方公里) takes its
indicator from its label and the heading above it (面积; 人口(2023)), and its period from the
heading when the line has none. The area is the place the clause or the sentence is about; the
period, the date of the clause or the one that opens the sentence.

The subject is the entity the figure is about: the counted institution (邻里中心12个), the
entity measured (14千米的环湖步道), else the entity standing as the subject of the number's
clause (甲街道面积45平方公里) or of the nearest clause before it in the sentence that names
one. A subject that is the observation's area is left out (None: the figure is about its
area), so a figure of the park stays a figure of the park.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sipkg.build.extract.dates import DateMention, find_dates
from sipkg.build.extract.model import Concept, Evidence, Observation, Ref, Value
from sipkg.build.extract.quantities import NOUN_UNITS, Quantity
from sipkg.build.extract.registry import Mention, mint_key, pinyin_label
from sipkg.build.extract.sentence import CLAUSE_STOPS, SentenceView

COUNT_UNITS = {"item", "person", "household", "session"}
NEEDS_INDICATOR = {"year", "month", "day", "minute", "times", "percent", ""}
COUNT_INDICATOR = {
    "org": "organisation-count",
    "site": "facility-count",
    "programme": "programme-count",
    "place": "place-count",
}
LEAD_WORDS = re.compile(
    r"^(?:目前|全区|区内|已|共有|共|建成|累计|成立|各类|达到|达|约|近|超过?|有|其中|平均|每个|投用|的|了)+"
)
NOUN_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,12})$")
NOUN_AFTER = re.compile(r"^(?:各类|的)?([\u4e00-\u9fff]{2,8}?)(?=[的,,、。;;]|$|等|和|与)")
ARABIC = re.compile(r"[0-9０-９]")
TRAILING = re.compile(r"(?:达到|达|为|有|共|约|近|超过|超|的|是|总计|合计|共计)+$")
PREPOSITIONS = ("按照", "根据", "依照", "依据", "对于", "为了", "通过", "围绕", "结合", "借鉴")
CONJUNCTIONS = "和与、及的"
STATE_AS_OF = {"end-of", "until"}  # 2010年底 / 截至2013年底: the state at that date
PER_UNIT = re.compile(r"每(?![年月天日周])")  # a ratio per institution; 每年 (yearly) is not
AREA_INDICATORS = {"area", "floor-area"}
AVERAGE = re.compile(
    r"^(?:平均|人均|每个)"
)  # a clause about the institution the sentence just named
LISTED_COUNT = re.compile(r"(?:^|[,,、::;;])([\u4e00-\u9fff]{2,4})$")
GROWTH_WORDS = re.compile(r"(?:同比|比上年|较上年)?(?:增长|增加|提高|上升|下降|减少)了?$")
NOW = re.compile(r"目前|当前|现在|现有|截至目前|如今")  # the state when the document was published
HAN = re.compile(r"[\u4e00-\u9fff]+")
BULLET = "•·▪"
BRACKETED = re.compile(r"[((][^()()]*[))]|\[\d{1,3}\]")  # (2019), [1]: not part of a label
BRACKETED_YEAR = re.compile(r"[((]((?:1[89]|20)\d\d)[))]")
HEADING_MAX = 12  # an infobox heading (面积, 人口(2023)) is short

# Counted nouns (the head word of what a count counts) -> (slug of the indicator, English plural).
COUNTED: dict[str, tuple[str, str]] = {
    "户": ("household", "households"),
    "人次": ("visit", "visits"),
    "家庭": ("family", "families"),
    "人": ("person", "people"),
    "人员": ("person", "people"),
    "人口": ("person", "people"),
    "居民": ("resident", "residents"),
    "村民": ("villager", "villagers"),
    "居委会": ("residents-committee", "residents' committees"),
    "居民委员会": ("residents-committee", "residents' committees"),
    "村委会": ("village-committee", "village committees"),
    "企业": ("company", "companies"),
    "公司": ("company", "companies"),
    "厂": ("factory", "factories"),
    "项目": ("project", "projects"),
    "社区": ("community", "communities"),
    "小区": ("estate", "housing estates"),
    "高校": ("university", "universities"),
    "大学": ("university", "universities"),
    "学校": ("school", "schools"),
    "中学": ("secondary-school", "secondary schools"),
    "小学": ("primary-school", "primary schools"),
    "幼儿园": ("kindergarten", "kindergartens"),
    "院所": ("institute", "institutes"),
    "科研院所": ("research-institute", "research institutes"),
    "研究院": ("research-institute", "research institutes"),
    "研究所": ("research-institute", "research institutes"),
    "实验室": ("laboratory", "laboratories"),
    "医院": ("hospital", "hospitals"),
    "床位": ("bed", "beds"),
    "机构": ("institution", "institutions"),
    "组织": ("organisation", "organisations"),
    "协会": ("association", "associations"),
    "合作社": ("cooperative", "cooperatives"),
    "基地": ("base", "bases"),
    "平台": ("platform", "platforms"),
    "中心": ("centre", "centres"),
    "工作站": ("workstation", "workstations"),
    "设施": ("facility", "facilities"),
    "场馆": ("venue", "venues"),
    "图书馆": ("library", "libraries"),
    "国家": ("country", "countries"),
    "地区": ("region", "regions"),
    "城市": ("city", "cities"),
    "街道": ("subdistrict", "subdistricts"),
    "镇": ("town", "towns"),
    "乡": ("township", "townships"),
    "村": ("village", "villages"),
    "县": ("county", "counties"),
    "县级市": ("county-level-city", "county-level cities"),
    "地级市": ("prefecture-level-city", "prefecture-level cities"),
    "市辖区": ("district", "districts"),
    "自治县": ("autonomous-county", "autonomous counties"),
    "委员": ("committee-member", "committee members"),
    "成员": ("member", "members"),
    "会员": ("member", "members"),
    "代表": ("representative", "representatives"),
    "新生儿": ("newborn", "newborns"),
    "双胞胎": ("twin-pair", "pairs of twins"),
    "游客": ("visitor", "visitors"),
    "人才": ("talent", "talents"),
    "专家": ("expert", "experts"),
    "志愿者": ("volunteer", "volunteers"),
    "员工": ("employee", "employees"),
    "职工": ("employee", "employees"),
    "学生": ("student", "students"),
    "教师": ("teacher", "teachers"),
    "官员": ("official", "officials"),
    "干部": ("cadre", "cadres"),
    "党员": ("party-member", "Party members"),
    "岗位": ("job", "jobs"),
    "楼宇": ("building", "buildings"),
    "住房": ("dwelling", "dwellings"),
    "住宅": ("dwelling", "dwellings"),
    "活动": ("activity", "activities"),
    "会议": ("meeting", "meetings"),
    "课程": ("course", "courses"),
    "专利": ("patent", "patents"),
    "基站": ("base-station", "base stations"),
    "线路": ("route", "routes"),
    "车位": ("parking-space", "parking spaces"),
    "景点": ("sight", "sights"),
    "景观": ("landmark", "landmarks"),
    "园区": ("park", "parks"),
    "产业园": ("industrial-park", "industrial parks"),
    "集群": ("cluster", "clusters"),
    "政策": ("policy", "policies"),
    "协议": ("agreement", "agreements"),
}
# words before a counted noun that qualify it -> (slug, English); an empty slug is dropped
MODIFIERS: dict[str, tuple[str, str]] = {
    "科创": ("sci-tech", "sci-tech"),
    "科技": ("technology", "technology"),
    "高新技术": ("high-tech", "high-tech"),
    "高科技": ("high-tech", "high-tech"),
    "生物医药": ("biomedical", "biomedical"),
    "上市": ("listed", "listed"),
    "外资": ("foreign-funded", "foreign-funded"),
    "外商投资": ("foreign-funded", "foreign-funded"),
    "外籍": ("foreign", "foreign"),
    "境外": ("overseas", "overseas"),
    "外来": ("migrant", "migrant"),
    "重点": ("key", "key"),
    "新增": ("new", "new"),
    "新建": ("new", "new"),
    "规划": ("planned", "planned"),
    "计划": ("planned", "planned"),
    "在校": ("enrolled", "enrolled"),
    "常住": ("resident", "resident"),
    "户籍": ("registered", "registered"),
    "国家级": ("national-level", "national-level"),
    "省级": ("provincial-level", "provincial-level"),
    "市级": ("municipal-level", "municipal-level"),
    "动迁": ("relocated", "relocated"),
    "安置": ("resettlement", "resettlement"),
    "专业": ("professional", "professional"),
    "国际": ("international", "international"),
    "社会": ("social", "social"),
    "民办": ("private", "private"),
    "公办": ("public", "public"),
    "研发": ("research", "research"),
    "总部": ("headquarters", "headquarters"),
    "知名": ("", ""),
    "国内外": ("", ""),
    "国内": ("", ""),
    "各类": ("", ""),
    "各": ("", ""),
    "市民": ("", ""),
    "社区": ("", ""),
    "优秀": ("", ""),
    "高端": ("", ""),
    "一流": ("", ""),
}
# verbs that end the phrase naming what is counted (接待市民游客 -> 市民游客)
VERBS = (
    "来自",
    "接待",
    "居住",
    "引进",
    "引来",
    "迎来",
    "集聚",
    "聚集",
    "吸引",
    "建成",
    "建有",
    "设有",
    "拥有",
    "共有",
    "管理",
    "下辖",
    "包括",
    "成立",
    "培训",
    "服务",
    "覆盖",
    "入驻",
    "落户",
    "参加",
    "参与",
    "招收",
    "录取",
    "培养",
    "新建",
    "举办",
    "开展",
    "发放",
    "中有",
    "有",
    "辖",
)

# Measures (the head word of what a figure measures) -> (code, English); with person units,
# 密度 is a population density
MEASURES: dict[str, tuple[str, str]] = {
    "面积": ("area", "area"),
    "占地": ("area", "area"),
    "总计": ("area", "area"),
    "人口": ("population", "population"),
    "常住人口": ("resident-population", "resident population"),
    "户籍人口": ("registered-population", "registered population"),
    "外来人口": ("migrant-population", "migrant population"),
    "流动人口": ("floating-population", "floating population"),
    "密度": ("population-density", "population density"),
    "长": ("length", "length"),
    "长度": ("length", "length"),
    "全长": ("length", "length"),
    "总长": ("length", "length"),
    "宽": ("width", "width"),
    "宽度": ("width", "width"),
    "深": ("depth", "depth"),
    "水深": ("depth", "water depth"),
    "高": ("height", "height"),
    "高度": ("height", "height"),
    "海拔": ("elevation", "elevation"),
    "投资": ("investment", "investment"),
    "总投资": ("investment", "investment"),
    "收入": ("income", "income"),
    "产值": ("output-value", "output value"),
    "营业收入": ("operating-revenue", "operating revenue"),
    "税收": ("tax-revenue", "tax revenue"),
    "预算": ("budget", "budget"),
    "经费": ("funding", "funding"),
    "销售额": ("sales", "sales"),
    "销售收入": ("sales", "sales"),
    "营收": ("operating-revenue", "operating revenue"),
    "注册资本": ("registered-capital", "registered capital"),
    "资本金": ("registered-capital", "registered capital"),
    "利润": ("profit", "profit"),
    "净利润": ("net-profit", "net profit"),
    "资产": ("assets", "assets"),
    "总资产": ("assets", "total assets"),
    "出口额": ("exports", "exports"),
    "进出口总额": ("foreign-trade", "foreign trade"),
    "贸易额": ("trade", "trade"),
    "融资": ("financing", "financing"),
    "租金": ("rent", "rent"),
}
MEASURE_MODIFIERS: dict[str, tuple[str, str]] = {
    "水域": ("water", "water"),
    "陆地": ("land", "land"),
    "绿地": ("green-space", "green space"),
    "市区": ("urban-district", "urban district"),
    "城区": ("urban-area", "urban area"),
    "建成区": ("built-up", "built-up"),
    "建筑": ("floor", "floor"),
    "平均": ("average", "average"),
    "最大": ("maximum", "maximum"),
    "最小": ("minimum", "minimum"),
    "常住": ("resident", "resident"),
    "户籍": ("registered", "registered"),
    "人均": ("per-capita", "per-capita"),
    "总": ("", ""),
    "总计": ("", ""),
    "合计": ("", ""),
    "占地": ("", ""),
    "行政区划": ("", ""),
    "南北": ("", ""),
    "东西": ("", ""),
    "全": ("", ""),
}
CURRENCIES = {"cny", "usd", "eur", "hkd", "jpy", "sgd", "gbp"}
POPULATION = {"person", ""}
MEASURE_UNITS: dict[str, set[str]] = {  # the units each measure is stated in
    "area": {"square-metre"},
    "length": {"metre"},
    "width": {"metre"},
    "depth": {"metre"},
    "height": {"metre"},
    "elevation": {"metre"},
    "population-density": {"person"},
    **{
        code: POPULATION
        for code in (
            "population",
            "resident-population",
            "registered-population",
            "migrant-population",
            "floating-population",
        )
    },
    **{
        code: CURRENCIES
        for code in (
            "investment",
            "income",
            "output-value",
            "operating-revenue",
            "tax-revenue",
            "budget",
            "funding",
            "sales",
            "registered-capital",
            "profit",
            "net-profit",
            "assets",
            "exports",
            "foreign-trade",
            "trade",
            "financing",
            "rent",
        )
    },
}
SHARE_BEFORE = re.compile(r"(?P<what>[\u4e00-\u9fff]{2,12}?)的?占(?:比)?(?:为|达到|达|约)?$")
HEAD_LABELS = {
    "密度": "人口密度",
    "长": "长度",
    "宽": "宽度",
    "深": "深度",
    "高": "高度",
    "占地": "占地面积",
    "总计": "面积",
    "人": "人员",
    "全长": "长度",
    "总长": "长度",
}
# a figure with nothing naming it, by its unit (14千米的环湖步道, 在58平方公里内)
UNIT_DEFAULT = {"square-metre": "area", "metre": "length"}
# what a bare count of people or households counts
UNIT_NOUNS = {"户": "户", "人": "人", "名": "人", "位": "人", "人次": "人次"}


def clause_start(text: str, index: int) -> int:
    return max(text.rfind(c, 0, index) for c in CLAUSE_STOPS) + 1


def clause_end(text: str, index: int) -> int:
    ends = [e for e in (text.find(c, index) for c in CLAUSE_STOPS) if e >= 0]
    return min(ends, default=len(text))


def fits(code: str, unit: str) -> bool:
    """A share is a percentage, a count counts: 人口 names a share only with %, 社区 a count only of items."""
    if code.endswith("-share"):
        return unit == "percent"
    if code.endswith("household-count"):
        return unit == "household"  # 居民 counts households only in 户
    if code.endswith("-count"):
        return unit in COUNT_UNITS
    return True


def indicator_near(v: SentenceView, indicators: dict[str, list[str]], q: Quantity) -> str | None:
    """The indicator named right after the number (7000万元专项资金, 3.4%的土地), else the one
    named last before it in its clause (地区生产总值1910亿元); only indicators that fit the unit."""
    after = v.text[q.end :].removeprefix("的")
    following = [
        (len(n), code)
        for code, names in indicators.items()
        for n in names
        if after.startswith(n) and fits(code, q.unit)
    ]
    if following:
        return max(following)[1]
    start = clause_start(v.text, q.start)
    best: tuple[int, int, str] | None = None
    for code, names in indicators.items():
        if not fits(code, q.unit):
            continue
        for name in names:
            pos = v.text.rfind(name, start, q.start)
            if pos >= 0 and (best is None or (pos + len(name), len(name)) > best[:2]):
                best = (pos + len(name), len(name), code)
    return best[2] if best else None


def _compose(
    phrase: str,
    heads: dict[str, tuple[str, str]],
    modifiers: dict[str, tuple[str, str]],
    suffix: str,
) -> tuple[int, str, str, str] | None:
    """The longest head word ending the phrase, with the known modifiers right before it:
    (length read, code, zh, en). 城区常住人口 -> urban-area-resident-population."""
    head = max((h for h in heads if phrase.endswith(h)), key=len, default=None)
    if head is None:
        return None
    slug, en = heads[head]
    rest, slugs, words, kept = phrase[: -len(head)], [], [], []
    while rest:
        word = max((w for w in modifiers if rest.endswith(w)), key=len, default=None)
        if word is None:
            break
        mslug, men = modifiers[word]
        if mslug and mslug not in slug.split("-") and mslug not in slugs:
            slugs.insert(0, mslug)
            words.insert(0, men)
            kept.insert(0, word)
        rest = rest[: -len(word)]
    code = "-".join([*slugs, slug]) + suffix
    zh = "".join(kept) + HEAD_LABELS.get(head, head)
    return len(phrase) - len(rest), code, zh, " ".join([*words, en])


def _head(phrase: str) -> str:
    return max((h for h in MEASURES if phrase.endswith(h)), key=len)


def _registry_suffix(
    phrase: str, indicators: dict[str, list[str]], unit: str
) -> tuple[int, str] | None:
    found = [
        (len(n), code)
        for code, names in indicators.items()
        for n in names
        if phrase.endswith(n) and fits(code, unit)
    ]
    return max(found) if found else None


def measure(
    phrase: str, indicators: dict[str, list[str]], unit: str
) -> tuple[str, str, str] | None:
    """The indicator a phrase ending in a measure word names: (code, zh, en); a registry
    indicator when its name is as long as what the measure lexicon reads."""
    phrase = TRAILING.sub("", BRACKETED.sub("", phrase).strip())
    known = _registry_suffix(phrase, indicators, unit)
    read = _compose(phrase, MEASURES, MEASURE_MODIFIERS, "")
    if read and unit not in MEASURE_UNITS.get(MEASURES[_head(phrase)][0], ()):
        read = None  # 增长10%: 长 is a length only in metres
    if known and (read is None or known[0] >= read[0] or known[0] > len(_head(phrase))):
        return known[1], "", ""
    if read is None or not fits(read[1], unit):
        return None
    _, code, zh, en = read
    return code, zh, en


def _phrase_before(v: SentenceView, q: Quantity) -> str:
    """The words between the clause's start (or the last entity before the number) and it."""
    start = max([clause_start(v.text, q.start)] + [m.end for m in v.mentions if m.end <= q.start])
    return v.text[start : q.start].lstrip(BULLET + " ")


def heading(v: SentenceView) -> str | None:
    """The heading above an infobox line (• 总计45 平方公里 under 面积), if this is one."""
    if not v.text.lstrip().startswith(tuple(BULLET)):
        return None
    for s in reversed(v.doc.sentences[: v.sentence.index - 1]):
        text = s.text.strip()
        if not text.startswith(tuple(BULLET)):
            return text if len(text) <= HEADING_MAX else None
    return None


def counted_words(
    text: str, indicators: dict[str, list[str]], unit: str, at_end: bool
) -> str | None:
    """The words naming a counted thing: at the start of `text` (N家科创企业 -> 科创企业), or at
    its end (外籍居民2200余人 -> 外籍居民), ending in a counted noun or a registry name."""
    if at_end:
        tail = re.search(r"[\u4e00-\u9fff]+$", TRAILING.sub("", text))
        if not tail:
            return None
        run = tail.group().rsplit("的", 1)[-1]
        for verb in VERBS:
            i = run.rfind(verb)
            if i >= 0 and i + len(verb) < len(run):
                run = run[i + len(verb) :]
        run = LEAD_WORDS.sub("", run)
        ends = [h for h in COUNTED if run.endswith(h)] + [
            n for c, ns in indicators.items() for n in ns if run.endswith(n) and fits(c, unit)
        ]
        if ends:
            return run
        # 门店30余家: a short noun standing alone before its count is the counted thing
        alone = LISTED_COUNT.search(TRAILING.sub("", text))
        noun = alone.group(1) if alone and unit == "item" else ""
        if (
            not noun
            or noun[0] in "已将正曾"
            or noun[-1] in "成完了好"
            or any(v in noun for v in VERBS)
        ):
            return None  # 已建成15个: a verb (an adverb before, a result after), not a noun
        return noun
    m = HAN.match(text.removeprefix("的").removeprefix("各类"))
    if not m:
        return None
    run = re.split(r"[和与及等的]", m.group()[:12], maxsplit=1)[0]
    names = list(COUNTED) + [n for c, ns in indicators.items() for n in ns if fits(c, unit)]
    ends = [i + len(n) for n in names for i in [run.find(n)] if i >= 0]
    return run[: max(ends)] if ends else None


def count_indicator(thing: str, indicators: dict[str, list[str]], unit: str = "item") -> str | None:
    """The registry indicator whose name is the counted noun (社区工作者 -> social-worker-count)."""
    matches = [
        (len(n), code)
        for code, names in indicators.items()
        for n in names
        if thing.endswith(n) and fits(code, unit)
    ]
    return max(matches)[1] if matches else None


def _named_count(
    thing: str, indicators: dict[str, list[str]], unit: str, pinyin: bool, suffix: str = "-count"
) -> tuple[str, str, str] | None:
    """(code, zh, en) for a count of `thing`: a registry indicator (zh, en empty), one composed
    from the lexicons, or (when `pinyin`) one minted from the words' pinyin."""
    if suffix == "-count":
        code = count_indicator(thing, indicators, unit)
        if code:
            return code, "", ""
    read = _compose(thing, COUNTED, MODIFIERS, suffix)
    if read:
        length, code, zh, en = read
        unknown = thing[: len(thing) - length]
        if (
            unknown and pinyin and len(unknown) <= 4
        ):  # a qualifier the lexicon lacks: keep it, in pinyin
            code = f"{mint_key(unknown, set())}-{code}"
            en = f"{pinyin_label(unknown)} {en}"
            zh = unknown + zh
        return code, zh, en
    if pinyin and 2 <= len(thing) <= 6:
        return f"{mint_key(thing, set())}{suffix}", thing, pinyin_label(thing)
    return None


def _list_before(v: SentenceView, q: Quantity) -> bool:
    """Whether the number closes a coordinated list: 甲、乙、丙55个社区, 甲、乙等15家."""
    before = v.masked[v.clause_bounds(v.masked_index(q.start))[0] : v.masked_index(q.start)]
    before = re.sub(r"(?:超过|超|近|约|共|逾)$", "", before)
    if before.endswith("等"):
        return "、" in before or "和" in before or "与" in before
    return before.count("、") >= 2


def _adjacent(v: SentenceView, q: Quantity) -> Mention | None:
    """An institution right before (邻里中心12个) or right after (12个邻里中心) the number."""
    for m in v.mentions:
        if m.ref.type not in COUNT_INDICATOR:
            continue
        if (
            m.end <= q.start and q.start - m.end <= 2 and m.ref.type != "place"
        ):  # 全区1300名: a place
            gap, previous = v.text[m.end : q.start], v.text[m.start - 1] if m.start else ""
            if not set(gap) & set(CLAUSE_STOPS + "、等和与及") and previous not in tuple(
                "、和与及"
            ):
                return m
        if (
            m.start >= q.end
            and m.start - q.end <= 2
            and not set(v.text[q.end : m.start]) & set(CLAUSE_STOPS)
        ):
            return m
    return None


def _topic(v: SentenceView, q: Quantity) -> Ref | None:
    """The entity the number's clause is about: one standing as the subject of the number's
    clause, before it, else of the sentence (the first clause before it that has one; a
    clause after 其中 speaks of a part, and the clauses after it of the whole again)."""
    end = v.masked_index(q.start)
    a, b = v.clause_bounds(end)
    own = _clause_subject(v, a, b, end)
    if own is not None:
        return own
    stops = [i for i, c in enumerate(v.masked[:a]) if c in CLAUSE_STOPS]
    for a, b in zip([0] + [i + 1 for i in stops], stops):
        if v.masked[max(0, a - 3) : a].rstrip(CLAUSE_STOPS).endswith("其中"):
            continue
        ref = _clause_subject(v, a, b, b)
        if ref is not None:
            return ref
    return None


_OPENING = re.compile(
    r"^(?:\s|•|·|\[\d{1,3}\]|据统计|其中|目前|当前|同时|此外|另外|截至|截止|到|至|"
    r"(?:[0-9]{4}年(?:[0-9]{1,2}月)?(?:[0-9]{1,2}日)?(?:底|初|末|以来)?)|去年|今年|上年|同年|当年)*"
)
_QUOTE = '“"「《'


def _clause_subject(v: SentenceView, a: int, b: int, before: int) -> Ref | None:
    """The entity standing first in masked[a:b] as its subject (not after a preposition, not the
    first of a list, not a collective), if it stands before `before`."""
    clause = v.masked[a:b]
    rest = _OPENING.sub("", clause)
    if rest.startswith(PREPOSITIONS + ("在", "对", "从", "向", "由", "被", "以", "为", "经")):
        return None
    rest = rest.lstrip(_QUOTE)
    if not rest:
        return None
    symbol = rest[0]
    if not 0xE000 <= ord(symbol) < 0xE000 + len(v.mentions) or a + clause.index(symbol) >= before:
        return None
    after = rest[1:].lstrip('”"」》')
    if after[:1] in tuple("、和与及"):
        return None
    ref = v.mention(symbol).ref
    if v.entities.get(ref) is not None and v.entities[ref].collective:
        return None  # 各街道, 街道办事处: all bodies of a kind, not the one the figure is about
    return ref if ref.type in ("place", "org", "site", "event") else None


def observations(
    v: SentenceView,
    quantities: list[Quantity],
    dates: list[DateMention],
    indicators: dict[str, list[str]],
    area_default: Ref | None,
    period_default: Value | None,
) -> Iterator[Observation | tuple[str, str, str]]:
    """Observations of the sentence; also yields (code, zh, en) for indicators it had to mint."""
    last: tuple[str, str] | None = None  # (indicator, unit) of the previous quantity
    head = heading(v)
    minted: set[str] = set()
    for q in quantities:
        code, subject, confidence, mint = None, None, 0.85, None
        clause = v.text[clause_start(v.text, q.start) : q.start]
        per_unit = PER_UNIT.search(clause)  # 每个工作站辐射4~6个社区
        label = _phrase_before(v, q)
        named = measure(label, indicators, q.unit) if label else None
        if named is None and head is not None:
            named = measure(label + BRACKETED.sub("", head), indicators, q.unit)
        if q.per and q.unit == "person" and not (named and named[0].endswith("population-density")):
            named = ("population-density", "人口密度", "population density")
        if (
            q.unit in ("person", "household")
            and q.kind == "amount"
            and named
            and not named[0].endswith("-count")
        ):
            code, zh, en = named  # 常住人口27.7万人, 户籍人口21.9万人: a population, not a count
            mint = (code, zh, en) if zh else None
        elif (
            q.unit in COUNT_UNITS
            and q.kind == "amount"
            and not label.strip()
            and last
            and last[1] == q.unit
            and not last[0].endswith("-count")
            and _adjacent(v, q) is None
        ):
            code, confidence = last[0], 0.75  # 常住人口12.3万人,其中,甲社区2.4万人
        elif q.unit in COUNT_UNITS and q.kind == "amount":
            code, subject, mint = _count(v, q, indicators)
            confidence = 0.75
            if per_unit and code:  # 每个工作站辐射4~6个社区: so many for each institution
                subject = next(
                    (
                        m.ref
                        for m in v.mentions
                        if m.start >= clause_start(v.text, q.start) + per_unit.end()
                        and m.end <= q.start
                    ),
                    None,
                )
                if subject is None:
                    continue
                zh = mint[1] if mint else f"{(indicators.get(code) or [''])[0]}数量"
                en = (
                    mint[2]
                    if mint
                    else f"number of {code.removesuffix('-count').replace('-', ' ')}s"
                )
                code, mint = f"{code}-each", (f"{code}-each", f"{zh}(每个)", f"{en} each")
        elif q.unit not in COUNT_UNITS:
            code = _after_code(v, q, indicators)
            if code is None and named:
                code, zh, en = named
                mint = (code, zh, en) if zh else None
            if code is None:
                code = indicator_near(v, indicators, q)
            if (
                q.unit == "percent" and code in AREA_INDICATORS
            ):  # 每个邻里中心45%的面积: a share of its area
                code, subject = "share-of-area", _last_institution(v, q.start)
            if code is None and q.unit == "percent" and q.kind == "percent":
                code, mint = _share_of(v, q, indicators)
            if code is None and q.kind in ("growth", "decline") and last:
                code = last[0]
            elif code is None and q.kind in ("growth", "decline") and label:
                # 营业收入增长12.5%: the growth of the measure the clause names, whatever its unit
                grown = _compose(
                    TRAILING.sub("", GROWTH_WORDS.sub("", label.strip())),
                    MEASURES,
                    MEASURE_MODIFIERS,
                    "",
                )
                if grown:
                    _, code, zh, en = grown
                    mint = (code, zh, en) if zh else None
            elif code is None and last and last[1] == q.unit:
                code, confidence = last[0], 0.75  # 面积288平方公里,其中,中新合作区80平方公里
            if code is None and q.unit in UNIT_DEFAULT and q.kind == "amount":
                code, confidence = UNIT_DEFAULT[q.unit], 0.7
            if subject is None and q.unit != "percent":
                subject = _measured(v, q)
        if code is None or (q.unit in NEEDS_INDICATOR and code.endswith("-count")):
            continue
        if q.kind in ("growth", "decline"):
            if mint and not code.endswith("growth"):
                mint = (f"{code}-growth", f"{mint[1]}增速", f"{mint[2]} growth")
            code = code if code.endswith("growth") else f"{code}-growth"
        else:
            last = (code, q.unit)
        if mint and mint[0] == code and code not in indicators and code not in minted:
            minted.add(code)
            yield mint
        if subject is None and AVERAGE.match(v.text[clause_start(v.text, q.start) :]):
            subject = _last_institution(
                v, clause_start(v.text, q.start)
            )  # 邻里中心12个,平均建筑面积约2.5万平方米
        area = _area(v, q) or area_default
        period = (
            _period(v, q, dates)
            or (_bracketed_year(label) if head else None)
            or _heading_period(head)
            or period_default
        )
        if area is None or period is None:
            continue
        if subject is None:
            subject = _topic(v, q)
            counted_name = _adjacent(v, q) if q.unit in COUNT_UNITS else None
            if counted_name is not None and counted_name.ref == subject:
                subject = None  # 其中上市公司41家: what is counted, not what the count is about
        if subject == area:
            subject = None
        if period is period_default:
            confidence = 0.6
        lead = v.sentence.start + clause_start(v.text, q.start)
        evidence = Evidence(v.doc.key, lead, v.sentence.start + q.end, "rule:statistic", confidence)
        yield Observation(
            area=area,
            period=period,
            indicator=Concept("indicator", code),
            value=-q.value if q.kind == "decline" else q.value,
            unit=q.unit
            or ("person" if "人口" in v.text[lead - v.sentence.start : q.start] else "item"),
            stated=q.text,
            evidence=evidence,
            approximation=q.approximation,
            subject=subject,
            upper=q.upper,
        )


def _after_code(v: SentenceView, q: Quantity, indicators: dict[str, list[str]]) -> str | None:
    """A registry indicator named right after the number (7000万元专项资金, 3.4%的土地)."""
    after = v.text[q.end :].removeprefix("的")
    following = [
        (len(n), code)
        for code, names in indicators.items()
        for n in names
        if after.startswith(n) and fits(code, q.unit)
    ]
    return max(following)[1] if following else None


def _count(
    v: SentenceView, q: Quantity, indicators: dict[str, list[str]]
) -> tuple[str | None, Ref | None, tuple[str, str, str] | None]:
    """(indicator, subject, minted indicator) of a count."""
    if q.unit == "session":
        return "event-count", None, None
    listed = _list_before(v, q)
    m = _adjacent(v, q)
    word_numeral = not ARABIC.search(
        q.text
    )  # 五个方面, 两种类型: enumerations, unless of known things
    collective = (
        m is not None and v.entities.get(m.ref) is not None and v.entities[m.ref].collective
    )
    if collective and not (listed and m.start >= q.end):
        return COUNT_INDICATOR[m.ref.type], m.ref, None
    # 甲、乙、丙55个社区居委会: a count of the list, about the body of the clause; 上市公司41家:
    # a name read for a kind of thing (one named institution is not counted)
    thing: str | None = m.text if m is not None else None
    if thing is None:
        thing = counted_words(
            v.text[q.end : clause_end(v.text, q.end)], indicators, q.unit, at_end=False
        )
    if thing is None:
        after = NOUN_AFTER.match(v.text[q.end : clause_end(v.text, q.end)])
        if after and not word_numeral:
            thing = after.group(1)
    if thing is None and not word_numeral:  # 社区两种类型: an enumeration
        thing = counted_words(_phrase_before(v, q), indicators, q.unit, at_end=True)
    if thing is None:
        stated = q.stated_unit.lstrip("十百千万亿")
        thing = stated if stated in NOUN_UNITS else UNIT_NOUNS.get(stated)
        if thing is not None:
            thing = _verb_modifier(v, q) + thing
    if thing is None:
        return None, None, None
    named = _named_count(thing, indicators, q.unit, pinyin=not word_numeral)
    if named is None:
        return None, None, None
    code, zh, en = named
    return code, None, ((code, f"{zh}数量", f"number of {en}") if zh else None)


def _verb_modifier(v: SentenceView, q: Quantity) -> str:
    """规划5270户: the verb before a bare count that qualifies it (planned households)."""
    before = TRAILING.sub("", v.text[clause_start(v.text, q.start) : q.start])
    return next((w for w in ("规划", "计划", "新增") if before.endswith(w)), "")


def _share_of(
    v: SentenceView, q: Quantity, indicators: dict[str, list[str]]
) -> tuple[str | None, tuple[str, str, str] | None]:
    """超一半的科创企业, 近六成上市公司, 30%的居民: a share of the things named after it."""
    thing = counted_words(
        v.text[q.end : clause_end(v.text, q.end)], indicators, "percent", at_end=False
    )
    if thing is None:  # 大专以上学历的占85%: the share of those named before 占
        before = SHARE_BEFORE.search(v.text[clause_start(v.text, q.start) : q.start])
        thing = before["what"] if before else None
    if thing is None:
        return None, None
    named = _named_count(thing, {}, "item", pinyin=True, suffix="-share")
    if named is None:
        return None, None
    code, zh, en = named
    return code, (code, f"{zh}占比", f"share of {en}")


def _measured(v: SentenceView, q: Quantity) -> Ref | None:
    """14千米的环湖步道, 占地11平方公里的研究生城: the entity the figure measures, named after it."""
    after = v.text[q.end :]
    if not after.startswith("的"):
        return None
    m = next((m for m in v.mentions if m.start == q.end + 1), None)
    return m.ref if m is not None and m.ref.type in ("place", "org", "site") else None


def _last_institution(v: SentenceView, before: int) -> Ref | None:
    named = [m.ref for m in v.mentions if m.end <= before and m.ref.type in ("org", "site")]
    return named[-1] if named else None


def _topic_place(v: SentenceView, start: int, end: int) -> Ref | None:
    """The place a clause is about: its first entity, if a place standing as the subject."""
    clause = v.text[start:end]
    if clause.lstrip('“"').startswith(PREPOSITIONS):
        return None
    first = next((m for m in v.mentions if start <= m.start < end), None)
    if (
        first is None
        or first.ref.type != "place"
        or v.text[first.end : first.end + 1] in CONJUNCTIONS
    ):
        return None
    return first.ref


def _area(v: SentenceView, q: Quantity) -> Ref | None:
    """The place the number's clause is about, else the one the sentence's first clause is about."""
    start = clause_start(v.text, q.start)
    return _topic_place(v, start, q.start) or _topic_place(v, 0, clause_end(v.text, 0))


def _bracketed_year(label: str) -> Value | None:
    """• 市区(2019)663.7万人: the year an infobox label states in brackets."""
    year = BRACKETED_YEAR.search(label)
    return Value(year.group(1), "gYear") if year else None


def _heading_period(head: str | None) -> Value | None:
    """人口(2023) above • 常住人口1,619.69万人: the year of the heading."""
    if not head:
        return None
    found = [d for d in find_dates(head) if d.end_value is None]
    if not found:
        return _bracketed_year(head)
    return Value(found[-1].value, found[-1].datatype)


def _period(v: SentenceView, q: Quantity, dates: list[DateMention]) -> Value | None:
    """The date in the number's clause, else one that opens the sentence or states an as-of date.

    A clause that says 目前 (now) is about the publication date: None lets the caller use it.
    """
    start = clause_start(v.text, q.start)
    if NOW.search(v.text[clause_start(v.text, max(start - 1, 0)) : q.start]):  # 目前,全区共有…
        return None
    usable = [
        d
        for d in dates
        if d.end_value is None
        and d.end <= q.start
        and v.text[d.start - 1 : d.start]
        not in ("比", "较")  # 比上年增长: the base, not the period
        and "since" not in (d.qualifier or "")
    ]  # 自1994年以来年均增长: a span up to the document's date
    governing = [
        d
        for d in usable
        if start <= d.start or d.start <= 3 or STATE_AS_OF & set((d.qualifier or "").split())
    ]
    chosen = governing[-1] if governing else None
    return Value(chosen.value, chosen.datatype) if chosen else None
