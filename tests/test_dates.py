"""Dates at the stated precision: real sentences from the sources, and invented news sentences."""

from datetime import date

import pytest

from sipkg.build.extract.dates import find_dates

JULY_2014 = date(2014, 7, 25)  # publication date of source 000
MARCH_2016 = date(2016, 3, 4)  # publication date of source 001
JULY_2020 = date(2020, 7, 20)


def d(text, value, end_value=None, qualifier=None, relative=False):
    """The expected (text, value, datatype, end_value, qualifier, relative) of one date."""
    datatype = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value.lstrip("-"))]
    return (text, value, datatype, end_value, qualifier, relative)


FROM_SOURCES = [
    ("国际在线  |  2014年07月25日", JULY_2014, [d("2014年07月25日", "2014-07-25")]),
    ("日期:2016-03-04    浏览量:15360次", MARCH_2016, [d("2016-03-04", "2016-03-04")]),
    (
        "苏州工业园区于1994年2月经国务院批准设立,同年5月实施启动,行政区划面积288平方公里",
        MARCH_2016,
        [d("1994年2月", "1994-02"), d("同年5月", "1994-05", relative=True)],
    ),
    (
        "1994年开发建设以来,苏州工业园区始终坚持把城乡一体化改革发展作为重要手段",
        JULY_2014,
        [d("1994年", "1994", qualifier="since")],
    ),
    (
        "自1994年启动以来,园区主要经济指标年均增长30%左右,2005年率先达到江苏省小康指标。",
        MARCH_2016,
        [d("自1994年", "1994", qualifier="since"), d("2005年", "2005")],
    ),
    ("在2010年底园区农户一次拆迁基本完成", JULY_2014, [d("2010年底", "2010", qualifier="end-of")]),
    (
        "2014年初,园区跻身民政部“全国社区治理与服务创新实验区”行列",
        JULY_2014,
        [d("2014年初", "2014", qualifier="start-of")],
    ),
    (
        "自2012年9月份被确定为试点单位以来,园区管委会高度重视合作试点工作",
        MARCH_2016,
        [d("自2012年9月份", "2012-09", qualifier="since")],
    ),
    (
        "提出了用3年时间(2013-2015年)建设“六个园区”的总体规划",
        MARCH_2016,
        [d("2013-2015年", "2013", end_value="2015")],
    ),
    (
        "截至2013年底,已开展“社情民意联系日”活动87场次",
        MARCH_2016,
        [d("截至2013年底", "2013", qualifier="until end-of")],
    ),
    (
        "自2011年起将每个月的第二个星期日定为“社情民意联系日”",
        MARCH_2016,
        [d("自2011年起", "2011", qualifier="since")],
    ),
    (
        "目前,全区建成投用的民众联络所8个,到2014年底将实现全覆盖。",
        MARCH_2016,
        [d("到2014年底", "2014", qualifier="until end-of")],
    ),
    (
        "2013年,园区实现地区生产总值1910亿元,比上年增长10%",
        MARCH_2016,
        [d("2013年", "2013"), d("上年", "2012", relative=True)],
    ),
    (
        "去年以来,民众联络所建设等一批项目先后获评“苏州市社会管理创新优秀项目”",
        MARCH_2016,
        [d("去年以来", "2015", qualifier="since", relative=True)],
    ),
    (
        "2013年11月,党的十八届三中全会提出了创新社会治理体制的新阐述",
        MARCH_2016,
        [d("2013年11月", "2013-11")],
    ),
    ("2012年9月,“2012中新社会管理高层论坛”在新加坡举行", MARCH_2016, [d("2012年9月", "2012-09")]),
    (
        (
            "2012年,园区被评为江苏省和谐社区建设示范区。"
            "同年,园区将“幸福社区建设三年行动计划”列为九大战略规划之一。"
        ),
        JULY_2014,
        [d("2012年", "2012"), d("同年", "2012", relative=True)],
    ),
    (
        "即日起至2020年5月8日,“中国最具影响力服务贸易”评选开始",
        JULY_2014,
        [d("至2020年5月8日", "2020-05-08", qualifier="until")],
    ),
]

