"""Extraction on sentences written for the tests (not from the sources): the rules are general."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
from texts import text_document

from sipkg.build.documents import Document
from sipkg.build.extract.model import Concept, Ref, Value
from sipkg.build.extract.pipeline import Extractor
from sipkg.build.extract.recognise import equivalents
from sipkg.build.extract.registry import Gazetteer, RegistryError, mint_key, parse_registry

REGISTRY = PROJECT / "data" / "registry.yaml"


def registry():
    return parse_registry(yaml.safe_load(REGISTRY.read_text(encoding="utf-8")))


def document(text: str, title: str = "测试新闻", published: str = "2020-07-20") -> Document:
    return text_document(text, key="test", title=title, published=published)


def extract(text: str, **kw):
    return Extractor(registry()).run([document(text, **kw)])


def triples(extraction) -> set[tuple]:
    def short(t):
        if isinstance(t, Ref):
            return t.key
        if isinstance(t, Concept):
            return t.code
        return t.lexical

    return {
        (f.subject.key, f.predicate, short(f.object))
        for f in extraction.facts
        if f.predicate != "rdf:type"
    }


def test_gazetteer_prefers_the_longest_name_and_skips_ignored_phrases():
    reg = registry()
    g = Gazetteer(reg.names(), reg.ignore)
    found = [
        (m.text, m.ref.key) for m in g.find("园区社工委与管委会共同推进活力园区建设,服务新苏州人。")
    ]
    assert found == [
        ("园区", "suzhou-industrial-park"),
        ("社工委", "community-work-committees"),
        ("管委会", "sip-administrative-committee"),
        ("活力园区建设", "vibrant-park"),
    ]


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            {"key": "Bad Key", "type": "org", "class": "Bureau", "zh": "某局", "en": "x"},
            "lowercase",
        ),
        ({"key": "x", "type": "thing", "class": "Bureau", "zh": "某局", "en": "x"}, "type"),
        ({"key": "x", "type": "org", "class": "Bureau", "zh": "某局"}, "missing 'en'"),
        ({"key": "x", "type": "org", "class": "Bureau", "zh": "管委会", "en": "x"}, "used by both"),
    ],
)
def test_bad_registry_entries_are_refused(entry, message):
    data = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    data["entities"].append(entry)
    with pytest.raises(RegistryError, match=message):
        parse_registry(data)


def test_keys_for_new_names_are_pinyin_and_unique():
    assert mint_key("湖东社工委", set()) == "hu-dong-she-gong-wei"
    assert mint_key("湖东社工委", {"hu-dong-she-gong-wei"}) == "hu-dong-she-gong-wei-2"


def test_new_institutions_are_recognised_and_typed():
    ex = extract("7月上旬,湖东社工委联合白鹭洲街道举办第三届邻里节,吸引3000余名居民参加。")
    assert ex.minted["湖东社工委"] == Ref("org", "hu-dong-she-gong-wei")
    assert ex.minted["白鹭洲街道"] == Ref("place", "bai-lu-zhou-jie-dao")
    types = {(f.subject.key, f.object.lexical) for f in ex.facts if f.predicate == "rdf:type"}
    assert ("hu-dong-she-gong-wei", "CommunityWorkCommittee") in types


def test_minted_keys_are_reused_not_recomputed():
    first = extract("唯亭街道青剑湖邻里中心正式开业。")
    again = Extractor(registry(), {"青剑湖邻里中心": Ref("site", "qjh-centre")}).run(
        [document("青剑湖邻里中心正式开业。")]
    )
    assert first.minted["青剑湖邻里中心"].key == "qing-jian-hu-lin-li-zhong-xin"
    assert again.minted["青剑湖邻里中心"] == Ref("site", "qjh-centre")


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "苏州工业园区社会管理局是园区管委会的派出机构。",
            ("sip-social-management-bureau", "dispatchedAgencyOf", "sip-administrative-committee"),
        ),
        (
            "民众联络所作为社工委的服务窗口,提供便民服务。",
            ("community-centres", "serviceWindowOf", "community-work-committees"),
        ),
        (
            "工资指导理事会作为协调机构,在管委会领导下开展工作。",
            ("wage-guidance-council", "underLeadershipOf", "sip-administrative-committee"),
        ),
        (
            "2019年5月,中新社会管理高层论坛在苏州市举行。",
            ("china-singapore-social-management-forum-2012", "heldIn", "suzhou"),
        ),
        (
            "借鉴新加坡“邻里守望”经验,园区组建了金鸡湖志愿者协会。",
            ("jin-ji-hu-zhi-yuan-zhe-xie-hui", "modelledOn", "neighbourhood-watch"),
        ),
        (
            "2015年,园区企业社会责任联盟被评为“江苏省和谐社区建设示范区”。",
            ("jiangsu-harmonious-community-demonstration-zone", "recipient", "csr-alliance"),
        ),
        (
            "民政部授予园区“全国社区治理和服务创新实验区”称号。",
            (
                "national-community-governance-experimental-zone",
                "conferredBy",
                "ministry-of-civil-affairs",
            ),
        ),
        (
            "2018年,园区管委会出台了《幸福社区建设三年行动计划》。",
            ("happy-community-action-plan", "issuedBy", "sip-administrative-committee"),
        ),
        (
            "法院创设“假日法律诊所”,方便居民。",
            ("holiday-legal-clinic", "ledBy", "sip-peoples-court"),
        ),
    ],
)
def test_relation_rules_read_constructions_not_sentences(text, expected):
    assert expected in triples(extract(text))


@pytest.mark.parametrize(
    "text, expected",
    [
        # an address written largest first: each place lies in the one before it
        ("枫溪公园位于江苏省苏州市松岭区,占地不大。", {("suzhou", "locatedIn", "jiangsu")}),
        # a district named after its city is the district, in the city
        (
            "苏州市松岭区下辖三个街道。",
            {("song-ling-qu", "locatedIn", "suzhou")},
        ),
        # the bodies an area drew in are based there
        (
            "松岭区引进了鹭洲大学、望星大学等5所高校,吸引了一批企业。",
            {
                ("lu-zhou-da-xue", "basedIn", "song-ling-qu"),
                ("wang-xing-da-xue", "basedIn", "song-ling-qu"),
            },
        ),
        # what an area holds within it
        (
            "松岭区境内还有鹭鸶塔、望星桥等景点。",
            {
                ("lu-si-ta", "locatedIn", "song-ling-qu"),
                ("wang-xing-qiao", "locatedIn", "song-ling-qu"),
            },
        ),
        # a sentence that opens with where, then what stands there
        (
            "松岭区西北角,湖畔路8号,坐落着鹭洲科技园。",
            {("lu-zhou-ke-ji-yuan", "locatedIn", "song-ling-qu")},
        ),
    ],
)
def test_where_places_are_read_from_addresses_and_location_verbs(text, expected):
    assert expected <= triples(extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "园区现有上市公司62家,子公司更多。",  # kinds of company
        "集聚了科创企业和近六成上市公司。",  # a kind of body and a share of them
        "引来了多所知名高校和实验室。",  # kinds of institution shared by no name
    ],
)
def test_common_words_before_a_head_word_are_no_names(text):
    assert [m.text for m in Extractor(registry()).mentions(text) if m.ref.type == "org"] == []


def test_a_head_word_alone_names_what_the_document_last_named_with_it():
    x = extract("鹭洲湖景区位于松岭区。景区内拥有“观鹭亭”“听松阁”两大景观。全国景区游客增多。")
    [area] = {ref for _, i, ref in x.mentions if i == 1 and ref.key.startswith("lu-zhou")}
    later = [(i, ref) for _, i, ref in x.mentions if i > 1 and ref == area]
    assert [i for i, _ in later] == [2]  # 景区 in the second sentence; not 全国景区 in the third
    assert ("guan-lu-ting", "locatedIn", area.key) in triples(x)


def test_an_office_in_an_infobox_names_the_body_of_the_pages_place():
    """• 市委书记王晓明 on the page of 苏州市: he leads 苏州市委; 市长周文涛 the 苏州市政府. An office whose body
    the registry cannot name from the place (人大常委会) gives no fact."""
    text = "苏州市是江苏省下辖的地级市,历史悠久,经济发达。\n• 市委书记王晓明\n• 市长周文涛\n• 人大常委会主任张一山\n苏州市下辖五个区,代管四个县级市,是长江三角洲的重要城市。\n"
    x = extract(text, title="苏州市")
    leads = {(s, o) for s, p, o in triples(x) if p == "leads"}
    assert leads == {
        ("wang-xiao-ming", "suzhou-municipal-party-committee"),
        ("zhou-wen-tao", "suzhou-municipal-government"),
    }


def test_the_seat_in_an_infobox_is_where_the_places_government_sits():
    """政府驻地 on a city's page: its government (a body the registry knows) is based there; on the
    page of a place whose government it does not know, the place itself."""
    text = "苏州市是江苏省下辖的地级市,历史悠久。\n政府驻地姑苏区\n苏州市下辖五个区。\n"
    based = {(s, o) for s, p, o in triples(extract(text, title="苏州市")) if p == "basedIn"}
    assert based == {("suzhou-municipal-government", "gusu-district")}
    text = "唯亭街道是苏州工业园区下辖的街道。\n政府驻地娄葑街道\n"
    based = {(s, o) for s, p, o in triples(extract(text, title="唯亭街道")) if p == "basedIn"}
    assert based == {("wei-ting-jie-dao", "lou-feng-jie-dao")}


def test_a_city_of_one_purpose_is_a_name_and_the_word_for_a_new_town_is_not():
    """松岭研究生城 (研究生|城) is a name; 新城 and 古城 are words, before a list of names or not."""
    found = [m.text for m in Extractor(registry()).mentions("总占地11平方公里的松岭研究生城奠基。")]
    assert found == ["松岭研究生城"]
    found = [
        m.text
        for m in Extractor(registry()).mentions("这座古城管理新城、湖西、湖东3个社区居委会。")
    ]
    assert "新城社区居委会" in found and not any(n.endswith(("古城", "管理新城")) for n in found)


def test_a_head_word_of_two_words_ends_a_name():
    """文化艺术中心 is segmented 文化|艺术中心, so the head word is found and the name is whole."""
    found = [
        (m.text, m.ref.type) for m in Extractor(registry()).mentions("松岭文化艺术中心于去年建成。")
    ]
    assert found == [("松岭文化艺术中心", "site")]


def test_a_country_is_one_entity_in_either_script_and_in_english():
    """ISO 3166's countries by their Chinese names (pycountry's translations), one key with the
    English document's Germany."""
    chinese = document("松岭园区吸引了德國、美國等國家的企業。")
    english = dataclasses.replace(
        document("Firms from Germany opened offices in the park."), key="en", language="en"
    )
    run = Extractor(registry()).run([chinese, english])
    assert run.minted["德国"] == Ref("place", "germany")
    assert {r for doc, _, r in run.mentions if doc == "en"} == {Ref("place", "germany")}
    countries = {f.subject for f in run.facts if f.object == Value("Country", "class")}
    assert countries == {Ref("place", "germany"), Ref("place", "united-states")}


