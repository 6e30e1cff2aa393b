"""English extraction on sentences written for these tests (invented names, not from the sources):
names by their form, dates at their precision, quantities, statistics, events and relations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sipkg.build.documents import Document, Sentence
from sipkg.build.extract import english
from sipkg.build.extract.english import EnglishGazetteer, EnglishRecogniser
from sipkg.build.extract.model import EntityInfo, Observation, Ref, Value
from sipkg.build.extract.registry import mint_key
from sipkg.build.extract.sentence import SentenceView

# an invented registry
REGISTRY = [
    EntityInfo(Ref("place", "halden"), "City", "哈尔登", "Halden"),
    EntityInfo(
        Ref("org", "halden-port-authority"),
        "PublicBody",
        "哈尔登港务局",
        "Halden Port Authority",
        aliases_en=("HPA",),
    ),
    EntityInfo(Ref("org", "st-marys-hospital"), "Hospital", "圣玛丽医院", "St Mary's Hospital"),
    EntityInfo(
        Ref("org", "government-of-varnia"), "Government", "瓦尼亚政府", "Government of Varnia"
    ),
    EntityInfo(Ref("place", "singapore"), "Country", "新加坡", "Singapore"),
]


def entities() -> dict[Ref, EntityInfo]:
    return {e.ref: e for e in REGISTRY}


class Reader:
    """One document's reading: registry names, recognised names (minted as they come), views."""

    def __init__(self, published: str = "2019-12-10"):
        self.entities = entities()
        self.recogniser = EnglishRecogniser(EnglishGazetteer(self.entities))
        self.published = dt.date.fromisoformat(published)
        self.doc = Document(
            "t", "t.txt", "test", None, self.published, "en", None, None, "", (), ()
        )

    def mint(self, c) -> Ref:
        for info in self.entities.values():
            if info.en == c.name:
                return info.ref
        ref = Ref(c.type, mint_key(c.name, {r.key for r in self.entities if r.type == c.type}))
        self.entities[ref] = EntityInfo(ref, c.cls, c.name, c.name, minted=True)
        return ref

    def view(self, text: str) -> SentenceView:
        mentions = self.recogniser.mentions(text, self.mint)
        sentence = Sentence("t", 1, 1, 0, len(text), text, None)
        return SentenceView(self.doc, sentence, mentions, self.entities)

    def ref(self, name: str) -> Ref:
        return next(i.ref for i in self.entities.values() if i.en == name)


def names(text: str) -> list[tuple[str, str, str]]:
    return [
        (c.name, c.type, c.cls) for c in EnglishRecogniser(EnglishGazetteer(entities())).find(text)
    ]


