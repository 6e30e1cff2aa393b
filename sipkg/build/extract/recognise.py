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
from dataclasses import dataclass

import jieba
import jieba.posseg

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
    "社区": ("place", "Community"),
    "开发区": ("place", "DevelopmentZone"),
}
HEADS_BY_LENGTH = sorted(HEADS, key=len, reverse=True)

SPECIFIC = {"ns", "nr", "nrt", "nt", "j", "eng"}  # place, person, organisation, other proper names
PERSON_OR_PLACE = {"ns", "nr", "nrt"}
NOUNISH = SPECIFIC | {"n", "nz", "nrfg", "vn", "an", "ng", "s", "f", "b", "g"}
# heads that after a known place name mean "the … of that place", not a name (园区社区,
# 新加坡政府): these need a proper name of their own (金鸡湖街道)
WEAK_HEADS = {"社区", "学校", "政府", "街道"}
# common words that end like a head word but are not one (布局, 格局, 城镇)
NOT_HEADS = ("布局", "格局", "全局", "大局", "当局", "结局", "开局", "出局", "乡镇", "城镇", "村镇", "市镇", "中小学", "中小学校")
# verbs jieba sometimes tags as place names (新建 is also a county): never part of a name
VERBS = {"新建", "扩建", "改建", "筹建", "兴建", "组建", "建成", "成立", "设立", "开设", "举办", "联合", "依托",
         "新设", "建设", "打造", "启用", "开业", "落成", "内设", "设有", "入驻", "配备"}
GENERIC = {"各", "各类", "每个", "该", "本", "全区", "全市", "全省", "全国", "基层", "城市", "相关", "新型", "一批"}
MAX_TOKENS = 6
RARE = 1000  # jieba dictionary frequency below which a plain noun reads as a local proper name
PROPER_NOUN_FLAGS = {"n", "nz"}
# one character the segmenter split off a short name (胜|浦镇); never these function words
NOT_NAME_CHARS = set("的了在于和与及或是为由对把被将让给从向往至到各每该本这那其有无等并")
ABBREVIATIONS = {"社区工作委员会": "社工委", "管理委员会": "管委会", "居民委员会": "居委会", "党的工作委员会": "党工委"}


def equivalents(name: str) -> list[str]:
    """The other forms of a name: 湖西社工委 <-> 湖西社区工作委员会."""
    out = []
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
        tokenizer = jieba.Tokenizer()
        for name in known_names:
            tokenizer.add_word(name, freq=20000, tag="nt")
        self.segment = jieba.posseg.POSTokenizer(tokenizer)
        self.frequency = tokenizer.FREQ
        self.known = set(known_names)
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
            if head is None or (word != head and word.endswith(NOT_HEADS)):
                continue
            candidate = self._name_ending_at(tokens, i, head, text)
            if candidate and candidate.name not in self.known and not _inside_mention(candidate, mentions):
                found.append(candidate)
        return _non_overlapping(found)

    def _proper(self, word: str, flag: str, wanted: set[str]) -> bool:
        """A token that makes a name specific: a proper-name tag, or a rare or unknown noun."""
        if word in GENERIC or word in VERBS:
            return False
        # after a weak head (…社区, …学校) only a word the dictionary lacks: 唯亭街道, not 商品房社区
        threshold = 1 if wanted is not SPECIFIC else RARE
        rare = flag in PROPER_NOUN_FLAGS and len(word) >= 2 and self.frequency.get(word, 0) < threshold
        return flag in wanted or rare

    def _name_ending_at(self, tokens, i: int, head: str, text: str) -> Candidate | None:
        start_i = i
        while start_i > 0 and i - start_i < MAX_TOKENS - 1:
            word, flag = tokens[start_i - 1][2], tokens[start_i - 1][3]
            generic_known = word in self.known and word not in self.specific_names
            # 唯亭街道党政办公室, 苏州邻里中心发展有限公司: a generic name after a proper one is part of an
            # organisation's name; before a facility (唯亭街道青剑湖邻里中心) it only says where it is
            inside_name = (generic_known and HEADS[head][0] == "org" and start_i > 1
                           and self._proper(*tokens[start_i - 2][2:], SPECIFIC))
            if flag not in NOUNISH or word in GENERIC or word in VERBS or (generic_known and not inside_name):
                break
            start_i -= 1
        parts = tokens[start_i : i + 1]
        head_token = tokens[i][2]
        prefix = [(word, flag) for _, _, word, flag in parts[:-1]]
        wanted = SPECIFIC
        if head_token.endswith(tuple(WEAK_HEADS)):
            prefix = [(w, f) for w, f in prefix if w not in self.known]
            wanted = PERSON_OR_PLACE
        specific = any(self._proper(word, flag, wanted) for word, flag in prefix)
        own_name = head_token != head and head_token not in self.known and tokens[i][3] in wanted
        specific = specific or own_name
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


def _inside_mention(c: Candidate, mentions) -> bool:
    return any(m.start <= c.start and c.end <= m.end for m in mentions)


def _non_overlapping(found: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    for c in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        if not kept or c.start >= kept[-1].end:
            kept.append(c)
    return kept