INVENTED = [
    (
        "园区去年实现地区生产总值约2100亿元,同比增长7.5%。",
        date(2020, 3, 1),
        [d("去年", "2019", relative=True)],
    ),
    ("该区2019年底常住人口超过110万人。", None, [d("2019年底", "2019", qualifier="end-of")]),
    (
        "7月上旬,湖东社工委举办了第三届邻里节,吸引3000余名居民参加。",
        JULY_2020,
        [d("7月上旬", "2020-07", qualifier="early", relative=True)],
    ),
    ("昨天,园区召开安全生产工作会议。", JULY_2020, [d("昨天", "2020-07-19", relative=True)]),
    ("设立公元前514年", None, [d("公元前514年", "-0513")]),  # ISO 8601: 1 BC is year 0000
    ("(《联合早报》,27/5/2018)", None, [d("27/5/2018", "2018-05-27")]),
    # an infobox label with the year its figure is for
    ("• 常住人口(2021)58.6万人", None, [d("2021", "2021")]),
    ("人均GDP(2018)¥19.1万", None, [d("2018", "2018")]),
    (
        "今年上半年,园区进出口总额增长5%。",
        JULY_2020,
        [d("今年上半年", "2020", qualifier="first-half", relative=True)],
    ),
    ("上个月,园区新增企业300家。", date(2020, 1, 10), [d("上个月", "2019-12", relative=True)]),
    (
        "本届展会于2019年10月25日至27日举行。",
        None,
        [d("2019年10月25日至27日", "2019-10-25", end_value="2019-10-27")],
    ),
    ("2013年至2015年,园区累计投资500亿元。", None, [d("2013年至2015年", "2013", end_value="2015")]),
    (
        "考核期为2018年7月至2019年6月。",
        None,
        [d("2018年7月至2019年6月", "2018-07", end_value="2019-06")],
    ),
    (
        "2020年1-3月,园区实际使用外资增长12%。",
        None,
        [d("2020年1-3月", "2020-01", end_value="2020-03")],
    ),
    (
        "从2011年到2013年,园区每年举办邻里节。",
        None,
        [d("从2011年到2013年", "2011", end_value="2013")],
    ),
    ("二〇一三年十一月,园区出台实施意见。", None, [d("二〇一三年十一月", "2013-11")]),
    (
        "该中心于2014/7/25正式启用,7月28日对外开放。",
        None,
        [d("2014/7/25", "2014-07-25"), d("7月28日", "2014-07-28", relative=True)],
    ),
    ("25日上午,园区召开会议。", JULY_2020, [d("25日", "2020-06-25", relative=True)]),
    ("25日上午,园区召开会议。", date(2020, 7, 28), [d("25日", "2020-07-25", relative=True)]),
    (
        "2008年前后,园区开始探索动迁社区管理。",
        None,
        [d("2008年前后", "2008", qualifier="approximate")],
    ),
    ("2010年以前,街道仍按乡镇体制运行。", None, [d("2010年以前", "2010", qualifier="before")]),
    ("2009年7月底,动迁基本完成。", None, [d("2009年7月底", "2009-07", qualifier="end-of")]),
    (
        "区内高新技术企业由2015年的300家增加到2020年的1900家。",
        None,
        [d("2015年", "2015"), d("2020年", "2020")],
    ),
    (
        "园区成立于2019年12月31日,2011年至今已举办九届。",
        None,
        [d("2019年12月31日", "2019-12-31"), d("2011年至今", "2011", qualifier="since")],
    ),
]

WITH_CONTEXT = [
    ("同年5月,园区实施启动。", None, 1994, [d("同年5月", "1994-05", relative=True)]),
    ("协会当时成立的28间会所", None, 1960, [d("当时", "1960", relative=True)]),
    (
        "7月上旬,湖东社工委举办了邻里节。",
        JULY_2020,
        2018,
        [d("7月上旬", "2018-07", qualifier="early", relative=True)],
    ),
    (
        "年底前,民众联络所将实现全覆盖。",
        None,
        2019,
        [d("年底", "2019", qualifier="end-of", relative=True)],
    ),
    ("次年,园区获评示范区。", None, 2012, [d("次年", "2013", relative=True)]),
]

NOT_DATES = [
    ("自觉践行党的十八大提出的部署要求,2013年11月的十八届三中全会", MARCH_2016, ["2013年11月"]),
    ("去年以来,一批项目获评优秀项目", None, []),
    ("同年,园区将“幸福社区建设三年行动计划”列为九大战略规划之一。", None, []),
    ("5月,园区召开大会。", None, []),
    ("电话(0512)6666 8888", None, []),  # a bracketed area code is no year
    ("(《联合早报》,5/6/2018)", None, []),  # day/month or month/day: not to be guessed
    ("(2019)第3号", None, []),  # nor a bracketed number that follows no label
    ("津B2-20080229-1苏州工业园区管理委员会", JULY_2014, []),
    ("电话:+86-22-66211566 Copyright © 2007 - 2023", JULY_2014, []),
    ("提出了用3年时间建设六个园区,争取用5~8年时间全面融合", JULY_2014, []),
    ("每月15日为开放日,15日内完成整改,推出3日游线路", JULY_2020, []),
    ("1990年代,乡镇企业蓬勃发展", None, []),
    ("出台了《苏州工业园区2014年社区建设规划》", None, []),
    ("2012中新社会管理高层论坛在新加坡举行", None, []),
    ("经过二十年的本土创新实践,近年来园区每年组织培训", JULY_2014, []),
    ("自2011年起将每个月的第二个星期日定为联系日", None, ["自2011年起"]),
]


def fields(found):
    return [(x.text, x.value, x.datatype, x.end_value, x.qualifier, x.relative) for x in found]


@pytest.mark.parametrize(("sentence", "reference", "expected"), FROM_SOURCES + INVENTED)
def test_find_dates(sentence, reference, expected):
    found = find_dates(sentence, reference)
    assert fields(found) == expected
    for x in found:
        assert sentence[x.start : x.end] == x.text


@pytest.mark.parametrize(("sentence", "reference", "context_year", "expected"), WITH_CONTEXT)
def test_relative_dates_use_the_context_year(sentence, reference, context_year, expected):
    assert fields(find_dates(sentence, reference, context_year)) == expected


@pytest.mark.parametrize(("sentence", "reference", "texts"), NOT_DATES)
def test_what_is_not_a_date(sentence, reference, texts):
    assert [x.text for x in find_dates(sentence, reference)] == texts


WRITTEN_EARLIER = [  # a page dated 2016 whose text was written in 2014 (a curated estimate)
    ("去年,园区获评示范区。", [d("去年", "2013", relative=True)]),
    ("今年年底前完成。", [d("今年年底", "2014", qualifier="end-of", relative=True)]),
    ("比上年增长10%。", [d("上年", "2013", relative=True)]),
    ("昨天,邻里节开幕。", []),  # the day it was written is not known: left out rather than guessed
    ("上月,社工委成立。", []),
]


@pytest.mark.parametrize(("sentence", "expected"), WRITTEN_EARLIER)
def test_year_words_count_from_when_the_text_was_written(sentence, expected):
    assert fields(find_dates(sentence, MARCH_2016, written=2014)) == expected