# ---------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The Ministry of Rivers, Forests and Fisheries met on Monday.",
            [("Ministry of Rivers, Forests and Fisheries", "org", "Ministry")],
        ),
        ("Its Board approved the budget.", []),  # a head word alone is not a name
        ("the Board and the Committee", []),
        (
            "The Brenner Valley Heritage Society was formed by teachers.",
            [("Brenner Valley Heritage Society", "org", "Association")],
        ),
        (
            "She studied at the Ostwald Institute of Marine Science in Halden.",
            [("Ostwald Institute of Marine Science", "org", "ResearchInstitute")],
        ),
        (
            "The Ministry of Education and Harlow University signed it.",
            [("Ministry of Education", "org", "Ministry"), ("Harlow University", "org", "School")],
        ),
        (
            "- Parent Agency: Ministry of Tides",
            [("Ministry of Tides", "org", "Ministry")],
        ),  # a field label is no name
        ("It was created by an Act of Parliament.", []),  # "an Act of …" is a kind of thing
        ("the Standing Committee met", []),  # generic modifiers only
        (
            "firms in the Kestrel Science Park",
            [("Kestrel Science Park", "place", "DevelopmentZone")],
        ),
        ("a walk in Ormond Park", [("Ormond Park", "site", "Facility")]),
        (
            "Delegates from Malaysia and the United States arrived.",
            [("Malaysia", "place", "Country"), ("United States", "place", "Country")],
        ),
        ("the Kingdom of Thailand", [("Thailand", "place", "Country")]),  # ISO 3166 name forms
        ("rain in Northern Malaysia", [("Northern Malaysia", "place", "Place")]),
        (
            "Prime Minister Tomas Veld visited the Brenner Dam.",
            [("Tomas Veld", "person", "Person")],
        ),
        (
            "Minister of State for the Ministry of Tides, Karen Oduya said so.",
            [("Ministry of Tides", "org", "Ministry"), ("Karen Oduya", "person", "Person")],
        ),
        ("In 300 BC King Ordo built a wall.", [("King Ordo", "person", "Person")]),
        ("- Chief2 Name: Mara Pell Ostin", [("Mara Pell Ostin", "person", "Person")]),
        ("- Chief2 Position: , Chief Executive Director", []),
        ("the Varnia Water Act 1972", [("Varnia Water Act 1972", "plan", "Policy")]),
        (
            "the Marrow Seafood Co. Ltd. and Tarn Street",
            [("Marrow Seafood Co. Ltd.", "org", "Company"), ("Tarn Street", "place", "Place")],
        ),
    ],
)
def test_names_are_read_from_their_form(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # registry names are the gazetteer's: by label, alias, in any case, with either apostrophe
        (
            "The halden port authority said",
            [("halden port authority", "org/halden-port-authority")],
        ),
        ("Patients of St Mary’s Hospital", [("St Mary’s Hospital", "org/st-marys-hospital")]),
        ("HPA staff", [("HPA", "org/halden-port-authority")]),
        # a longer name containing a registry name is the longer name
        (
            "the Halden Rowing Club Association",
            [("Halden Rowing Club Association", "org/halden-rowing-club-association")],
        ),
        ("the Government of Varnia", [("Government of Varnia", "org/government-of-varnia")]),
        # other names the sentence gives an entity
        (
            "Halden, previously known as Holmbury and Holm, is a port.",
            [("Halden", "place/halden"), ("Holmbury", "place/halden"), ("Holm", "place/halden")],
        ),
        (
            'He founded "Old City of Varn", the ancient name for Halden.',
            [("Old City of Varn", "place/halden"), ("Halden", "place/halden")],
        ),
    ],
)
def test_registry_entities_keep_their_keys(text, expected):
    r = Reader()
    assert [(m.text, str(m.ref)) for m in r.view(text).mentions] == expected


def test_year_relative_dates_need_only_the_year_of_publication():
    found = english.find_dates("Yesterday, 300 years ago, and last year.", None, 2000)
    assert [(d.text, d.value) for d in found] == [("300 years ago", "1700"), ("last year", "1999")]


def test_a_dated_act_is_named_later_without_its_year():
    r = Reader()
    r.view("Parliament passed the Varnia Water Act 1972.")
    assert [m.text for m in r.view("Under the Varnia Water Act, rivers are public.").mentions] == [
        "Varnia Water Act 1972"
    ]


def test_a_document_defines_abbreviations_and_short_names_for_later_sentences():
    r = Reader()
    first = r.view("The Kestrel Rowing Association (KRA) was set up by King Ordo.")
    later = r.view("KRA grew, and Ordo praised it.")
    kra = r.ref("Kestrel Rowing Association")
    assert [m.ref for m in first.mentions] == [kra, r.ref("King Ordo")]
    assert [(m.text, m.ref) for m in later.mentions] == [
        ("Kestrel Rowing Association", kra),
        ("King Ordo", r.ref("King Ordo")),
    ]
    # an abbreviation whose letters are not the name's initials is not learned
    r.view("The Tarn Valley Council (XQ) met.")
    assert [m.text for m in r.view("XQ met again.").mentions] == []


def test_a_definite_head_word_names_the_last_entity_named_with_it():
    r = Reader()
    r.view("The Kestrel Rowing Association was set up in 1961.")
    later = r.view("Under its rules, the Association elects a board; the association is small.")
    assert [(later.text[m.start : m.end], m.ref) for m in later.mentions] == [
        ("Association", r.ref("Kestrel Rowing Association"))
    ]  # "the association" in lower case is a common noun
    # a head word followed by more of a name is that longer name, not the earlier one
    assert [m.text for m in r.view("The Association Act was passed.").mentions] != ["Association"]


