"""Dated events and structure relations on sentences written for the tests (invented names)."""

from __future__ import annotations

import datetime as dt

import pytest
from texts import text_document

from sipkg.build.extract.dates import find_dates
from sipkg.build.extract.events import ACTS, find_events
from sipkg.build.extract.model import EntityInfo, Ref
from sipkg.build.extract.registry import Mention
from sipkg.build.extract.rules import binary_facts
from sipkg.build.extract.sentence import SentenceView

PLACE, ORG, SITE, EVENT, DESIG, PLAN, PROG = (
    "place",
    "org",
    "site",
    "event",
    "designation",
    "plan",
    "programme",
)

# invented names and their types; a sentence's mentions are the names it contains
NAMES = {
    "松岭区": PLACE,
    "枫溪镇": PLACE,
    "枫溪街道": PLACE,
    "红石镇": PLACE,
    "红石街道": PLACE,
    "桃源村": PLACE,
    "杏花镇": PLACE,
    "梨山镇": PLACE,
    "花山镇": PLACE,
    "云港片区": PLACE,
    "海湾新区": PLACE,
    "白鹭街道": PLACE,
    "白鹭湖街道": PLACE,
    "枫林县": PLACE,
    "青柳镇": PLACE,
    "北岸市": PLACE,
    "南塘社区": PLACE,
    "东坡社区": PLACE,
    "西坝社区": PLACE,
    "青柳镇人民政府": ORG,
    "青柳镇文化服务中心": ORG,
    "松岭区政府": ORG,
    "北岸大学": ORG,
    "松岭区管委会": ORG,
    "北岸市交通局": ORG,
    "北岸市政府": ORG,
    "国务院": ORG,
    "省政府": ORG,
    "北岸科技": ORG,
    "海湾新区社工委": ORG,
    "文旅总局": ORG,
    "民政局": ORG,
    "财政局": ORG,
    "社区建设领导小组": ORG,
    "青柳小学": ORG,
    "松岭区社会事业局": ORG,
    "北岸市民政局": ORG,
    "松岭区综合执法大队": ORG,
    "松岭区城管局": ORG,
    "街道办事处": ORG,
    "石湖隧道": SITE,
    "石湖大桥": SITE,
    "石湖景区": SITE,
    "湖滨产业园": SITE,
    "湖滨邻里中心": SITE,
    "松岭开发区": PLACE,
    "第三届湖滨论坛": EVENT,
    "国家5A级旅游景区": DESIG,
    "战略合作协议": PLAN,
    "美丽乡村": PROG,
}


def view(text: str) -> SentenceView:
    doc = text_document(text)
    sentence = doc.sentences[0]
    mentions: list[Mention] = []
    for name in sorted(NAMES, key=len, reverse=True):  # the longest name first
        i = sentence.text.find(name)
        while i >= 0:
            if not any(m.start < i + len(name) and i < m.end for m in mentions):
                mentions.append(Mention(i, i + len(name), name, Ref(NAMES[name], name)))
            i = sentence.text.find(name, i + 1)
    mentions.sort(key=lambda m: m.start)
    entities = {m.ref: EntityInfo(m.ref, "Thing", m.text, m.text) for m in mentions}
    return SentenceView(doc, sentence, mentions, entities)


def events(text: str):
    v = view(text)
    return v, find_events(v, find_dates(v.text, reference=dt.date(2020, 7, 20)))