@pytest.mark.parametrize(
    "text, name",
    [
        (
            "协会管理各个基层组织,包括公民咨询委员会(Citizens’ Consultative Committees)。",
            "公民咨询委员会",
        ),
        ("人民协会成立了民众联络所管理委员会,并委任基层领袖为委员。", "民众联络所管理委员会"),
        ("苏州工业园区邻里中心管理有限公司成立。", "苏州工业园区邻里中心管理有限公司"),
    ],
)
def test_a_gloss_or_the_place_a_body_runs_makes_common_words_a_name(text, name):
    """Common words before a head word are a name where an English name glosses them, or where
    they are a known kind of place the body runs (the committee of the community centres)."""
    assert name in [m.text for m in Extractor(registry()).mentions(text)]


@pytest.mark.parametrize(
    "text, title, by, to",
    [
        (
            "2015年,独墅湖被国家旅游局评为国家4A级旅游景区。",
            "国家AAAA级旅游景区",
            "china-national-tourism-administration",
            "dushu-lake",
        ),
        ("独墅湖荣获“全国生态旅游示范基地”称号。", "全国生态旅游示范基地", None, "dushu-lake"),
    ],
)
def test_a_designation_is_read_where_a_verb_or_quotes_introduce_it(text, title, by, to):
    """The title after 评为/荣获 (or quoted with its level) is a designation; the agent of 被 confers
    it, the subject before it receives it."""
    run = extract(text)
    designation = run.minted[title]
    assert designation.type == "designation"
    facts = {(f.predicate, f.object) for f in run.facts if f.subject == designation}
    facts = {(p, getattr(o, "key", o)) for p, o in facts}
    assert ("recipient", to) in facts
    assert by is None or ("conferredBy", by) in facts
    assert ("recipient", by) not in facts