# ---------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It opened in 1994.", [("1994", "gYear", None)]),
        ("It opened on 1 July 1960.", [("1960-07-01", "date", None)]),
        ("It opened on July 1, 1960.", [("1960-07-01", "date", None)]),
        ("It opened on 3rd Sept. 1971.", [("1971-09-03", "date", None)]),
        ("It opened in June 2024.", [("2024-06", "gYearMonth", None)]),
        ("It opened in 2019-03-05.", [("2019-03-05", "date", None)]),
        ("unrest in the 1950s", [("1950", "gYear", "1959")]),
        ("unrest in the 1950s and 1960s", [("1950", "gYear", "1969")]),
        (
            "In 514 BC the wall rose; in 1 BC it fell.",
            [("-0513", "gYear", None), ("0000", "gYear", None)],
        ),
        ("the Ming dynasty (1368-1644)", [("1368", "gYear", "1644")]),
        ("the Wei period (220-265)", [("0220", "gYear", "0265")]),
        ("from 2013–15", [("2013", "gYear", "2015")]),
        ("last year and this year", [("2018", "gYear", None), ("2019", "gYear", None)]),
        ("300 years ago", [("1719", "gYear", None)]),
        ("the Varnia Water Act 1972", []),  # a year inside a name
        ("2,000 volunteers and 1994 residents", []),
        ("room 1200 at 9 Tarn Street, Halden 208581", []),
    ],
)
def test_dates_at_their_precision(text, expected):
    assert [
        (d.value, d.datatype, d.end_value) for d in english.find_dates(text, dt.date(2019, 12, 10))
    ] == expected


# ---------------------------------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "It covers 45 km2 (17 sq mi).",
            [("45 km2", Decimal(45_000_000), "square-metre")],
        ),  # the conversion is dropped
        ("It covers 12 sq mi.", [("12 sq mi", Decimal("31079857.324032"), "square-metre")]),
        (
            "It covers 61 square kilometers.",
            [("61 square kilometers", Decimal(61_000_000), "square-metre")],
        ),
        (
            "home to 3,200 permanent residents",
            [("3,200 permanent residents", Decimal(3200), "person")],
        ),
        (
            "It has 250 employees and 40 members.",
            [("250 employees", Decimal(250), "person"), ("40 members", Decimal(40), "person")],
        ),
        ("1,450 cooperatives", [("1,450 cooperatives", Decimal(1450), "item")]),
        (
            "RMB 2.5 billion and 4.1 billion yuan",
            [
                ("RMB 2.5 billion", Decimal(2_500_000_000), "cny"),
                ("4.1 billion yuan", Decimal(4_100_000_000), "cny"),
            ],
        ),
        ("US$ 30 million", [("US$ 30 million", Decimal(30_000_000), "usd")]),
        (
            "12 percent, 7 per cent and 9%",
            [
                ("12 percent", Decimal(12), "percent"),
                ("7 per cent", Decimal(7), "percent"),
                ("9%", Decimal(9), "percent"),
            ],
        ),
        ("In 2013 there were 12 centres.", []),  # a small bare count of things is too often a list
        ("over 2,500 years of history", []),
        ("- Employees: 310 (2017)", [("310", Decimal(310), "person")]),
        ("- Headquarters: 9 Tarn Street", []),
    ],
)
def test_quantities_in_base_units(text, expected):
    assert [(q.text, q.value, q.unit) for q in english.find_quantities(text)] == expected


def _statistics(r: Reader, text: str, subject_default=None):
    v = r.view(text)
    items = list(
        english.observations(
            v,
            english.find_quantities(text),
            english.find_dates(text, r.published),
            r.ref("Halden"),
            Value("2019", "gYear"),
            subject_default,
        )
    )
    observations = [
        (o.indicator.code, o.value, o.unit, o.subject, o.area, o.period.lexical)
        for o in items
        if isinstance(o, Observation)
    ]
    return observations, [o for o in items if isinstance(o, tuple)]