def summary(text: str) -> list[tuple]:
    """(class, date, end, {(role, name)}) of each event the sentence states."""
    _, found = events(text)
    return [
        (
            e.cls,
            e.date.lexical,
            e.end.lexical if e.end else None,
            {(role, ref.key) for role, ref in e.roles},
        )
        for e in found
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "2003年5月,青柳镇人民政府成立了青柳镇文化服务中心。",
            [
                (
                    "Founding",
                    "2003-05",
                    None,
                    {("agent", "青柳镇人民政府"), ("object", "青柳镇文化服务中心")},
                )
            ],
        ),
        (
            "2009年,松岭区撤销了枫溪镇。",
            [("Abolition", "2009", None, {("agent", "松岭区"), ("object", "枫溪镇")})],
        ),
        (
            "2012年3月,松岭区撤枫溪镇设枫溪街道。",
            [
                (
                    "Restructuring",
                    "2012-03",
                    None,
                    {("agent", "松岭区"), ("original", "枫溪镇"), ("result", "枫溪街道")},
                )
            ],
        ),
        (
            "2008年,撤销红石镇,设立红石街道。",
            [("Restructuring", "2008", None, {("original", "红石镇"), ("result", "红石街道")})],
        ),
        ("2001年,枫林县撤乡建镇。", [("Restructuring", "2001", None, {("object", "枫林县")})]),
        (
            "2015年,红石镇改设为红石街道。",
            [("Restructuring", "2015", None, {("original", "红石镇"), ("result", "红石街道")})],
        ),
        (
            "2014年,桃源村并入杏花镇。",
            [("Merger", "2014", None, {("original", "桃源村"), ("result", "杏花镇")})],
        ),
        (
            "2017年,杏花镇与梨山镇合并为花山镇。",
            [
                (
                    "Merger",
                    "2017",
                    None,
                    {("original", "杏花镇"), ("original", "梨山镇"), ("result", "花山镇")},
                )
            ],
        ),
        (
            "2010年,云港片区划归海湾新区管理。",
            [("Transfer", "2010", None, {("object", "云港片区"), ("participant", "海湾新区")})],
        ),
        (
            "2018年,北岸市政府将桃源村划入杏花镇。",
            [
                (
                    "Transfer",
                    "2018",
                    None,
                    {("agent", "北岸市政府"), ("object", "桃源村"), ("participant", "杏花镇")},
                )
            ],
        ),
        (
            "白鹭街道于2011年成立,2016年更名为白鹭湖街道。",
            [
                ("Founding", "2011", None, {("object", "白鹭街道")}),
                ("Renaming", "2016", None, {("original", "白鹭街道"), ("result", "白鹭湖街道")}),
            ],
        ),
        (
            "2016年,白鹭湖街道由白鹭街道更名而来。",
            [("Renaming", "2016", None, {("original", "白鹭街道"), ("result", "白鹭湖街道")})],
        ),
        (
            "2005年,国务院批准设立松岭开发区。",
            [
                ("Approval", "2005", None, {("agent", "国务院"), ("object", "松岭开发区")}),
                ("Founding", "2005", None, {("agent", "国务院"), ("object", "松岭开发区")}),
            ],
        ),
        (
            "2012年,松岭开发区获批国家级开发区。",
            [("Approval", "2012", None, {("object", "松岭开发区")})],
        ),
        (
            "松岭开发区于1998年6月经省政府批准设立。",
            [
                ("Approval", "1998-06", None, {("agent", "省政府"), ("object", "松岭开发区")}),
                ("Founding", "1998-06", None, {("object", "松岭开发区")}),
            ],
        ),
        (
            "2016年6月,松岭区政府与北岸大学签署了《战略合作协议》。",
            [
                (
                    "Signing",
                    "2016-06",
                    None,
                    {
                        ("agent", "松岭区政府"),
                        ("participant", "北岸大学"),
                        ("object", "战略合作协议"),
                    },
                )
            ],
        ),
        (
            "2013-2015年,松岭区启动了“美丽乡村”工程。",
            [("Launch", "2013", "2015", {("agent", "松岭区"), ("object", "美丽乡村")})],
        ),
        (
            "2019年9月28日,湖滨邻里中心正式开业。",
            [("Launch", "2019-09-28", None, {("object", "湖滨邻里中心")})],
        ),
        (
            "石湖大桥于2011年开工,2014年9月底竣工。",
            [
                ("ConstructionStart", "2011", None, {("object", "石湖大桥")}),
                ("Completion", "2014-09", None, {("object", "石湖大桥")}),
            ],
        ),
        (
            "2020年12月,石湖隧道建成并投入使用。",
            [
                ("Completion", "2020-12", None, {("object", "石湖隧道")}),
                ("Launch", "2020-12", None, {("object", "石湖隧道")}),
            ],
        ),
        (
            "2021年4月,海湾新区社工委正式揭牌。",
            [("Inauguration", "2021-04", None, {("object", "海湾新区社工委")})],
        ),
        (
            "2015年10月,第三届湖滨论坛在松岭区举行。",
            [("Meeting", "2015-10", None, {("object", "第三届湖滨论坛"), ("place", "松岭区")})],
        ),
        (
            "2018年,松岭区管委会举办了第三届湖滨论坛。",
            [("Meeting", "2018", None, {("agent", "松岭区管委会"), ("object", "第三届湖滨论坛")})],
        ),
        (
            "2017年,湖滨产业园扩容至12平方公里。",
            [("Expansion", "2017", None, {("object", "湖滨产业园")})],
        ),
        ("2019年,北岸科技在科创板上市。", [("Listing", "2019", None, {("object", "北岸科技")})]),
        (
            "2013年7月2日,石湖景区被文旅总局评为国家5A级旅游景区。",
            [("Award", "2013-07-02", None, {("agent", "文旅总局"), ("object", "石湖景区")})],
        ),
        (
            "2009年,青柳小学荣获全国文明校园称号。",
            [("Award", "2009", None, {("object", "青柳小学")})],
        ),
        (
            "2021年,北岸科技入选全省百强企业名单。",
            [("Award", "2021", None, {("object", "北岸科技")})],
        ),
        (
            "2014年,松岭区成立了由民政局、财政局组成的社区建设领导小组。",
            [("Founding", "2014", None, {("agent", "松岭区"), ("object", "社区建设领导小组")})],
        ),
    ],
)
def test_a_dated_act_is_an_event_with_its_roles(text, expected):
    assert summary(text) == expected


