"""As-of answers on the corpus: the park's structure on five dates, one entity's history in order,
and the /history page with its JSON twin and the history section of entity pages."""

from __future__ import annotations

import pytest

from sipkg import asof
from sipkg.namespaces import ID, SIP_NS

PARK = f"{ID}place/suzhou-industrial-park"
JINJIHU = f"{ID}place/jinjihu-subdistrict"
HUQIU = f"{ID}place/hu-qiu-qu"
PA = f"{ID}org/peoples-association"


@pytest.fixture(scope="module")
def terms(paths):
    """Service-like `select` returning pyoxigraph terms, as the web tier's Service does."""
    from sipkg import settings
    from sipkg.store.service import Service, make_backend

    svc = Service(make_backend({**settings.defaults(), "STORE": paths.store}), timeout=30)
    yield svc.select
    svc.close()


def on(terms, date: str) -> dict:
    return asof.structure(terms, asof.Period.parse(date))


def bodies(answer: dict) -> set[str]:
    return {b["iri"] for b in answer["bodies"]}


def held(answer: dict, group: str) -> set[tuple[str, str, str]]:
    return {
        (r["subject"], r["property"].removeprefix(SIP_NS), r["object"])
        for r in answer["relations"][group]
    }


@pytest.mark.parametrize(
    ("date", "present", "absent"),
    [
        ("1960", {PA}, {PARK, HUQIU}),
        ("1993-12-31", {PA}, {PARK}),
        ("1994", {PA, PARK}, {HUQIU, JINJIHU}),
        ("2001", {PARK, HUQIU}, {JINJIHU}),
        ("2013", {PARK, HUQIU, f"{ID}programme/six-parks"}, {JINJIHU}),
        ("2016", {PARK, HUQIU}, {JINJIHU, f"{ID}programme/six-parks"}),
        ("2022", {PARK, HUQIU, JINJIHU}, set()),
    ],
)
def test_bodies_that_existed_on_a_date(terms, date, present, absent):
    found = bodies(on(terms, date))
    assert present <= found
    assert not absent & found


def test_a_renaming_dates_the_towns_in_the_district(terms):
    before, after = on(terms, "1999"), on(terms, "2001")
    towns = {
        ("heng-tang-zhen", "partOf"),
        ("hu-qiu-zhen", "partOf"),
        ("xu-shu-guan-zhen", "partOf"),
    }
    under_new = {(f"{ID}place/{t}", p, HUQIU) for t, p in towns}
    assert not under_new & held(before, "structure")
    assert under_new <= held(after, "structure")


def test_the_subdistricts_communities_are_there_from_its_founding(terms):
    assert not {r for r in held(on(terms, "2020"), "structure") if r[2] == JINJIHU}
    later = {r for r in held(on(terms, "2022-06"), "structure") if r[2] == JINJIHU}
    assert len(later) >= 50
    disputed = [r for r in on(terms, "2022")["relations"]["structure"] if r["object"] == JINJIHU]
    assert all(r["disputed"] and r["begins"] == ["2021-12-10", "2022"] for r in disputed)


def test_jurisdiction_from_the_founding_of_the_park(terms):
    ac = (f"{ID}org/sip-administrative-committee", "jurisdiction", PARK)
    assert ac not in held(on(terms, "1993"), "jurisdiction")
    assert ac in held(on(terms, "1994-08"), "jurisdiction")


def test_counts_on_five_dates(terms):
    """The figures the as-of view gives (bodies, relations) grow as the sources date them."""
    counts = {
        d: (len(a["bodies"]), sum(len(v) for v in a["relations"].values()))
        for d in ("1960", "1994", "2001", "2013", "2022")
        for a in [on(terms, d)]
    }
    assert counts["1994"][0] > counts["1960"][0]
    assert counts["2022"][1] > counts["2013"][1]


def test_an_entitys_history_in_order(terms):
    entries = asof.history(terms, HUQIU)
    # 苏州市虎丘区始建于1951年 … 由吴县划出城东、城西两区组成, 2000年…改名为虎丘区, 2002年…建立虎丘区:
    # one district (its city written first), formed, renamed into its name, re-established
    assert [(e["kind"], e["date"]) for e in entries] == [
        ("boundaries", "1951"),
        ("resulted", "2000-09-08"),
        ("founded", "2002-09"),
    ]
    assert entries[1]["evidence"][0]["quote"] == "2000年9月8日被批准改名为虎丘区"
    assert entries[1]["evidence"][0]["sentence"].startswith(f"{ID}doc/")


def test_a_replacement_without_a_date_comes_last(terms):
    entries = asof.history(terms, f"{ID}org/subdistrict-offices")
    assert entries[-1]["kind"] == "replaced"
    assert entries[-1]["other"] == f"{ID}org/community-work-committees"


@pytest.mark.parametrize("text", ["2013-13", "13", "2013-02-30", "x", "2013/01"])
def test_bad_dates_are_refused(text):
    with pytest.raises(ValueError):
        asof.Period.parse(text)


def test_history_page_and_its_json_twin(client):
    page = client.get("/history?date=2013")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'type="range"' in html and "/history.json?date=2013" in html
    assert "苏州工业园区" in html
    data = client.get("/history.json?date=2013").get_json()
    assert data["date"] == "2013" and data["first_day"] == "2013-01-01"
    assert PARK in {b["iri"] for b in data["bodies"]}


def test_history_page_refuses_a_bad_date(client):
    response = client.get("/history.json?date=2013-13")
    assert response.status_code == 400
    assert "month" in response.get_json()["error"]


def test_entity_page_has_a_history_section(client):
    html = client.get("/doc/place/hu-qiu-qu").get_data(as_text=True)
    assert 'id="history"' in html and "2000年9月8日被批准改名为虎丘区" in html
    data = client.get("/doc/place/hu-qiu-qu.json").get_json()
    assert [h["date"] for h in data["history"]] == ["1951", "2000-09-08", "2002-09"]