def test_grades_of_scenic_areas_are_one_name_in_digits_or_letters():
    assert "国家AAAA级旅游景区" in equivalents("国家4A级旅游景区")
    assert "国家5A级旅游景区" in equivalents("国家AAAAA级旅游景区")


def test_an_aim_is_not_a_designation():
    """着力打造“中新合作示范区”: a quoted aim without a level is no title conferred."""
    assert not [
        r
        for r in extract("园区着力打造“松岭社会治理示范区”。").minted.values()
        if r.type == "designation"
    ]


@pytest.mark.parametrize(
    "text, names",
    [
        ("公园内拥有“观鹭亭”“听松阁”“百花坞”三大景观。", ["观鹭亭", "听松阁", "百花坞"]),
        ("湖畔还有鹭鸶塔、望星桥等景点。", ["鹭鸶塔", "望星桥"]),
    ],
)
def test_names_listed_before_a_class_noun_are_entities(text, names):
    found = [m.text for m in Extractor(registry()).mentions(text)]
    assert all(n in found for n in names)


@pytest.mark.parametrize(
    "text",
    [
        "公园内拥有“观鹭亭”“听松阁”三大景观。",  # the count does not match the names
        "教育、医疗等领域发展较快。",  # a list of activities, not of places
    ],
)
def test_a_list_before_a_class_noun_needs_its_count_and_a_noun_of_places(text):
    assert [m.text for m in Extractor(registry()).mentions(text) if m.ref.type == "site"] == []