def test_the_lexicon_covers_every_class():
    assert set(ACTS.values()) == {
        "Founding",
        "Abolition",
        "Restructuring",
        "Merger",
        "Transfer",
        "Renaming",
        "Approval",
        "Signing",
        "Launch",
        "ConstructionStart",
        "Completion",
        "Inauguration",
        "Meeting",
        "Expansion",
        "Listing",
        "Award",
    }


@pytest.mark.parametrize(
    "text, value, datatype, end",
    [
        ("2007年,北岸市交通局成立。", "2007", "gYear", None),
        ("2007年3月,北岸市交通局成立。", "2007-03", "gYearMonth", None),
        ("北岸市交通局于2007年3月18日成立。", "2007-03-18", "date", None),
        ("2011-2013年,北岸市民政局举办了第三届湖滨论坛。", "2011", "gYear", "2013"),
        ("2019年5月至7月,湖滨产业园开工建设。", "2019-05", "gYearMonth", "2019-07"),
    ],
)
def test_the_date_is_read_at_the_precision_stated(text, value, datatype, end):
    [event] = events(text)[1]
    assert (event.date.lexical, event.date.datatype) == (value, datatype)
    assert (event.end.lexical if event.end else None) == end


def test_an_act_takes_the_date_stated_before_it_in_the_sentence():
    # the clause of 开放 states no date: the last one before it (同年10月1日) dates it
    found = summary(
        "石湖景区于2016年开发,2018年9月底,石湖景区全面完工,同年10月1日石湖景区正式开放。"
    )
    assert [(cls, date) for cls, date, _, _ in found] == [
        ("ConstructionStart", "2016"),
        ("Completion", "2018-09"),
        ("Launch", "2018-10-01"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "青柳镇文化服务中心成立后,居民活动明显增多。",  # no date
        "北岸科技计划在科创板上市。",
        "松岭区政府与北岸大学签署了《战略合作协议》。",
    ],
)
def test_an_undated_act_is_no_event(text):
    assert events(text)[1] == []


@pytest.mark.parametrize(
    "text",
    [
        "2016年,青柳镇文化服务中心未能成立。",
        "2016年,北岸科技没有上市。",
        "2018年,省政府不予批准设立松岭开发区。",
        "2016年,第三届湖滨论坛未在松岭区举行。",
    ],
)
def test_a_negated_act_is_no_event(text):
    assert events(text)[1] == []


@pytest.mark.parametrize(
    "text",
    [
        "2016年,松岭开发区成为国家级开发区。",  # 开发区 is no development
        "2016年,北岸科技是一家上市公司。",  # 上市公司 is no listing
        "2016年以来,湖滨产业园规模不断扩大。",  # a trend, not an act
        "截至2019年底,松岭区已建成湖滨邻里中心。",  # a state by then, not the day it was built
        "2019年,松岭区建立健全社区治理机制。",  # sets up no body
        "2019年,北岸大学获得长足发展。",  # 获得 wins no title here
        "2019年,游客登上石湖大桥观景。",  # 登上 ranks nothing here
    ],
)
def test_words_that_are_no_act_give_no_event(text):
    assert events(text)[1] == []