def test_a_count_mints_its_indicator_from_the_counted_noun_and_belongs_to_the_clause_subject():
    r = Reader()
    found, minted = _statistics(r, "In 2016, the Kestrel Rowing Association had 1,450 paddlers.")
    kra = r.ref("Kestrel Rowing Association")
    assert found == [("paddler-count", Decimal(1450), "item", kra, r.ref("Halden"), "2016")]
    assert minted == [("paddler-count", "paddlers", "paddlers")]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a place subject is the area (the subject is left for what is not the area)
        (
            "Halden, a port, counts 3,000 volunteers.",
            [("volunteer-count", Decimal(3000), "person", "None")],
        ),
        (
            "In Halden, the Tarn Valley Council has 80 members.",
            [("member-count", Decimal(80), "person", "org/tarn-valley-council")],
        ),
        (
            "Halden covers 45 km2 (17 sq mi).",
            [("area", Decimal(45_000_000), "square-metre", "None")],
        ),
        (
            "with an urban population of over 4 million",
            [("urban-population", Decimal(4_000_000), "person", "None")],
        ),
    ],
)
def test_statistics_and_their_subjects(text, expected):
    found, _ = _statistics(Reader(), text)
    assert [
        (code, value, unit, str(subject)) for code, value, unit, subject, _, _ in found
    ] == expected


def test_a_field_of_an_infobox_is_about_the_page_subject():
    r = Reader()
    topic = r.ref("Halden Port Authority")
    found, minted = _statistics(r, "- Budget: S$74 million (2017)", topic)
    assert found == [("budget", Decimal(74_000_000), "sgd", topic, r.ref("Halden"), "2017")]
    assert minted == [("budget", "budget", "budget")]


# ---------------------------------------------------------------------------------------- events


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The Kestrel Rowing Association was founded in 1987.",
            [("Founding", "1987", "founded", [("object", "Kestrel Rowing Association")])],
        ),
        (
            "Founded in 1987, the Kestrel Rowing Association trains rowers.",
            [("Founding", "1987", "Founded", [("object", "Kestrel Rowing Association")])],
        ),
        (
            "The Government of Varnia established the Tarn Valley Council in the 1970s.",
            [
                (
                    "Founding",
                    "1970",
                    "established",
                    [("agent", "Government of Varnia"), ("object", "Tarn Valley Council")],
                )
            ],
        ),
        (
            "Halden Port Authority and the Kestrel Rowing Association signed an agreement on 3 March 2015.",
            [
                (
                    "Signing",
                    "2015-03-03",
                    "signed",
                    [
                        ("participant", "Kestrel Rowing Association"),
                        ("agent", "Halden Port Authority"),
                    ],
                )
            ],
        ),
        (
            "In June 2011, the Ministry of Tides approved the Tarn Valley Council.",
            [
                (
                    "Approval",
                    "2011-06",
                    "approved",
                    [("agent", "Ministry of Tides"), ("object", "Tarn Valley Council")],
                )
            ],
        ),
        (
            "The Marrow Fishing Cooperative was renamed the Marrow Seafood Company in 2004.",
            [
                (
                    "Renaming",
                    "2004",
                    "renamed",
                    [
                        ("original", "Marrow Fishing Cooperative"),
                        ("result", "Marrow Seafood Company"),
                    ],
                )
            ],
        ),
        (
            "The Ministry of Tides held a forum in Halden in 2012.",
            [("Meeting", "2012", "held", [("agent", "Ministry of Tides"), ("place", "Halden")])],
        ),
        (
            "The Marrow Seafood Company listed on the Halden Stock Exchange in 2010.",
            [("Listing", "2010", "listed", [("object", "Marrow Seafood Company")])],
        ),
        (
            "The Tarn Valley Council was abolished in 514 BC.",
            [("Abolition", "-0513", "abolished", [("object", "Tarn Valley Council")])],
        ),
        ("The Ministry of Tides approved the plan.", []),  # no date, no event
        ("Halden was listed among the best ports in 2010.", []),  # listed, but not on an exchange
    ],
)
def test_dated_acts_are_events_with_roles(text, expected):
    r = Reader()
    v = r.view(text)
    events = english.find_events(v, english.find_dates(text, r.published))
    assert [
        (e.cls, e.date.lexical, e.act, [(role, r.entities[ref].en) for role, ref in e.roles])
        for e in events
    ] == expected