def test_designation_date_is_the_date_the_sentence_states():
    facts = triples(extract("2015年,园区企业社会责任联盟被评为“江苏省和谐社区建设示范区”。"))
    assert ("jiangsu-harmonious-community-demonstration-zone", "dct:date", "2015") in facts


def test_a_founding_is_an_event_with_its_date_and_approver():
    facts = triples(extract("苏州工业园区于1994年2月经国务院批准设立。"))
    assert ("suzhou-industrial-park-founding", "approvedBy", "state-council") in facts
    assert ("suzhou-industrial-park-founding", "dct:date", "1994-02") in facts


def test_a_merger_of_functions_is_a_restructuring():
    text = "2015年,园区将管委会多个局办的信访、司法行政等职能进行整合归并,成立了社会管理局。"
    ex = extract(text)
    facts = triples(ex)
    assert ("sip-social-management-bureau-founding", "mergedFunction", "petitions") in facts
    types = {(f.subject.key, f.object.lexical) for f in ex.facts if f.predicate == "rdf:type"}
    assert ("sip-social-management-bureau-founding", "Restructuring") in types
    assert ("sip-social-management-bureau-founding", "dct:date", "2015") in facts


def test_negated_hosting_is_not_a_fact():
    facts = triples(extract("邻里中心内不下设工作站,只设立民众联络所。"))
    assert ("neighbourhood-centres", "hosts", "community-centres") in facts
    assert ("neighbourhood-centres", "hosts", "community-workstations") not in facts


def test_statistics_have_area_period_indicator_and_base_unit_values():
    ex = extract(
        "2019年,园区实现地区生产总值2743亿元,比上年增长6%;目前,全区共有社区160个。",
        published="2020-01-10",
    )
    obs = {
        (o.indicator.code, o.period.lexical, o.value, o.unit, o.area.key) for o in ex.observations
    }
    assert ("gdp", "2019", Decimal(274300000000), "cny", "suzhou-industrial-park") in obs
    assert ("gdp-growth", "2019", Decimal(6), "percent", "suzhou-industrial-park") in obs
    assert ("community-count", "2020", Decimal(160), "item", "suzhou-industrial-park") in obs


def test_counts_of_known_institutions_point_to_them():
    ex = extract("截至2019年底,园区已建成邻里中心18个。")
    [o] = ex.observations
    assert (o.indicator.code, o.subject, o.period) == (
        "facility-count",
        Ref("site", "neighbourhood-centres"),
        Value("2019", "gYear"),
    )


def test_enumerations_in_words_are_not_statistics():
    assert extract("园区重点抓好五个方面的工作,体现出两种类型。").observations == []


def test_every_evidence_span_lies_in_one_sentence_of_the_text():
    text = "2012年,园区被评为江苏省和谐社区建设示范区。社区工作站作为社工委的服务窗口,建成邻里中心12个。"
    doc = document(text)
    ex = Extractor(registry()).run([doc])
    for f in ex.facts:
        s = doc.sentence_at(f.evidence.start)
        assert s.start <= f.evidence.start < f.evidence.end <= s.end


def test_every_code_the_registry_uses_is_in_the_code_lists():
    from sipkg.build.ontology import load_ontology
    from sipkg.namespaces import DEF, SKOS

    ontology = load_ontology()
    reg = registry()
    codes = [f"indicator/{c}" for c in reg.indicators] + [f"function/{c}" for c in reg.functions]
    codes += [f"singapore-practice/{c}" for c in reg.practices]
    codes += [f"{e.ref.type}-kind/{e.kind}" for e in reg.entities.values() if e.kind]
    assert [c for c in codes if (DEF[c], SKOS.inScheme, None) not in ontology] == []
