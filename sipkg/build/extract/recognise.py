"""Finds institution and place names the registry does not know, from Chinese naming patterns.

A name is a run of noun tokens (jieba part-of-speech) ending in an institutional head
word (…委员会, …局, …街道, …邻里中心, …医院, …公司); it must begin with something
specific — a place or proper name — so that generic phrases (社区服务中心, 各街道) are
not taken for names. A noun the segmenter does not know, or knows as rare (唯亭, 星湖:
local names), counts as specific; common nouns (社会, 服务) do not.

Abbreviations (…社工委 for …社区工作委员会, …管委会 for …管理委员会) name the same body:
`equivalents` gives the other forms of a name, so both get one key.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import jieba
import jieba.posseg

from sipkg.build.extract.countries import CHINESE
from sipkg.build.extract.registry import Mention

jieba.setLogLevel(logging.WARNING)

# head word -> (IRI type, sip class); longer heads are tried first
HEADS: dict[str, tuple[str, str]] = {
    "社区工作委员会": ("org", "CommunityWorkCommittee"),
    "社工委": ("org", "CommunityWorkCommittee"),
    "管理委员会": ("org", "AdministrativeCommittee"),
    "管委会": ("org", "AdministrativeCommittee"),
    "党工委": ("org", "PartyWorkingCommittee"),
    "居民委员会": ("org", "ResidentsCommittee"),
    "居委会": ("org", "ResidentsCommittee"),
    "委员会": ("org", "Committee"),
    "人民政府": ("org", "Government"),
    "政府": ("org", "Government"),
    "法院": ("org", "Court"),
    "医院": ("org", "Hospital"),
    "卫生院": ("org", "Hospital"),
    "学校": ("org", "School"),
    "中学": ("org", "School"),
    "小学": ("org", "School"),
    "大学": ("org", "School"),
    "学院": ("org", "School"),
    "幼儿园": ("org", "School"),
    "局": ("org", "Bureau"),
    "办公室": ("org", "Office"),
    "工作站": ("org", "CommunityWorkstation"),
    "理事会": ("org", "Council"),
    "联盟": ("org", "Alliance"),
    "学会": ("org", "Association"),
    "协会": ("org", "Association"),
    "商会": ("org", "Association"),
    "研究院": ("org", "ResearchInstitute"),
    "研究所": ("org", "ResearchInstitute"),
    "研究中心": ("org", "ResearchInstitute"),
    "集团": ("org", "Company"),
    "有限公司": ("org", "Company"),
    "公司": ("org", "Company"),
    "合作社": ("org", "Cooperative"),
    "志愿者大队": ("org", "VolunteerGroup"),
    "邻里中心": ("site", "NeighbourhoodCentre"),
    "民众联络所": ("site", "CommunityCentre"),
    "服务中心": ("site", "ServiceCentre"),
    "服务站": ("site", "ServiceStation"),
    "文化站": ("site", "CulturalStation"),
    "街道": ("place", "Subdistrict"),
    "镇": ("place", "Town"),
    "乡": ("place", "Town"),
    "村": ("place", "Community"),
    "社区": ("place", "Community"),
    "开发区": ("place", "DevelopmentZone"),
    "高新区": ("place", "DevelopmentZone"),
    "新区": ("place", "DevelopmentZone"),
    "创新区": ("place", "DevelopmentZone"),
    "商务区": ("place", "DevelopmentZone"),
    "产业园": ("place", "DevelopmentZone"),
    "科技园": ("place", "DevelopmentZone"),
    "工业园": ("place", "DevelopmentZone"),
    "区": ("place", "District"),
    "县": ("place", "County"),
    "市": ("place", "City"),
    "省": ("place", "Province"),
    "实验室": ("org", "ResearchInstitute"),
    "银行": ("org", "Company"),
    "交易所": ("org", "Company"),
    "电视台": ("org", "Company"),
    "报社": ("org", "Company"),
    "俱乐部": ("org", "Association"),
    "部": ("org", "Ministry"),
    "日报": ("publication", "Publication"),
    "晚报": ("publication", "Publication"),
    "早报": ("publication", "Publication"),
    "时报": ("publication", "Publication"),
    "艺术中心": ("site", "Facility"),
    "文化中心": ("site", "Facility"),
    "金融中心": ("site", "Facility"),
    "会展中心": ("site", "Facility"),
    "体育中心": ("site", "Facility"),
    "购物中心": ("site", "Facility"),
    "景区": ("site", "Facility"),
    "大厦": ("site", "Facility"),
    "广场": ("site", "Facility"),
    "公园": ("site", "Facility"),
    "博物馆": ("site", "Facility"),
    "图书馆": ("site", "Facility"),
    "美术馆": ("site", "Facility"),
    "体育馆": ("site", "Facility"),
    "大剧院": ("site", "Facility"),
    "剧院": ("site", "Facility"),
    "影城": ("site", "Facility"),
    "书店": ("site", "Facility"),
    "酒店": ("site", "Facility"),
    "码头": ("site", "Facility"),
    "大桥": ("site", "Facility"),
    "城": ("place", "DevelopmentZone"),  # 苏州研究生城, 科学城: a district built for one purpose
    "频道": ("org", "Company"),  # a broadcaster's or a news site's channel
}
HEADS_BY_LENGTH = sorted(HEADS, key=len, reverse=True)
# heads that end many words besides names (新城, 古城): only as a word of their own (研究生|城) do they
# end a name, and they are never a list's shared head
UNSHARED_HEADS = {"城"}

SPECIFIC = {"ns", "nr", "nrt", "nt", "j", "eng"}  # place, person, organisation, other proper names
PERSON_OR_PLACE = {"ns", "nr", "nrt"}
NOUNISH = SPECIFIC | {"n", "nz", "nrfg", "vn", "an", "ng", "s", "f", "b", "g"}
# heads that after a known place name mean "the … of that place", not a name (园区社区,
# 新加坡政府): these need a proper name of their own (金鸡湖街道)
WEAK_HEADS = {"社区", "学校", "政府", "街道", "区", "县", "市", "省", "乡", "村", "部"}
# common words that end like a head word but are not one (布局, 格局, 城镇)
NOT_HEADS = (
    "上市公司",  # kinds of company, not names
    "子公司",
    "分公司",
    "总公司",
    "母公司",
    "布局",
    "格局",
    "全局",
    "大局",
    "当局",
    "结局",
    "开局",
    "出局",
    "乡镇",
    "城镇",
    "村镇",
    "市镇",
    "中小学",
    "中小学校",
    # 区 县 市 省 乡 村 部 end many common words
    "地区",
    "辖区",
    "城区",
    "市区",
    "郊区",
    "小区",
    "片区",
    "街区",
    "校区",
    "厂区",
    "园区",
    "山区",
    "景区内",
    "灾区",
    "禁区",
    "误区",
    "专区",
    "分区",
    "社区",
    "郡县",
    "州县",
    "城市",
    "都市",
    "超市",
    "股市",
    "上市",
    "夜市",
    "集市",
    "门市",
    "楼市",
    "车市",
    "反省",
    "节省",
    "城乡",
    "家乡",
    "故乡",
    "下乡",
    "农村",
    "乡村",
    "内部",
    "外部",
    "全部",
    "总部",
    "局部",
    "东部",
    "西部",
    "南部",
    "北部",
    "中部",
    "干部",
    "底部",
    "头部",
    "上部",
    "下部",
    "前部",
    "后部",
    "本部",
    "面部",
    "基部",
    "各部",
    "该部",
    "首部",
    "一部",
    "这部",
)
# verbs jieba sometimes tags as place names (新建 is also a county): never part of a name
VERBS = {
    "新建",
    "扩建",
    "改建",
    "筹建",
    "兴建",
    "组建",
    "建成",
    "成立",
    "设立",
    "开设",
    "举办",
    "联合",
    "依托",
    "新设",
    "建设",
    "打造",
    "启用",
    "开业",
    "落成",
    "内设",
    "设有",
    "入驻",
    "配备",
}
GENERIC = {
    "各",
    "各类",
    "每个",
    "该",
    "本",
    "全区",
    "全市",
    "全省",
    "全国",
    "基层",
    "城市",
    "相关",
    "新型",
    "一批",
    # where something is: 政府驻地|娄葑街道, 所在地|唯亭镇 (an infobox label before a name)
    "驻地",
    "所在地",
    "地址",
    "总部",
}
MAX_TOKENS = 6
# words of office that stand before or after a person's name
TITLES = (
    "书记",
    "市长",
    "区长",
    "县长",
    "省长",
    "镇长",
    "主任",
    "主席",
    "总理",
    "部长",
    "局长",
    "院长",
    "校长",
    "董事长",
    "总经理",
    "经理",
    "处长",
    "秘书长",
    "大使",
    "总裁",
    "行长",
    "会长",
    "社长",
    "台长",
    "教授",
    "先生",
    "女士",
    "小姐",
    "议员",
    "委员长",
)
TOPONYM = re.compile(
    r"(?P<stem>[\u4e00-\u9fff]{1,3}[湾湖港浦塘泾浜桥庄苑墩岛洲])(?P<head>社区|街道|镇|村)"
)
# nouns for groups of people: 治安义工、反扒志愿者大队 lists kinds of teams, not names sharing a head
PEOPLE = (
    "义工",
    "志愿者",
    "人员",
    "居民",
    "群众",
    "民警",
    "干部",
    "职工",
    "员工",
    "党员",
    "学生",
    "专家",
)
# nouns that name a category of bodies; before a head word they make a description, not a name
CATEGORIES = {
    "企业", "单位", "机构", "组织", "部门", "公司", "集团", "社团", "团体", "平台",
    "高校", "院校", "院所", "学府",
}  # fmt: skip
RARE = 1000  # jieba dictionary frequency below which a plain noun reads as a local proper name
PROPER_NOUN_FLAGS = {"n", "nz"}
# one character the segmenter split off a short name (胜|浦镇); never these function words
NOT_NAME_CHARS = set("的了在于和与及或是为由对把被将让给从向往至到各每该本这那其有无等并座个条位")
ABBREVIATIONS = {
    "社区工作委员会": "社工委",
    "管理委员会": "管委会",
    "居民委员会": "居委会",
    "党的工作委员会": "党工委",
}


def equivalents(name: str) -> list[str]:
    """The other forms of a name: 湖西社工委 <-> 湖西社区工作委员会, 国家5A级 <-> 国家AAAAA级."""
    out = []
    grade = GRADE.search(name)
    if grade:
        letters = "A" * int(grade.group(1)) if grade.group(1) else f"{len(grade.group(2))}A"
        out.append(name[: grade.start()] + letters + name[grade.end() - 1 :])
    for full, short in ABBREVIATIONS.items():
        if name.endswith(full) and len(name) > len(full):
            out.append(name.removesuffix(full) + short)
        elif name.endswith(short) and len(name) > len(short):
            out.append(name.removesuffix(short) + full)
    return out


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    name: str
    type: str
    cls: str


class Recogniser:
    """Names by pattern; registry names are kept whole by the segmenter."""

    def __init__(self, known_names: list[str], specific_names: set[str] = frozenset()):
        self.known = set(known_names)
        tokenizer = jieba.Tokenizer()
        for name in known_names:
            tokenizer.add_word(name, freq=20000, tag="nt")
        for name in CHINESE:  # 德国|商会: a country is one word, and a place name
            if name not in self.known:
                tokenizer.add_word(name, freq=20000, tag="ns")
        for head in HEADS:  # 文化|艺术中心, not 文化艺术|中心: a head word is one token
            if len(head) > 1 and head not in tokenizer.FREQ:
                tokenizer.add_word(head, freq=2000, tag="n")
        self.segment = jieba.posseg.POSTokenizer(tokenizer)
        self.frequency = tokenizer.FREQ
        self.specific_names = set(specific_names)

    def find(self, text: str, mentions: list[Mention] = ()) -> list[Candidate]:
        """Unknown names in text; a name must be longer than any known name it contains."""
        tokens, pos = [], 0
        for word, flag in self.segment.cut(text):
            tokens.append((pos, pos + len(word), word, flag))
            pos += len(word)
        found: list[Candidate] = []
        for i, (_, _, word, _) in enumerate(tokens):
            head = next((h for h in HEADS_BY_LENGTH if word.endswith(h)), None)
            if (
                head is None
                or (word != head and word.endswith(NOT_HEADS))
                or (word != head and word in self.specific_names)
                or (word != head and head in UNSHARED_HEADS)  # 研究生|城, not the word 新城
            ):
                continue  # a specific known name (中新区) is a name of its own, not a head word
            candidate = self._name_ending_at(tokens, i, head, text)
            if (
                candidate
                and candidate.name not in self.known
                and not _inside_mention(candidate, mentions)
            ):
                found.append(candidate)
        found += [c for c in self._persons(tokens) if not _inside_mention(c, mentions)]
        found += [
            Candidate(a, b, word, "place", "Country")
            for a, b, word, _ in tokens
            if word in CHINESE and word not in self.known
        ]  # 德国, 美国: ISO 3166's countries, as one word of the text
        starts = {a for a, _, _, _ in tokens}
        found += [
            c for c in self._toponyms(text, mentions, starts) if not _inside_mention(c, mentions)
        ]
        return non_overlapping([_without_parent(c, mentions) for c in found])

    def _toponyms(self, text: str, mentions=(), starts: set[int] = frozenset()) -> list[Candidate]:
        """Local names the segmenter cuts apart (玲珑|湾|社区): a short name ending in a landform or
        settlement character (湾 湖 港 浦 塘 桥 苑 …) before a community, subdistrict or town head."""
        found = []
        for m in TOPONYM.finditer(text):
            start = max(
                [m.start()] + [k.end for k in mentions if m.start() < k.end < m.start("head")]
            )
            while starts and start not in starts and start < m.start("head"):
                start += 1  # 联合|白鹭洲街道: a name begins where a word does
            name, head = (
                text[start : m.end()],
                m.group("head"),
            )  # 园区|玲珑湾社区: not into a known name
            if len(name) - len(head) < 2:
                continue
            if (
                name in self.known
                or m.group("stem")[0] in NOT_NAME_CHARS
                or m.group("stem") in self.known
            ):
                continue
            type_, cls = HEADS[head]
            found.append(Candidate(start, m.end(), name, type_, cls))
        return found

    def _persons(self, tokens) -> list[Candidate]:
        """People named beside their title: 市长吴庆文, 区委书记 方文浜, 谢易涵小姐. A person's name is a
        name the segmenter tags as one, or a short word it does not know, next to a title word."""
        found = []
        for i, (start, end, word, flag) in enumerate(tokens):
            if (
                not 2 <= len(word) <= 4
                or not all("\u4e00" <= c <= "\u9fff" for c in word)
                or word in self.known
            ):
                continue
            j, k = i - 1, i + 1
            while (
                j >= 0 and tokens[j][2].strip(" |:：") == ""
            ):  # 区委书记 | 方文浜: separators between
                j -= 1
            while k < len(tokens) and tokens[k][2].strip(" |:：") == "":
                k += 1
            before = tokens[j][2] if j >= 0 else ""
            after = tokens[k][2] if k < len(tokens) else ""
            titled = before.endswith(TITLES) or after.startswith(TITLES)
            person_like = flag in ("nr", "nrfg", "nrt") or (
                flag in ("n", "nz", "x") and self.frequency.get(word, 0) < 1
            )
            if titled and person_like and word not in GENERIC and not word.endswith(TITLES):
                found.append(Candidate(start, end, word, "person", "Person"))
        return found

    def coordinated(self, text: str, mentions: list[Mention] = ()) -> list[Candidate]:
        """Names that share a head word: 甲、乙和丙社工委 gives 甲社工委, 乙社工委, 丙社工委. Where a
        count is stated (甲、乙、丙3个街道) it must equal the number of names, else none is taken."""
        found: list[Candidate] = []
        for m in COORDINATION.finditer(text):
            head = m.group("head")
            parts = [
                (p.start() + m.start("items"), p.group())
                for p in re.finditer(r"[^、和与及]+", m.group("items"))
            ]
            parts = [(a, w.removeprefix("以")) if w.startswith("以") else (a, w) for a, w in parts]
            first_at, first = parts[0]
            trimmed = self._trim_leading(first)
            if not trimmed:
                continue
            parts[0] = (first_at + len(first) - len(trimmed), trimmed)
            *_rest, (last_at, last) = parts
            if m.group("count") is None and not head.startswith("社区") and last.endswith("社区"):
                head, last = "社区" + head, last.removesuffix("社区")  # 甲、乙、丙社区居委会
                parts[-1] = (last_at, last)
            if m.group("count") is not None and _count(m.group("count")) != len(parts):
                continue
            counted = (
                m.group("count") is not None
            )  # a stated count that matches vouches for the names
            bare = head[2:] if head.startswith("社区") and len(head) > 2 else head
            whole = all(
                w.endswith(bare) for _, w in parts[:-1]
            )  # 姑苏区、相城区和吴中区: full names listed
            if (last + head).endswith(NOT_HEADS) or (len(head) < 2 and not counted and not whole):
                continue  # 空间布局: 局 ends a common word; a one-character head needs a count (教育、卫生2个局)
            kind = next(h for h in HEADS_BY_LENGTH if bare.endswith(h))
            type_, cls = HEADS[kind]
            weak = bare.endswith(tuple(WEAK_HEADS)) or head.startswith(
                "社区"
            )  # 城市、农村社区: no names
            if type_ == "site" and not counted and not whole:
                continue  # 甲、乙、丙大桥: a list of sights ends with one bridge; facilities need a count
            for at, word in parts:
                if (
                    len(word) < 2
                    or word in GENERIC
                    or word in self.known
                    or len(word) > 8
                    or "的" in word
                    or (word.endswith(PEOPLE))
                    or word.endswith(tuple(CATEGORIES))  # 知名高校和甲实验室: a kind, not a name
                    or FRACTION.search(word)  # 近六成上市公司: a share of them
                    or (weak and not counted and not self._local_name(word))
                ):
                    break
            else:
                for i, (at, word) in enumerate(parts):
                    end = (
                        m.end()
                        if i == len(parts) - 1 and m.group("count") is None
                        else at + len(word)
                    )
                    own_head = not counted and word.endswith(
                        tuple(HEADS_BY_LENGTH)
                    )  # 甲艺术中心、乙文化中心
                    name = (
                        word if word.endswith(bare) or own_head else word + head
                    )  # 甲大学、乙大学等: whole names
                    c = Candidate(at, end, name, type_, cls)
                    if not _inside_mention(c, mentions):
                        found.append(c)
        return found

    def listed(self, text: str, mentions: list[Mention] = ()) -> list[Candidate]:
        """Names listed before a class noun (“甲”“乙”十大景观, 甲、乙等景点): see `listed`."""
        return listed(text, self.known, mentions)

    def _local_name(self, word: str) -> bool:
        """A place or proper name, or a word the dictionary lacks or knows as rare (新馨, 沁苑), not a
        common noun (城市, 农村) or a description (健全完善的, 国际化)."""
        tokens = list(self.segment.cut(word))
        if any(t.flag.startswith(DESCRIPTIVE) or t.word in CATEGORIES for t in tokens):
            return False
        return any(
            t.flag in PERSON_OR_PLACE or self.frequency.get(t.word, 0) < RARE for t in tokens
        )

    def _trim_leading(self, word: str) -> str:
        """The first conjunct without the verb or function words before it (管理新城 -> 新城)."""
        tokens = list(self.segment.cut(word))
        cut = max(
            (
                i + 1
                for i, t in enumerate(tokens[:-1])
                if t.flag.startswith(NOT_NAME_START) or t.word in GENERIC or t.word in VERBS
            ),
            default=0,
        )
        return "".join(t.word for t in tokens[cut:])

    def _proper(self, word: str, flag: str, wanted: set[str]) -> bool:
        """A token that makes a name specific: a proper-name tag, or a rare or unknown noun."""
        if word in GENERIC or word in VERBS:
            return False
        # after a weak head (…社区, …学校) only a word the dictionary lacks: 唯亭街道, not 商品房社区
        threshold = 1 if wanted is not SPECIFIC else RARE
        rare = (
            flag in PROPER_NOUN_FLAGS and len(word) >= 2 and self.frequency.get(word, 0) < threshold
        )
        return flag in wanted or rare

    def _name_ending_at(self, tokens, i: int, head: str, text: str) -> Candidate | None:
        start_i = i
        while start_i > 0 and i - start_i < MAX_TOKENS - 1:
            word, flag = tokens[start_i - 1][2], tokens[start_i - 1][3]
            generic_known = word in self.known and word not in self.specific_names
            # 唯亭街道党政办公室, 苏州邻里中心发展有限公司: a generic name after a proper one is part of an
            # organisation's name; before a facility (唯亭街道青剑湖邻里中心) it only says where it is
            inside_name = (
                generic_known
                and HEADS[head][0] == "org"
                and (
                    (start_i > 1 and self._proper(*tokens[start_i - 2][2:], SPECIFIC))
                    or (start_i < i and tokens[start_i][3] == "vn")
                    or (start_i == i and tokens[i][2].startswith(RUNS))
                )
            )  # 民众联络所|管理|委员会: the body that runs a known kind of place is named after it
            if (
                flag not in NOUNISH
                or word in GENERIC
                or word in VERBS
                or (generic_known and not inside_name)
            ):
                break
            start_i -= 1
        parts = tokens[start_i : i + 1]
        head_token = tokens[i][2]
        if head_token == head and i > start_i and tokens[i - 1][2] in CATEGORIES:
            return None  # 科创企业公司, 各类机构协会: a category of bodies, not the name of one
        prefix = [(word, flag) for _, _, word, flag in parts[:-1]]
        wanted = SPECIFIC
        if head_token.endswith(tuple(WEAK_HEADS)):
            prefix = [(w, f) for w, f in prefix if w not in self.known]
            wanted = PERSON_OR_PLACE
        specific = any(self._proper(word, flag, wanted) for word, flag in prefix)
        own_name = (
            head_token != head
            and head_token not in self.known
            and tokens[i][3] in wanted
            and (tokens[i][3] in PERSON_OR_PLACE or self.frequency.get(head_token, 0) < RARE)
        )  # not 上市公司
        glossed = GLOSS.match(text, tokens[i][1]) is not None  # 公民咨询委员会(Citizens’ …)
        specific = specific or own_name or glossed
        if not specific:
            return None
        start, end = parts[0][0], parts[-1][1]
        if end - start <= len(head) + 1 and start_i == i and start_i > 0:
            before = tokens[start_i - 1][2]  # 胜|浦镇: the segmenter split a short name
            if len(before) == 1 and "\u4e00" <= before <= "\u9fff" and before not in NOT_NAME_CHARS:
                start = tokens[start_i - 1][0]
        name = text[start:end]
        if len(name) <= len(head) + 1:
            return None
        type_, cls = HEADS[head]
        return Candidate(start, end, name, type_, cls)


ADMINISTRATIVE = {"Province", "City", "District", "County", "Town", "Subdistrict", "Community"}


def _without_parent(c: Candidate | None, mentions) -> Candidate | None:
    """苏州市虎丘区, 虎丘区虎丘镇: a place named after the known place it lies in is the name that
    follows (Chinese writes the larger unit first); the address rule relates the two. A zone or
    park keeps the city in its name (苏州生物医药产业园)."""
    if c is None or c.cls not in ADMINISTRATIVE:
        return c
    head = next(h for h in HEADS_BY_LENGTH if c.name.endswith(h))
    while True:  # 江苏省苏州市松岭区: every larger unit written first
        parent = next(
            (m for m in mentions if m.start == c.start and m.end < c.end and m.ref.type == "place"),
            None,
        )
        if parent is None or c.end - parent.end < len(head) + 2:
            return c
        c = Candidate(parent.end, c.end, c.name[parent.end - c.start :], c.type, c.cls)


GRADE = re.compile(r"(?:([1-5])A|(A{1,5}))级")  # 5A级 = AAAAA级, China's grades of scenic areas

# What a title or rank is called: a designation names a kind of recognition (示范区, 试点单位, 景区 of a
# grade, 金榜), and is read where a designation verb or quotation marks introduce it.
DESIGNATION_HEADS = (
    "示范区", "示范基地", "示范园区", "示范单位", "示范点", "示范社区", "示范城市", "示范项目",
    "试点单位", "试点城市", "试点地区", "试点", "实验区", "试验区", "先行区", "旅游景区",
    "旅游度假区", "基地", "榜单", "金榜", "榜", "百强", "强", "奖", "先进集体",
    "先进单位", "文明单位", "文明城市", "名城", "遗产",
)  # fmt: skip
_DESIGNATION_HEAD = "(?:" + "|".join(sorted(DESIGNATION_HEADS, key=len, reverse=True)) + ")"
_DESIGNATION_NAME = r"[^“”\"「」,，。;；、:：()（）\s]{2,22}?" + _DESIGNATION_HEAD
# the verbs that confer a title on the subject before them (被评为, 荣获, 登上…榜)
DESIGNATION_VERBS = "被评为|获评|评为|荣获|获得|获批|跻身|被确定为|确定为|被命名为|命名为|认定为|名列|入选|登上|成为"
CONFERRED = re.compile(
    r"(?:" + DESIGNATION_VERBS + r")"
    r"了?(?:[^,，。;；“\"]{0,12}?的)?[“\"「]?(?P<d>"
    + _DESIGNATION_NAME
    + r")(?:称号|荣誉)?[”\"」]?"
    r"(?=[,，。;；]|$|之一|行列|名单|称号|荣誉|的)"
)
# quoted, a title says whose it is (“国家商务旅游示范区”); “中新合作示范区” after 打造 is an aim
QUOTED_DESIGNATION = re.compile(
    r"[“\"「](?P<d>(?:国家|全国|中国|全省|省级|江苏省|世界|国际)" + _DESIGNATION_NAME + r")[”\"」]"
)


def designations(text: str, mentions=()) -> list[Candidate]:
    """Designations by where they stand: after a designation verb (被评为国家5A级旅游景区, 登上…金榜),
    or quoted with a level and a designation head (“国家商务旅游示范区”). What precedes a 的 is a description of
    the title (荣获国家旅游局颁发的…), not part of it."""
    found = []
    for pattern in (CONFERRED, QUOTED_DESIGNATION):
        for m in pattern.finditer(text):
            name = m.group("d").removeprefix("了")
            if name in GENERIC or len(name) < 4:
                continue
            start = m.end("d") - len(name)
            grade = GRADE.search(name)  # the official form names it: 国家AAAAA级旅游景区
            if grade and grade.group(1):
                name = name[: grade.start()] + "A" * int(grade.group(1)) + name[grade.end() - 1 :]
            c = Candidate(start, m.end("d"), name, "designation", "Designation")
            if not _inside_mention(c, mentions):
                found.append(c)
    return found


def _inside_mention(c: Candidate, mentions) -> bool:
    return any(m.start <= c.start and c.end <= m.end for m in mentions)


def non_overlapping(found: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    for c in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        if not kept or c.start >= kept[-1].end:
            kept.append(c)
    return kept


# 甲、乙和丙社工委 / 甲、乙、丙、丁4个街道 / 甲、乙…55个社区居委会: conjuncts that share one head word
# (and, optionally, a count stated before it). Each conjunct plus the shared head is a name.
_CONJUNCT = r"[\u4e00-\u9fff]{1,8}"
_SEPARATOR = r"(?:、|和|与|及|以及)"
_COUNT = r"(?P<count>[0-9]+|[一二两三四五六七八九十]{1,3})[个座家所]"
_HEAD = (
    "(?P<head>(?:社区)?(?:"
    + "|".join(re.escape(h) for h in HEADS_BY_LENGTH if h not in UNSHARED_HEADS)
    + "))"
)
COORDINATION = re.compile(
    rf"(?P<items>{_CONJUNCT}(?:{_SEPARATOR}{_CONJUNCT})+?)(?:{_COUNT})?{_HEAD}"
)
RUNS = ("管理", "管委会")  # 民众俱乐部|管理委员会: the committee that runs the clubs
# a name glossed in English right after it: 居民委员会 (Residents’ Committee, RCs)
GLOSS = re.compile(r"\s*[（(]\s*[A-Z][A-Za-z’'.&/ -]+[,，)）]")
FRACTION = re.compile("[一二三四五六七八九十]成")
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
NOT_NAME_START = ("v", "vn", "vd", "p", "c", "d", "r", "m", "q", "u", "f")
DESCRIPTIVE = (
    "u",
    "a",
    "v",
    "d",
    "b",
    "m",
    "q",
    "r",
    "c",
    "p",
)  # 的, adjectives, verbs, numerals …


def _count(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_NUMERALS.get(tens, 1) if tens else 1) * 10 + (
            _NUMERALS.get(units, 0) if units else 0
        )
    return _NUMERALS.get(text)


# “甲”“乙”…十大景观 / 甲、乙、丙等景点 / 甲、乙等3处景点: names listed before a class noun that says
# what they are (the nouns of the lexicon name kinds of place, not kinds of activity: 等领域 is no list
# of names). Quoted items need no 等; a stated count must match them (等 allows more).
CLASS_NOUNS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("景观", "景点", "地标", "名胜", "景致", "场馆"), ("site", "Facility")),
    **dict.fromkeys(("商圈", "片区", "板块"), ("place", "Place")),
}
_LISTED_COUNT = r"(?P<count>[0-9]+|[一二两三四五六七八九十]{1,3})(?:大|个|处|座|家)?"
_CLASS = "(?P<noun>" + "|".join(CLASS_NOUNS) + ")"
_ITEM = (
    "(?:(?![" + "".join(sorted(NOT_NAME_CHARS)) + r"])[\u4e00-\u9fffA-Za-z0-9]){2,10}"
)  # no function word inside: 境内还有甲 lists 甲
QUOTED_LIST = re.compile(
    rf"(?P<items>(?:[“\"「]{_ITEM}[”\"」][、,]?){{2,}})(?P<etc>等)?(?:{_LISTED_COUNT})?{_CLASS}"
)
PLAIN_LIST = re.compile(rf"(?P<items>{_ITEM}(?:、{_ITEM})+)等(?:{_LISTED_COUNT})?{_CLASS}")


def listed(text: str, known: set[str], mentions=()) -> list[Candidate]:
    """The names of a list that a class noun closes (see CLASS_NOUNS), but for `known` names; an
    item that ends in a head word of its own (文化艺术中心) takes that head's type. The recogniser's
    third reading beside `Recogniser.find` and `Recogniser.coordinated` (see `Recogniser.listed`)."""
    found: list[Candidate] = []
    for pattern in (QUOTED_LIST, PLAIN_LIST):
        for m in pattern.finditer(text):
            items = [
                (m.start("items") + i.start(), i.group())
                for i in re.finditer(_ITEM, m.group("items"))
            ]
            count = _count(m.group("count")) if m.group("count") else None
            if count is not None and (
                count < len(items)
                if m.group("etc") or pattern is PLAIN_LIST
                else count != len(items)
            ):
                continue
            if any(w in GENERIC for _, w in items):
                continue
            type_, cls = CLASS_NOUNS[m.group("noun")]
            for at, word in items:
                own = next((h for h in HEADS_BY_LENGTH if word.endswith(h) and word != h), None)
                t, c = HEADS[own] if own else (type_, cls)
                candidate = Candidate(at, at + len(word), word, t, c)
                if word not in known and not _inside_mention(candidate, mentions):
                    found.append(candidate)
    return found