def test_an_omitted_subject_is_the_one_before_in_the_sentence():
    found = summary("北岸科技成立于2008年,2019年在科创板上市。")
    assert found == [
        ("Founding", "2008", None, {("object", "北岸科技")}),
        ("Listing", "2019", None, {("object", "北岸科技")}),
    ]


def test_an_act_with_no_named_party_is_kept_only_where_it_stands_alone():
    assert summary("于2019年8月12日成立。") == [("Founding", "2019-08-12", None, set())]
    assert summary("2019年,成立了工作专班。") == []


def test_the_evidence_is_the_clause_that_states_the_act():
    v, [event] = events("为方便居民,2019年9月28日,湖滨邻里中心正式开业。")
    assert v.doc.text[event.evidence.start : event.evidence.end] == "湖滨邻里中心正式开业"
    assert event.evidence.method == "rule:event-launch"
    assert event.act == "开业"


def test_a_topic_stands_in_for_a_clause_that_names_nothing():
    v = view("于2019年8月12日成立。")
    [event] = find_events(v, find_dates(v.text), topic=Ref(PLACE, "白鹭湖街道"))
    assert event.roles == (("object", Ref(PLACE, "白鹭湖街道")),)


# Structure relations (rules.py): 下辖, 隶属, 划归, 是…的一个街道, 撤甲设乙, 由甲更名而来


def relations(text: str) -> set[tuple[str, str, str]]:
    return {
        (f.subject.key, f.predicate, f.object.key)
        for f in binary_facts(view(text))
        if f.predicate in ("partOf", "subOrganisationOf", "replaces")
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "青柳镇下辖南塘社区、东坡社区和西坝社区。",
            {
                ("南塘社区", "partOf", "青柳镇"),
                ("东坡社区", "partOf", "青柳镇"),
                ("西坝社区", "partOf", "青柳镇"),
            },
        ),
        ("北岸市现管辖松岭区。", {("松岭区", "partOf", "北岸市")}),
        ("青柳镇隶属于松岭区。", {("青柳镇", "partOf", "松岭区")}),
        ("青柳镇归属松岭区。", {("青柳镇", "partOf", "松岭区")}),
        (
            "松岭区综合执法大队隶属松岭区城管局。",
            {("松岭区综合执法大队", "subOrganisationOf", "松岭区城管局")},
        ),
        (
            "松岭区社会事业局属于北岸市民政局。",
            {("松岭区社会事业局", "subOrganisationOf", "北岸市民政局")},
        ),
        ("2010年,云港片区划归海湾新区管理。", {("云港片区", "partOf", "海湾新区")}),
        ("白鹭湖街道,是松岭区下辖的一个街道。", {("白鹭湖街道", "partOf", "松岭区")}),
        ("南塘社区是青柳镇的一个社区。", {("南塘社区", "partOf", "青柳镇")}),
        ("白鹭湖街道,是松岭区下辖的一个街道办事处。", {("白鹭湖街道", "partOf", "松岭区")}),
        (
            "松岭区综合执法大队是松岭区城管局下属的事业单位。",
            {("松岭区综合执法大队", "subOrganisationOf", "松岭区城管局")},
        ),
        ("2012年3月,松岭区撤枫溪镇设枫溪街道。", {("枫溪街道", "replaces", "枫溪镇")}),
        ("2008年,撤销红石镇,设立红石街道。", {("红石街道", "replaces", "红石镇")}),
        ("枫林县撤杏花镇建花山镇。", {("花山镇", "replaces", "杏花镇")}),
        ("白鹭湖街道由白鹭街道更名而来。", {("白鹭湖街道", "replaces", "白鹭街道")}),
        (
            "花山镇由杏花镇与梨山镇合并而成。",
            {("花山镇", "replaces", "杏花镇"), ("花山镇", "replaces", "梨山镇")},
        ),
        ("2016年,白鹭街道更名为白鹭湖街道。", {("白鹭湖街道", "replaces", "白鹭街道")}),
    ],
)
def test_structure_relations(text, expected):
    assert relations(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "青柳镇不隶属于松岭区。",
        "白鹭湖街道位于松岭区,南塘社区位于青柳镇。",
        "青柳镇人民政府隶属于松岭区。",  # a body is no part of a place
    ],
)
def test_no_structure_relation_where_none_is_stated(text):
    assert relations(text) == set()