def test_it_works_with_the_body_the_clause_names():
    """ "It … in collaboration with Y": the document's topic cooperates with Y."""
    r = Reader()
    topic = r.ref("St Mary's Hospital")
    v = r.view("It introduced a ferry pass in collaboration with Halden Port Authority in 2014.")
    assert [
        (f.subject, f.predicate, r.entities[f.object].en) for f in english.relation_facts(v, topic)
    ] == [(topic, "cooperatesWith", "Halden Port Authority")]


def test_a_pronoun_subject_is_the_document_topic():
    r = Reader()
    topic = r.ref("Halden Port Authority")
    text = "It introduced a ferry pass in 2014."
    events = english.find_events(r.view(text), english.find_dates(text, r.published), topic)
    assert [(e.cls, e.date.lexical, e.roles) for e in events] == [
        ("Launch", "2014", (("agent", topic),))
    ]
    text = "Established in 1960, it runs the docks."
    events = english.find_events(r.view(text), english.find_dates(text, r.published), topic)
    assert [(e.cls, e.roles) for e in events] == [("Founding", (("object", topic),))]


# ---------------------------------------------------------------------------------------- relations


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The Kestrel Rowing Association, a subsidiary of the Marrow Seafood Company, rows.",
            [("Kestrel Rowing Association", "subOrganisationOf", "Marrow Seafood Company")],
        ),
        (
            "The Tarn Valley Council (TVC) is a statutory board under the Ministry of Tides.",
            [("Tarn Valley Council", "subOrganisationOf", "Ministry of Tides")],
        ),
        (
            "the Ministry of Tides of the Government of Varnia",
            [("Ministry of Tides", "subOrganisationOf", "Government of Varnia")],
        ),
        (
            "The Kestrel Science Park is located in Halden.",
            [("Kestrel Science Park", "locatedIn", "Halden")],
        ),
        (
            "The Ormond Hospital is part of the Tarn Valley Council.",
            [("Ormond Hospital", "partOf", "Tarn Valley Council")],
        ),
        (
            "The Tarn Valley Council works under the leadership of the Ministry of Tides.",
            [("Tarn Valley Council", "underLeadershipOf", "Ministry of Tides")],
        ),
        (
            "Halden, a port city in southern Singapore, grew fast.",
            [("Halden", "locatedIn", "Singapore")],
        ),
        (
            "Halden is one of the oldest towns in Singapore.",
            [("Halden", "locatedIn", "Singapore")],
        ),
        (
            "Minister of State for the Ministry of Tides, Jane Doe said so.",
            [("Jane Doe", "memberOf", "Ministry of Tides")],
        ),
        (
            "The Tarn Valley Council opened a clinic in collaboration with the Ministry of Tides.",
            [("Tarn Valley Council", "cooperatesWith", "Ministry of Tides")],
        ),
        ("The Tarn Valley Council is near the Ministry of Tides.", []),
    ],
)
def test_relations_english_states_plainly(text, expected):
    r = Reader()
    facts = english.relation_facts(r.view(text))
    assert [
        (r.entities[f.subject].en, f.predicate, r.entities[f.object].en) for f in facts
    ] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "- Parent Agency: Ministry of Tides",
            [("Halden Port Authority", "subOrganisationOf", "Ministry of Tides")],
        ),
        (
            "- Headquarters: 9 Tarn Street, Halden",
            [
                ("Halden Port Authority", "basedIn", "Tarn Street"),
                ("Tarn Street", "locatedIn", "Halden"),
            ],
        ),
        ("- Chief1 Name: Mara Pell", [("Mara Pell", "leads", "Halden Port Authority")]),
        # a public body's jurisdiction is the government it is a body of; another body is not
        (
            "- Jurisdiction: Government of Halden",
            [("Halden Port Authority", "subOrganisationOf", "Government of Halden")],
        ),
        ("- Jurisdiction: Tarn Valley Council", []),
    ],
)
def test_infobox_fields_are_about_the_page_subject(text, expected):
    r = Reader()
    facts = english.relation_facts(r.view(text), r.ref("Halden Port Authority"))
    assert [
        (r.entities[f.subject].en, f.predicate, r.entities[f.object].en) for f in facts
    ] == expected
