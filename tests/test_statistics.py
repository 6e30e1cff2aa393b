"""Statistics from invented sentences: every figure with a unit or a counted noun, its indicator
(minted with an English label when the registry lacks it) and the entity it is about."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
import yaml
from texts import text_document

from sipkg.build.extract.model import Ref
from sipkg.build.extract.pipeline import Extractor
from sipkg.build.extract.registry import parse_registry
from sipkg.paths import PROJECT

TITLE = "苏州工业园区概况"  # the document's place: the area of figures that name none


@pytest.fixture(scope="module")
def extractor():
    """One extractor for the module (building its segmenter takes seconds)."""
    data = yaml.safe_load((PROJECT / "data" / "registry.yaml").read_text(encoding="utf-8"))
    return Extractor(parse_registry(data))


def extract(extractor: Extractor, text: str):
    doc = text_document(text, title=TITLE)
    # infobox lines (• …) are content here, whatever the page-furniture guess says of them
    doc = replace(doc, sentences=tuple(replace(s, furniture=None) for s in doc.sentences))
    return extractor.run([doc])


def figures(ex):
    return [(o.stated, o.value, o.unit, o.indicator.code) for o in ex.observations]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "青枫街道面积32平方公里,常住人口18.6万人,户籍人口9.4万人。",
            [
                ("32平方公里", 32000000, "square-metre", "area"),
                ("18.6万人", 186000, "person", "resident-population"),
                ("9.4万人", 94000, "person", "registered-population"),
            ],
        ),
        (
            "白鹭湖社区占地面积21.5公顷,建筑面积64万平方米,规划3200户,目前居住2810户、9600余人。",
            [
                ("21.5公顷", 215000, "square-metre", "area"),
                ("64万平方米", 640000, "square-metre", "floor-area"),
                ("3200户", 3200, "household", "planned-household-count"),
                ("2810户", 2810, "household", "household-count"),
                ("9600余人", 9600, "person", "person-count"),
            ],
        ),
        (
            "全区共有科创企业3200家,其中上市公司41家。",
            [
                ("3200家", 3200, "item", "sci-tech-company-count"),
                ("41家", 41, "item", "listed-company-count"),
            ],
        ),
        (
            "该区集聚了全市超一半的科创企业和近七成上市公司。",
            [
                ("超一半", 50, "percent", "sci-tech-company-share"),
                ("近七成", 70, "percent", "listed-company-share"),
            ],
        ),
        ("2021年,园区接待游客860.5万人次。", [("860.5万人次", 8605000, "person", "visitor-count")]),
        (
            "云杉镇人口密度2,150人/平方公里(5,568人/平方英里)。",
            [("2,150人/平方公里", 2150, "person", "population-density")],
        ),
        (
            "环湖绿道全长9.6千米,东西最大宽度为1.4千米,平均水深约2.2米。",
            [
                ("9.6千米", 9600, "metre", "length"),
                ("1.4千米", 1400, "metre", "maximum-width"),
                ("约2.2米", Decimal("2.2"), "metre", "average-depth"),
            ],
        ),
        (
            "下辖3镇、2乡。",
            [("3镇", 3, "item", "town-count"), ("2乡", 2, "item", "township-count")],
        ),
        (
            "该社区共有来自日本、韩国等十五个国家的外籍居民1200余人。",
            [
                ("十五个", 15, "item", "country-count"),
                ("1200余人", 1200, "person", "foreign-resident-count"),
            ],
        ),
        (
            "副会长与六名委员由会长提名,全年迎来超过180名新生儿,其中包括四对双胞胎。",
            [
                ("六名", 6, "person", "committee-member-count"),
                ("超过180名", 180, "person", "newborn-count"),
                ("四对", 4, "item", "twin-pair-count"),
            ],
        ),
        (
            "常住人口12.3万人,其中,白鹭社区2.4万人。",
            [
                ("12.3万人", 123000, "person", "resident-population"),
                ("2.4万人", 24000, "person", "resident-population"),
            ],
        ),
        ("该市生产总值¥9,876.5亿[2]。", [("¥9,876.5亿", 987650000000, "cny", "gdp")]),
        # the growth of a measure the clause names, whatever the measure's own unit
        (
            "青枫街道2019年实现净利润3.2亿元,同比增长8%。",
            [
                ("3.2亿元", 320000000, "cny", "net-profit"),
                ("8%", 8, "percent", "net-profit-growth"),
            ],
        ),
        ("青枫街道营业收入增长12.5%。", [("12.5%", 12.5, "percent", "operating-revenue-growth")]),
        ("青枫街道注册资本1亿元。", [("1亿元", 100000000, "cny", "registered-capital")]),
        # a short noun standing alone before its count (a verb before it is no counted thing)
        (
            "青枫街道门店30余家,目前已建成15个。",
            [("30余家", 30, "item", "men-dian-count")],
        ),
    ],
)
def test_figures_with_a_unit_or_a_counted_noun_are_observations(extractor, text, expected):
    assert figures(extract(extractor, text)) == [(s, Decimal(v), u, c) for s, v, u, c in expected]


def test_minted_indicators_have_readable_english_labels(extractor):
    ex = extract(
        extractor,
        "全区共有科创企业3200家,户籍人口9.4万人,接待游客86万人次,管理甲、乙、丙3个社区居委会。",
    )
    assert ex.indicators["sci-tech-company-count"] == (
        "科创企业数量",
        "number of sci-tech companies",
    )
    assert ex.indicators["registered-population"] == ("户籍人口", "registered population")
    assert ex.indicators["visitor-count"] == ("游客数量", "number of visitors")
    assert ex.indicators["residents-committee-count"][1] == "number of residents' committees"


def test_infobox_lines_take_their_indicator_and_year_from_the_heading(extractor):
    text = "面积\n• 总计38 平方公里(15 平方英里)\n• 水域6.2 平方公里\n人口(2021)\n• 常住人口52.7万人\n• 市区(2020)31.4[1]万人\n"
    ex = extract(extractor, text)
    got = [(o.stated, o.unit, o.indicator.code, o.period.lexical) for o in ex.observations]
    assert got == [
        ("38 平方公里", "square-metre", "area", "2020"),
        ("6.2 平方公里", "square-metre", "water-area", "2020"),
        ("52.7万人", "person", "resident-population", "2021"),
        ("31.4[1]万人", "person", "urban-district-population", "2020"),
    ]


def test_a_list_count_is_about_the_body_of_the_clause(extractor):
    ex = extract(
        extractor, "青枫街道面积32平方公里,管理新桥、和风、云杉、松涛、枫林5个社区居委会。"
    )
    [area, count] = ex.observations
    assert (count.stated, count.indicator.code, count.value) == (
        "5个",
        "residents-committee-count",
        5,
    )
    assert (
        count.area == area.area and area.area.type == "place" and count.subject is None
    )  # about its area


def test_the_subject_is_the_entity_standing_as_the_clause_subject(extractor):
    ex = extract(
        extractor,
        "2020年,青枫街道常住人口12.3万人,其中,白鹭社区2.4万人。玉兰邻里中心建筑面积2.1万平方米。",
    )
    by_text = {o.stated: o for o in ex.observations}
    assert by_text["12.3万人"].area != by_text["2.4万人"].area  # the part has its own area
    site = by_text["2.1万平方米"].subject
    assert isinstance(site, Ref) and site.type == "site"


def test_counts_of_known_institutions_keep_the_institution_as_subject(extractor):
    [o] = extract(extractor, "截至2019年底,园区已建成邻里中心18个。").observations
    assert (o.indicator.code, o.subject) == ("facility-count", Ref("site", "neighbourhood-centres"))


@pytest.mark.parametrize(
    "text",
    [
        "园区重点抓好三个方面的工作,体现出四种类型。",
        "坐标:31°18′N 120°44′E,邮政编码215021,电话区号0512,行政区划代码320571。",
        "排名全省第3位,连续6年位居前列,用三年时间完成。",
    ],
)
def test_not_statistics(extractor, text):
    assert figures(extract(extractor, text)) == []
