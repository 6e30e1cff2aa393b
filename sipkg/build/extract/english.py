"""English documents: names (registry entities by their English labels, and names read from their
form: capitalised words ending in an institution or place word, countries, titled persons),
quantities with English units, dates at their precision, the statistics they state, dated acts
(events) and a few relations English states plainly.

The Chinese rules read constructions English does not have; these read the English ones
("X was founded in 1960", "A and B signed …", "X, a subsidiary of Y"), each result with its
evidence like the rest. Nothing here names a particular institution: the lexicons list words of
a kind (head words, titles, act verbs, units), and countries come from ISO 3166 (pycountry).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from sipkg.build.extract import countries
from sipkg.build.extract.dates import DateMention
from sipkg.build.extract.model import (
    Concept,
    EntityInfo,
    Event,
    Evidence,
    Fact,
    Observation,
    Ref,
    Value,
)
from sipkg.build.extract.quantities import Quantity
from sipkg.build.extract.recognise import Candidate
from sipkg.build.extract.registry import Mention
from sipkg.build.extract.sentence import EC, E, SentenceView, expand

# ------------------------------------------------------------------------------------ lexicons

_KM2 = Fraction(10**6)
_SQ_MI = Fraction(2589988110336, 10**6)  # one square mile in square metres (exact)
# stated unit (lower case) -> (base unit, factor)
UNITS: dict[str, tuple[str, Fraction]] = {
    "km²": ("square-metre", _KM2),
    "km2": ("square-metre", _KM2),
    "sq km": ("square-metre", _KM2),
    "square kilometres": ("square-metre", _KM2),
    "square kilometers": ("square-metre", _KM2),
    "square kilometre": ("square-metre", _KM2),
    "square kilometer": ("square-metre", _KM2),
    "sq mi": ("square-metre", _SQ_MI),
    "square miles": ("square-metre", _SQ_MI),
    "square mile": ("square-metre", _SQ_MI),
    "mi²": ("square-metre", _SQ_MI),
    "mi2": ("square-metre", _SQ_MI),
    "hectares": ("square-metre", Fraction(10**4)),
    "acres": ("square-metre", Fraction(40468564224, 10**7)),
    "m²": ("square-metre", Fraction(1)),
    "square metres": ("square-metre", Fraction(1)),
    "square meters": ("square-metre", Fraction(1)),
    "sq m": ("square-metre", Fraction(1)),
    "km": ("metre", Fraction(1000)),
    "kilometres": ("metre", Fraction(1000)),
    "kilometers": ("metre", Fraction(1000)),
    "%": ("percent", Fraction(1)),
    "per cent": ("percent", Fraction(1)),
    "percent": ("percent", Fraction(1)),
    "percentage points": ("percentage-point", Fraction(1)),
    "yuan": ("cny", Fraction(1)),
    "renminbi": ("cny", Fraction(1)),
    "rmb": ("cny", Fraction(1)),
    "cny": ("cny", Fraction(1)),
    "us dollars": ("usd", Fraction(1)),
    "dollars": ("usd", Fraction(1)),
    "usd": ("usd", Fraction(1)),
    "singapore dollars": ("sgd", Fraction(1)),
    "euros": ("eur", Fraction(1)),
    "years": ("year", Fraction(1)),
}
CURRENCY_BEFORE = {
    "rmb": "cny",
    "cny": "cny",
    "¥": "cny",
    "us$": "usd",
    "$": "usd",
    "usd": "usd",
    "s$": "sgd",
    "sgd": "sgd",
    "hk$": "hkd",
    "€": "eur",
    "£": "gbp",
}
MULTIPLIERS = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "bn": 10**9,
}
HEDGES = {
    "about": "about",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "some": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "over": "more-than",
    "more than": "more-than",
    "at least": "at-least",
    "up to": "at-most",
    "less than": "less-than",
    "under": "less-than",
}
# the things a count counts that are people or households (N permanent residents, N employees)
PERSON_NOUNS = {
    "people",
    "persons",
    "residents",
    "inhabitants",
    "citizens",
    "members",
    "employees",
    "staff",
    "volunteers",
    "workers",
    "officials",
    "officers",
    "students",
    "teachers",
    "visitors",
    "tourists",
    "civil servants",
    "social workers",
    "personnel",
    "participants",
}
HOUSEHOLD_NOUNS = {"households", "families"}
TIME_NOUNS = {
    "years",
    "months",
    "weeks",
    "days",
    "hours",
    "minutes",
    "seconds",
    "decades",
    "centuries",
}
# indicator code -> English phrases naming it (codes as in the registry's indicators)
INDICATORS: dict[str, list[str]] = {
    "area": ["administrative area", "area", "covers", "covering"],
    "floor-area": ["floor area", "floor space"],
    "resident-population": [
        "resident population",
        "population",
        "permanent residents",
        "residents",
    ],
    "gdp": ["gross domestic product", "gdp"],
    "public-budget-revenue": ["public budget revenue", "budget revenue"],
    "retail-sales": ["retail sales"],
    "foreign-investment-utilised": ["foreign investment", "fdi"],
    "import-export-total": ["imports and exports", "foreign trade", "total trade"],
    "fixed-asset-investment": ["fixed-asset investment", "fixed asset investment"],
    "disposable-income": ["disposable income"],
    "volunteer-count": ["volunteers"],
    "social-worker-count": ["social workers"],
    "household-count": ["households"],
    "member-count": ["members"],
    "person-count": ["people", "persons"],
    "funding": ["funding", "funds"],
}
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
MONTH_FORMS = {**MONTHS, **{m[:3]: i for m, i in MONTHS.items()}, "Sept": 9}
COUNT_INDICATOR = {"org": "organisation-count", "site": "facility-count", "place": "place-count"}

# head word of a name -> (IRI type, sip class); a name ends in one ("Suzhou Planning Bureau") or
# opens with one followed by "of …" ("Ministry of Culture")
HEADS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(["Committee", "Commission"], ("org", "Committee")),
    "Council": ("org", "Council"),
    "Bureau": ("org", "Bureau"),
    "Ministry": ("org", "Ministry"),
    **dict.fromkeys(["Department", "Authority", "Agency", "Board"], ("org", "PublicBody")),
    "Office": ("org", "Office"),
    "Government": ("org", "Government"),
    "Court": ("org", "Court"),
    "Party": ("org", "PartyOrganisation"),
    "Alliance": ("org", "Alliance"),
    **dict.fromkeys(
        ["Association", "Society", "Federation", "Union", "Chamber"], ("org", "Association")
    ),
    "Foundation": ("org", "Organisation"),
    "Institute": ("org", "ResearchInstitute"),
    **dict.fromkeys(
        ["University", "College", "School", "Academy", "Kindergarten"], ("org", "School")
    ),
    "Hospital": ("org", "Hospital"),
    "Cooperative": ("org", "Cooperative"),
    **dict.fromkeys(
        [
            "Bank",
            "Exchange",
            "Co.",
            "Company",
            "Corporation",
            "Corp.",
            "Group",
            "Ltd",
            "Ltd.",
            "Limited",
            "Inc.",
            "Holdings",
        ],
        ("org", "Company"),
    ),
    **dict.fromkeys(
        [
            "Centre",
            "Center",
            "Gate",
            "Bridge",
            "Pagoda",
            "Temple",
            "Museum",
            "Tower",
            "Stadium",
            "Airport",
            "Station",
            "Library",
            "Theatre",
            "Theater",
            "Garden",
            "Gardens",
            "Mall",
        ],
        ("site", "Facility"),
    ),
    "Park": ("site", "Facility"),  # "… Industrial Park" is a development zone: see ZONE_WORDS
    "Zone": ("place", "DevelopmentZone"),
    "Province": ("place", "Province"),
    **dict.fromkeys(["City", "Municipality", "Prefecture"], ("place", "City")),
    "Town": ("place", "Town"),
    "Subdistrict": ("place", "Subdistrict"),
    **dict.fromkeys(
        [
            "District",
            "County",
            "Village",
            "Street",
            "Avenue",
            "Road",
            "Region",
            "River",
            "Lake",
            "Hill",
            "Mountain",
            "Island",
            "Bay",
            "Delta",
            "Basin",
            "Canal",
        ],
        ("place", "Place"),
    ),
    **dict.fromkeys(["Act", "Law", "Ordinance"], ("plan", "Policy")),
    **dict.fromkeys(["Forum", "Summit", "Conference", "Congress"], ("event", "Meeting")),
}
COMPANY_SUFFIXES = {"Co.", "Ltd", "Ltd.", "Limited", "Inc.", "Corp.", "Group", "Holdings"}
ZONE_WORDS = {
    "Industrial",
    "Science",
    "Technology",
    "Hi-Tech",
    "High-Tech",
    "Business",
    "Economic",
    "Software",
    "Logistics",
    "Innovation",
    "Eco",
    "Export",
}
# capitalised words that are not part of a name (sentence openers, determiners, prepositions)
STOP = {
    "The",
    "A",
    "An",
    "Its",
    "It",
    "This",
    "That",
    "These",
    "Those",
    "Our",
    "Their",
    "His",
    "Her",
    "My",
    "Your",
    "Each",
    "Every",
    "Both",
    "All",
    "Some",
    "Many",
    "Most",
    "Several",
    "Any",
    "No",
    "In",
    "On",
    "At",
    "By",
    "For",
    "From",
    "With",
    "During",
    "Since",
    "After",
    "Before",
    "Under",
    "Over",
    "Of",
    "To",
    "As",
    "And",
    "Or",
    "But",
    "If",
    "When",
    "While",
    "Where",
    "Which",
    "Who",
    "Why",
    "How",
    "There",
    "Here",
    "Then",
    "Also",
    "Other",
    "Another",
    "Such",
    "Only",
    "Between",
    "Among",
    "Through",
    "Via",
    "Per",
    "According",
    "Although",
    "Because",
    "Once",
    "Until",
    "Upon",
    "Within",
    "Without",
    "Into",
    "Former",
    "Later",
    "Yes",
    "Not",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
} | set(MONTH_FORMS)
# modifiers that alone do not make a head word a name (the Standing Committee, a Municipal Government)
GENERIC = {
    "Standing",
    "Municipal",
    "Provincial",
    "National",
    "Central",
    "Local",
    "Regional",
    "Executive",
    "General",
    "Joint",
    "Parent",
    "Head",
    "Main",
    "State",
    "City",
    "District",
    "Town",
    "Village",
    "County",
    "Statutory",
    "Public",
    "Private",
    "New",
    "Old",
    "Chief",
    "Deputy",
    "Senior",
    "Special",
}
# words before a head-first name that make it generic (an Act of Parliament, each Ministry of …)
INDEFINITE = {"a", "an", "any", "each", "every", "no", "one", "another"}
ABBREVIATED = {"Co", "Ltd", "Inc", "Corp", "St", "Mr", "Mrs", "Ms", "Dr", "Jr", "No", "Prof"}
# titles before a person's name; royal titles are part of the name ("King Helu")
TITLES = [
    "Prime Minister",
    "Deputy Prime Minister",
    "Senior Minister",
    "Minister",
    "Mr",
    "Mrs",
    "Ms",
    "Madam",
    "Dr",
    "President",
    "Vice President",
    "Premier",
    "Vice Premier",
    "Chairman",
    "Chairwoman",
    "Mayor",
    "Vice Mayor",
    "Governor",
    "Secretary",
    "Party Secretary",
    "Ambassador",
    "Professor",
    "Prof",
    "Director",
    "Senator",
    "Chief Executive",
]
TITLE_WORDS = {w for t in TITLES for w in t.split()} | {"Executive", "Officer", "Chief", "Deputy"}
ROYAL = ["King", "Queen", "Emperor", "Empress", "Prince", "Princess", "Duke", "Marquis", "Lord"]
COMPASS = (
    "Eastern",
    "Western",
    "Northern",
    "Southern",
    "Central",
    "Northeastern",
    "Northwestern",
    "Southeastern",
    "Southwestern",
    "North",
    "South",
    "East",
    "West",
)

# act verb -> event class (sip:); the verb as written is the event's act
ACTS: list[tuple[str, str]] = [
    (r"established|founded|set up|formed|created|incorporated", "Founding"),
    (r"signed", "Signing"),
    (r"approved", "Approval"),
    (r"began|launched|opened|started|introduced|commenced", "Launch"),
    (r"inaugurated", "Inauguration"),
    (r"expanded|enlarged", "Expansion"),
    (r"renamed", "Renaming"),
    (r"merged|annexed", "Merger"),
    (r"restructured|reorgani[sz]ed", "Restructuring"),
    (r"abolished|dissolved|disbanded", "Abolition"),
    (r"transferred", "Transfer"),
    (r"held|hosted|convened", "Meeting"),
    (r"listed|went public", "Listing"),
    (r"completed|built|constructed", "Completion"),
    (r"awarded|won", "Award"),
]
INTRANSITIVE = {
    "Founding",
    "Launch",
    "Inauguration",
    "Expansion",
    "Listing",
    "Completion",
    "Abolition",
}
MEETING_WORDS = re.compile(
    r"\b(?:meeting|forum|conference|summit|ceremony|seminar|session|talks|election|"
    r"exhibition|festival|games|event|congress|dialogue|workshop)s?\b",
    re.IGNORECASE,
)
LISTING_CONTEXT = re.compile(r"\blisted\s+on\b|\bwent public\b", re.IGNORECASE)
IPO = re.compile(r"\b(?:IPO|initial public offering)\b")
PRONOUN = re.compile(
    r"(?:^|\s)(?:it|It|they|They|which|who)\s+(?:(?:also|then|later|first|jointly|officially|"
    r"formally|was|were|has|had|have|been|is|are)\s+)*$"
)
PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:[a-z]+ly\s+)?$")
PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|of|at|from|to|by|for|with|under|across|within|throughout|on|into|"
    r"through|during|via|near|between|among|against|about)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _alternation(words) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _fold(name: str) -> str:
    return " ".join(name.replace("’", "'").split()).lower()


# ------------------------------------------------------------------------------------ names


class EnglishGazetteer:
    """Registry entities by English label and alias: whole words, longest first; lower-case
    labels match in any case, abbreviations (SIP) only as written."""

    def __init__(self, entities: dict[Ref, EntityInfo]):
        exact, folded = {}, {}
        for info in entities.values():
            for name in (info.en, *info.aliases_en):
                if name.isupper() and len(name) <= 6:
                    exact.setdefault(name, info.ref)
                else:
                    folded.setdefault(name.lower(), info.ref)
        self.exact, self.folded = exact, folded
        self.normalised = {_fold(n): r for n, r in folded.items()}
        words = [*exact, *folded]
        self.pattern = (
            re.compile(rf"(?<![\w-])(?:{_alternation(words)})(?![\w-])", re.IGNORECASE)
            if words
            else None
        )

    def find(self, text: str) -> list[Mention]:
        if self.pattern is None:
            return []
        out = []
        for m in self.pattern.finditer(text):
            ref = self.exact.get(m.group()) or self.folded.get(m.group().lower())
            if ref is not None:
                out.append(Mention(m.start(), m.end(), m.group(), ref))
        return out

    def ref_for(self, name: str) -> Ref | None:
        """The registry entity a name is a label or alias of (case and apostrophes aside)."""
        return self.exact.get(name) or self.normalised.get(_fold(name))


COUNTRIES = countries.ENGLISH
COUNTRY = re.compile(rf"(?<![\w-])(?:{_alternation(COUNTRIES)})(?![\w-])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_CAP = re.compile(r"[A-Z][A-Za-z0-9'’\-]*")
_NAME_WORD = r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*"
PERSON = re.compile(
    rf"(?<![\w-])(?P<title>{_alternation(TITLES)})\.?"
    rf"(?:\s+(?:of|for)\s+[^,.;()]{{1,60}}?,)?\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})"
)
ROYAL_PERSON = re.compile(
    rf"(?<![\w-])(?P<name>(?:{_alternation(ROYAL)})\s+(?P<own>{_NAME_WORD}(?:\s+{_NAME_WORD})?))"
)
# an infobox field naming a leader: "Chief1 Name: Jane Doe", "Leader Name: …"
LEADER_FIELD = re.compile(
    rf"^\W*(?:chief|leader|head|minister|director|chair\w*|president|mayor|governor|secretary)\d*\s+name\s*:\s*"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}})\s*$",
    re.IGNORECASE,
)
# "the Association" not followed by more of a name ("the Association of …", "the Association Act")
DEFINITE = re.compile(
    r"(?<![\w-])[Tt]he\s+(?P<head>" + "|".join(HEADS) + r")(?![\w-])(?!\s+(?:of\b|[A-Z0-9]))"
)
ABBREVIATION = re.compile(r"\s*\((?P<abbr>[A-Z][A-Za-z&]*[A-Z])\)")


class EnglishRecogniser:
    """Names the registry may not know, read from their form. One per document: it learns the
    abbreviations a document defines ("People's Association (PA)") and the short names of the
    titled persons it names ("King Helu" … "Helu") and finds them in later sentences."""

    def __init__(self, gazetteer: EnglishGazetteer | None = None):
        self.gazetteer = gazetteer
        self.learned: dict[str, tuple[str, str, str]] = {}  # short form -> (name, type, class)
        self.last_of_head: dict[str, tuple[str, str, str]] = {}  # head word -> the last so named

    def known(self, name: str) -> Ref | None:
        return self.gazetteer.ref_for(name) if self.gazetteer else None

    def find(self, text: str, mentions: Iterable[Mention] = ()) -> list[Candidate]:
        """Names in text that no registry name covers (a registry name is the gazetteer's)."""
        return [c for c in self._candidates(text, list(mentions)) if self.known(c.name) is None]

    def mentions(self, text: str, mint: Callable[[Candidate], Ref]) -> list[Mention]:
        """Registry names and recognised ones: a recognised name equal to a registry label or
        alias is that entity; `mint` gives the entity of a new one (the caller registers it)."""
        known = self.gazetteer.find(text) if self.gazetteer else []
        candidates = self._candidates(text, known)
        found = []
        for c in candidates:
            ref = self.known(c.name) or _named_as(text, c, known, found) or mint(c)
            found.append(Mention(c.start, c.end, c.name, ref))
        kept = [m for m in known if not any(f.start <= m.start and m.end <= f.end for f in found)]
        out = sorted(kept + found, key=lambda m: m.start)
        return sorted(out + _other_names(text, out), key=lambda m: m.start)

    # -- the candidates
    def _candidates(self, text: str, known: list[Mention]) -> list[Candidate]:
        # what the document defined comes first: on an equal span it names the entity (… Act -> … Act 1960)
        found = [
            *self._learned(text),
            *self._definite(text),
            *self._headed(text),
            *self._countries(text),
            *self._persons(text),
        ]
        found += self._regions(text, [*known, *found])
        found = [c for c in found if not _blocked_by(c, known)]
        kept = _non_overlapping(found)
        self._learn(text, kept, known)
        return kept

    def _headed(self, text: str) -> Iterator[Candidate]:
        words = [
            (m.start(), _word_end(text, m), text[m.start() : _word_end(text, m)])
            for m in _WORD.finditer(text)
        ]
        for i, (_, _, word) in enumerate(words):
            if word in HEADS:
                c = _name_at(text, words, i)
                if c is not None:
                    yield c

    def _countries(self, text: str) -> Iterator[Candidate]:
        for m in COUNTRY.finditer(text):
            yield Candidate(m.start(), m.end(), COUNTRIES[m.group()], "place", "Country")

    def _persons(self, text: str) -> Iterator[Candidate]:
        for m in PERSON.finditer(text):
            words = m.group("name").split()
            while words and (words[-1] in HEADS or words[-1] in STOP):
                words.pop()
            if words and not any(
                w in HEADS or w in STOP or w in COUNTRIES or w in TITLE_WORDS for w in words
            ):
                name = " ".join(words)
                start = m.start("name")
                yield Candidate(start, start + len(name), name, "person", "Person")
        for m in ROYAL_PERSON.finditer(text):
            if not any(w in HEADS or w in STOP for w in m.group("own").split()):
                yield Candidate(m.start(), m.end(), m.group("name"), "person", "Person")
        m = LEADER_FIELD.match(text)
        if m:
            yield Candidate(m.start("name"), m.end("name"), m.group("name"), "person", "Person")

    def _learned(self, text: str) -> Iterator[Candidate]:
        for short, (name, type_, cls) in self.learned.items():
            for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
                yield Candidate(m.start(), m.end(), name, type_, cls)

    def _definite(self, text: str) -> Iterator[Candidate]:
        """A definite head word alone ("the Association", "the Park") names the last entity the
        document named with that head (the People's Association … the Association)."""
        for m in DEFINITE.finditer(text):
            named = self.last_of_head.get(m.group("head"))
            if named:
                yield Candidate(m.start("head"), m.end(), *named)

    def _regions(self, text: str, places: list[Mention | Candidate]) -> list[Candidate]:
        """Eastern China: a compass word before a country or a known place names a region."""
        out = []
        for p in places:
            if _type_of(p) != "place":
                continue
            m = re.search(rf"(?<![\w-])(?:{'|'.join(COMPASS)})\s+$", text[: p.start])
            if m:
                out.append(
                    Candidate(
                        m.start(),
                        p.end,
                        " ".join(text[m.start() : p.end].split()),
                        "place",
                        "Place",
                    )
                )
        return out

    def _learn(self, text: str, kept: list[Candidate], known: list[Mention]) -> None:
        for c in kept:
            if c.type == "person" and c.name.split()[0] in ROYAL:  # King Helu … Helu
                self.learned.setdefault(c.name.split(maxsplit=1)[1], (c.name, c.type, c.cls))
            dated = re.fullmatch(r"(?P<short>.+ (?:Act|Law|Ordinance)) \d{4}", c.name)
            if dated:  # the People's Association Act 1960 … the People's Association Act
                self.learned.setdefault(dated.group("short"), (c.name, c.type, c.cls))
        named = [(c.end, c.name, c.type, c.cls) for c in kept if c.type != "person"]
        named += [(m.end, m.text, m.ref.type, "") for m in known]
        for _end, name, type_, cls in named:
            head = name.split()[-1] if name.split() else ""
            if head in HEADS and head != name:
                self.last_of_head[head] = (name, type_, cls or HEADS[head][1])
        for end, name, type_, cls in named:
            m = ABBREVIATION.match(text, end)
            if m and _abbreviates(m.group("abbr"), name):
                self.learned.setdefault(m.group("abbr"), (name, type_, cls))


# "X, the ancient name for Y": X names Y
NAME_FOR = re.compile(
    r"[”\"]?,\s+(?:the|an?)\s+(?:[a-z]+\s+)?(?:name|term)\s+(?:for|of)\s+(?:the\s+)?"
)
# "Y, previously transliterated as A, B, and C": A, B and C are other names of Y
ALSO_KNOWN = re.compile(
    r"\s*,?\s+(?:(?:previously|formerly|also|once|originally|variously|sometimes)\s+)*(?:known|transliterated|"
    r"romani[sz]ed|spelled|spelt|written|called)\s+as\s+(?P<names>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*"
    r"(?:(?:,\s+|,?\s+(?:and|or)\s+)[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)*)"
)


def _named_as(text: str, c: Candidate, known: list[Mention], found: list[Mention]) -> Ref | None:
    """The entity a candidate is another name of: "Great City of Helu", the ancient name for Suzhou."""
    m = NAME_FOR.match(text, c.end)
    if m:
        return next((k.ref for k in known if k.start == m.end()), None)
    return None


def _other_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """Other names a sentence gives an entity right after naming it (… previously known as A, B)."""
    out = []
    for mention in mentions:
        m = ALSO_KNOWN.match(text, mention.end)
        if not m:
            continue
        for name in re.finditer(r"[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*", m.group("names")):
            a, b = m.start("names") + name.start(), m.start("names") + name.end()
            if not any(x.start < b and a < x.end for x in mentions):
                out.append(Mention(a, b, name.group(), mention.ref))
    return out


def _word_end(text: str, m: re.Match) -> int:
    """The end of a word, the full stop of an abbreviation (Co., Ltd.) included."""
    end = m.end()
    return end + 1 if m.group() in ABBREVIATED and text[end : end + 1] == "." else end


def _is_cap(word: str) -> bool:
    return (
        bool(_CAP.fullmatch(word.removesuffix(".") if word[:-1] in ABBREVIATED else word))
        and word not in STOP
    )


def _caps(text: str, words, k: int, limit: int | None = None) -> int:
    """The index after a run of capitalised words starting at k, joined by single spaces."""
    j = k
    while (
        j < len(words)
        and _is_cap(words[j][2])
        and (j == k or text[words[j - 1][1] : words[j][0]] == " ")
    ):
        if limit is not None and j - k >= limit:
            break
        j += 1
    return j


def _gap(text: str, words, a: int, b: int) -> str:
    return text[words[a][1] : words[b][0]]


def _name_at(text: str, words, i: int) -> Candidate | None:
    """The name whose head word is words[i]: capitalised words before it, and an "of …" tail."""
    head = words[i][2]
    j = i
    while j > 0 and _gap(text, words, j - 1, j) == " ":
        prev = words[j - 1][2]
        if _is_cap(prev):
            j -= 1
        elif (
            prev in ("and", "&", "for")
            and j > 1
            and _gap(text, words, j - 2, j - 1) == " "
            and _is_cap(words[j - 2][2])
            and not _ends_tail(text, words, j - 2)
        ):
            j -= 2
        else:
            break
    k = i + 1  # one past the last word of the name
    tail = False
    while (
        k + 1 < len(words)
        and words[k][2] in ("of", "for", "on")
        and _gap(text, words, k - 1, k) == " "
    ):
        first = k + 1
        if words[first][2] == "the" and not tail and first + 1 < len(words):
            first += 1
        end = _caps(text, words, first)
        if end == first or any(
            words[x][2] in COUNTRIES and x == first and end - first == 1 and tail
            for x in range(first, end)
        ):
            break
        k, tail = end, True
        k = _list_tail(text, words, k)
    while k < len(words) and words[k][2] in COMPANY_SUFFIXES and _gap(text, words, k - 1, k) == " ":
        k += 1  # Co. Ltd.
    if (
        head == "Act"
        and k < len(words)
        and re.fullmatch(r"(?:1[6-9]|20)\d\d", words[k][2])
        and _gap(text, words, k - 1, k) == " "
    ):
        k += 1  # the People's Association Act 1960
    modifiers = [w[2] for w in words[j:i] if w[2] not in ("and", "&", "for")]
    if not modifiers and not tail:
        return None  # a head word alone: "the Board"
    if not tail and all(w in GENERIC for w in modifiers):
        return None
    if (
        j == i
        and j > 0
        and words[j - 1][2].lower() in INDEFINITE
        and _gap(text, words, j - 1, j) == " "
    ):
        return None  # an Act of Parliament
    start, end = words[j][0], words[k - 1][1]
    if re.match(r"\s*:", text[end:]):
        return None  # a field label: "Parent Agency: …"
    type_, cls = HEADS[head]
    if head == "Park" and any(w in ZONE_WORDS for w in modifiers):
        type_, cls = "place", "DevelopmentZone"
    return Candidate(start, end, " ".join(text[start:end].split()), type_, cls)


def _ends_tail(text: str, words, k: int) -> bool:
    """Whether the capitalised word k ends the "of …" tail or the name of another name (Ministry of
    Education | and Harlow University): then "and" before the head joins two names, not one."""
    s = k
    while s > 0 and _is_cap(words[s - 1][2]) and _gap(text, words, s - 1, s) == " ":
        s -= 1
    if any(words[x][2] in HEADS for x in range(s, k + 1)):
        return True
    return s > 0 and words[s - 1][2] in ("of", "for", "the") and _gap(text, words, s - 1, s) == " "


def _list_tail(text: str, words, k: int) -> int:
    """Ministry of Culture, Community and Youth: a list closed by "and" continues an "of" tail;
    a conjunct that is itself a name (… and Suzhou University) does not."""
    j = k
    while (
        j + 1 < len(words) and _gap(text, words, j - 1, j).strip() == "," and _is_cap(words[j][2])
    ):
        j = _caps(text, words, j)
    if j < len(words) and words[j][2] == "and" and _gap(text, words, j - 1, j).strip() in ("", ","):
        end = _caps(text, words, j + 1)
        conjunct = [w[2] for w in words[j + 1 : end]]
        if (
            end > j + 1
            and not any(w in HEADS for w in conjunct)
            and not (end < len(words) and words[end][2] in HEADS)
        ):
            return end
    return k


def _abbreviates(abbr: str, name: str) -> bool:
    """PA for People's Association, MCCY for Ministry of Culture, Community and Youth."""
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w'’-]*", name) if w[0].isupper())
    letters = [c for c in abbr if c.isupper()]
    if not initials or not letters or letters[0] != initials[0]:
        return False
    it = iter(initials)
    return all(c in it for c in letters)


def _type_of(x: Mention | Candidate) -> str:
    return x.ref.type if isinstance(x, Mention) else x.type


def _blocked_by(c: Candidate, known: list[Mention]) -> bool:
    """A candidate inside a registry name, or cutting across one, gives way to it."""
    for m in known:
        if (
            m.start < c.end
            and c.start < m.end
            and not (c.start <= m.start and m.end <= c.end and (c.start, c.end) != (m.start, m.end))
        ):
            return True
    return False


def _non_overlapping(found: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    for c in sorted(found, key=lambda c: (-(c.end - c.start), c.start)):
        if all(c.end <= k.start or k.end <= c.start for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)


# ------------------------------------------------------------------------------------ quantities

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
QUANTITY = re.compile(
    rf"(?:(?P<hedge>{_alternation(HEDGES)})\s+)?(?P<currency>{_alternation(CURRENCY_BEFORE)})?\s?"
    rf"(?<![\w.,])(?P<number>{_NUMBER})(?![\w.]|,\d)"
    rf"(?:\s?(?P<mult>{_alternation(MULTIPLIERS)})\b)?(?:\s?(?P<unit>{_alternation(UNITS)})(?![A-Za-z]))?",
    re.IGNORECASE,
)
# what follows a count: up to two modifiers and a plural noun (3,000 permanent residents)
COUNTED = re.compile(
    r"\s+(?P<noun>(?:[a-z][a-z\-]+\s+){0,2}?(?:[a-z][a-z\-]*[a-rt-z]s|people|staff|personnel))\b"
)
FUNCTION_WORDS = {
    "the",
    "of",
    "and",
    "in",
    "to",
    "for",
    "with",
    "by",
    "are",
    "is",
    "was",
    "were",
    "has",
    "have",
    "from",
    "on",
    "at",
    "as",
    "or",
    "its",
    "their",
    "this",
    "that",
    "than",
    "more",
    "less",
    "had",
}
GROWTH = re.compile(
    r"\b(?:up|rose|grew|increased?|growth|growing)\b(?:\s+(?:of|by))?\s*$", re.IGNORECASE
)
DECLINE = re.compile(
    r"\b(?:down|fell|dropped|decreased?|declined?)\b(?:\s+(?:of|by))?\s*$", re.IGNORECASE
)
FIELD = re.compile(
    r"^\W*(?P<label>[A-Z][A-Za-z ]{1,40}?)\s*:\s*$"
)  # "- Employees: " before the figure
CONVERSION = re.compile(r"\s*[(（]\s*(?:about\s+|approximately\s+|or\s+)?$")


def _counted_noun(sentence: str, end: int, comma: bool) -> re.Match | None:
    """The plural noun a count counts; a bare number without a comma counts only people or households."""
    m = COUNTED.match(sentence, end)
    if not m:
        return None
    words = m.group("noun").split()
    if any(w in FUNCTION_WORDS for w in words) or words[-1] in TIME_NOUNS:
        return None
    if (
        not comma
        and " ".join(words) not in PERSON_NOUNS | HOUSEHOLD_NOUNS
        and words[-1] not in (PERSON_NOUNS | HOUSEHOLD_NOUNS)
    ):
        return None
    return m


def find_quantities(sentence: str) -> list[Quantity]:
    """Numbers with a unit, a currency or a multiplier (278 km², RMB 1.2 billion, 12%), and counts
    of a plural noun (3,000 volunteers, 800 permanent residents). A conversion of the figure before
    it in parentheses (45 km² (17 sq mi)) is not a second figure."""
    found: list[Quantity] = []
    for m in QUANTITY.finditer(sentence):
        unit_word, currency, mult = m.group("unit"), m.group("currency"), m.group("mult")
        number_text = m.group("number")
        comma = "," in number_text
        end = m.end()
        noun = None
        if not unit_word and not currency:
            counted = _counted_noun(sentence, end, comma)
            if counted:
                noun, end = counted.group("noun"), counted.end()
            else:
                label = FIELD.match(
                    sentence[: m.start()]
                )  # "- Employees: 310": the field names what is counted
                alone = re.fullmatch(
                    r"\s*(?:\([^()]*\))?\s*", sentence[m.end() :]
                )  # not "9 King George's Avenue"
                if (
                    label
                    and alone
                    and label.group("label").strip().lower().endswith("s")
                    and not mult
                ):
                    noun = label.group("label").strip().lower()
        if unit_word and unit_word.lower() == "years":
            continue  # a duration or an age, not a statistic
        if not (unit_word or currency or mult or noun or comma):  # a bare count needs 762,000
            continue
        if (
            not comma
            and re.fullmatch(r"(?:1[0-9]|20)\d\d", number_text)
            and not (unit_word or currency or noun)
        ):
            continue  # a year
        number = Decimal(number_text.replace(",", ""))
        if mult:
            number *= MULTIPLIERS[mult.lower()]
        if unit_word:
            base, factor = UNITS[unit_word.lower()]
        elif currency:
            base, factor = CURRENCY_BEFORE[currency.lower()], Fraction(1)
        elif noun:
            last = noun.split()[-1]
            base = (
                "person"
                if noun in PERSON_NOUNS or last in PERSON_NOUNS
                else ("household" if last in HOUSEHOLD_NOUNS else "item")
            )
            factor = Fraction(1)
        else:
            base, factor = "", Fraction(1)
        value = number * Decimal(factor.numerator) / Decimal(factor.denominator)
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        before = sentence[max(0, start - 30) : start]
        kind = (
            "growth"
            if GROWTH.search(before)
            else "decline"
            if DECLINE.search(before)
            else ("percent" if base == "percent" else "amount")
        )
        hedge = m.group("hedge")
        value = Decimal(int(value)) if value == int(value) else value.normalize()
        stated = " ".join(w for w in (currency, mult, unit_word or noun) if w)
        q = Quantity(
            start,
            end,
            sentence[start:end],
            value,
            None,
            base,
            stated,
            HEDGES[hedge.lower()] if hedge else None,
            kind,
        )
        if (
            found
            and base
            and found[-1].unit == base
            and CONVERSION.fullmatch(sentence[found[-1].end : start])
        ):
            continue  # 45 km² (17 sq mi)
        found.append(q)
    return found


# ------------------------------------------------------------------------------------ dates

_MONTH = rf"(?P<month>{_alternation(MONTH_FORMS)})\.?"
_BC = r"(?:BCE|BC|B\.C\.(?:E\.)?)(?![\w])"
_AD = r"(?:AD|A\.D\.|CE|C\.E\.)(?![\w])"
DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<mm>\d{2})-(?P<dd>\d{2})\b")),
    (
        "dmy",
        re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{3,4}})\b"),
    ),
    (
        "mdy",
        re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{3,4}})\b"),
    ),
    ("my", re.compile(rf"\b{_MONTH},?\s+(?P<year>\d{{4}})\b")),
    (
        "decade",
        re.compile(
            r"\b(?:(?P<part>early|mid|late)[- ])?(?P<year>\d{3}0)['’]?s\b"
            r"(?:\s+(?:and|to|through|-|–)\s+(?:the\s+)?(?:(?:early|mid|late)[- ])?"
            r"(?P<year2>\d{3}0)['’]?s\b)?"
        ),
    ),
    ("bc", re.compile(rf"\b(?P<year>\d{{1,4}})\s*{_BC}")),
    ("ad", re.compile(rf"\b(?:{_AD})\s*(?P<year>\d{{1,4}})\b|\b(?P<year2>\d{{1,4}})\s*{_AD}")),
    (
        "range",
        re.compile(r"(?P<open>\()?\b(?P<year>\d{3,4})\s*[-–]\s*(?P<year2>\d{2,4})\b(?P<close>\))?"),
    ),
    ("ago", re.compile(r"\b(?P<n>\d{1,3}(?:,\d{3})*|\d+)\s+years\s+ago\b")),
    (
        "relative",
        re.compile(
            r"\b(?P<relative>yesterday|today|this year|last year|next year)\b", re.IGNORECASE
        ),
    ),
    ("year", re.compile(r"(?<![\w$.,])(?P<year>1\d{3}|20\d{2})(?![\w%]|,\d|\.\d)")),
]
RELATIVE_DAYS = {"yesterday": -1, "today": 0}
RELATIVE_YEARS = {"this year": 0, "last year": -1, "next year": 1}
# a year right after one of these words is part of a name (the People's Association Act 1960)
NAMED_YEAR = re.compile(
    r"\b(?:Act|Law|Ordinance|Plan|Vision|Agenda|Expo|Games|Cup|Forum|Summit|Conference)\s+$"
)
UNIT_AFTER = re.compile(
    rf"\s*(?:{_alternation([*UNITS, *PERSON_NOUNS, *HOUSEHOLD_NOUNS, *MULTIPLIERS])})\b",
    re.IGNORECASE,
)
YEAR_CONTEXT = re.compile(
    r"\b(?:in|since|by|from|until|till|to|of|and|or|between|before|after|around|circa|"
    r"c\.|about|during|year)\s+$|[(,–-]\s*$",
    re.IGNORECASE,
)


def iso_year(year: int) -> str:
    """ISO 8601 year: 1 BC is 0000, 514 BC is -0513."""
    return f"{year:04d}" if year >= 0 else f"-{-year:04d}"


def find_dates(
    sentence: str, reference: date | None = None, year: int | None = None
) -> list[DateMention]:
    """Dates at the precision written: years (in 1994, 514 BC -> -0513), months (June 2024), days
    (1 July 1960, July 1, 1960), decades (the 1950s -> 1950–1959; the 1950s and 1960s ->
    1950–1969), year ranges (960-1279), and yesterday, this year, last year, N years ago resolved
    against the publication date (`reference`; when only its year is known, `year` resolves the
    year-relative ones and yesterday stays unread). A year inside a name (… Act 1960) is not a date."""
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in DATE_PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            mention = _date(kind, m, sentence, reference, reference.year if reference else year)
            if mention is not None:
                out.append(mention)
                taken.append((m.start(), m.end()))
    return sorted(out, key=lambda d: d.start)


def _date(
    kind: str, m: re.Match, sentence: str, reference: date | None, now: int | None
) -> DateMention | None:
    start, end = m.start(), m.end()

    def mention(
        value: str,
        datatype: str,
        end_value: str | None = None,
        qualifier: str | None = None,
        relative: bool = False,
        a: int = start,
        b: int = end,
    ) -> DateMention:
        return DateMention(a, b, sentence[a:b], value, datatype, end_value, qualifier, relative)

    if kind == "iso":
        try:
            return mention(date(int(m["year"]), int(m["mm"]), int(m["dd"])).isoformat(), "date")
        except ValueError:
            return None
    if kind in ("dmy", "mdy"):
        year = int(m["year"])
        try:
            value = date(year, MONTH_FORMS[m["month"]], int(m["day"])).isoformat()
        except ValueError:
            return None
        return mention(value, "date")
    if kind == "my":
        return mention(f"{int(m['year']):04d}-{MONTH_FORMS[m['month']]:02d}", "gYearMonth")
    if kind == "decade":
        first = int(m["year"])
        last = int(m["year2"]) + 9 if m["year2"] else first + 9
        if last < first:
            return None
        return mention(
            iso_year(first),
            "gYear",
            iso_year(last),
            m["part"] and {"mid": "middle"}.get(m["part"], m["part"]),
        )
    if kind == "bc":
        return mention(iso_year(1 - int(m["year"])), "gYear")
    if kind == "ad":
        return mention(iso_year(int(m["year"] or m["year2"])), "gYear")
    if kind == "range":
        first, second = m["year"], m["year2"]
        last = (
            int(first[: len(first) - len(second)] + second)
            if len(second) < len(first)
            else int(second)
        )
        bracketed = bool(m["open"] and m["close"])
        plausible = int(first) < last <= 2100 and last - int(first) < 1500
        if not plausible or not (bracketed or (len(first) == 4 and int(first) >= 1000)):
            return None
        if UNIT_AFTER.match(sentence, end):
            return None
        a = start + (1 if m["open"] else 0)
        b = end - (1 if m["close"] else 0)
        return mention(iso_year(int(first)), "gYear", iso_year(last), a=a, b=b)
    if kind == "ago":
        if now is None:
            return None
        return mention(iso_year(now - int(m["n"].replace(",", ""))), "gYear", relative=True)
    if kind == "relative":
        word = m["relative"].lower()
        if word in RELATIVE_DAYS:
            if reference is None:
                return None
            return mention(
                (reference + timedelta(days=RELATIVE_DAYS[word])).isoformat(), "date", relative=True
            )
        if now is None:
            return None
        return mention(iso_year(now + RELATIVE_YEARS[word]), "gYear", relative=True)
    # a bare year
    year = int(m["year"])
    before = sentence[:start]
    if NAMED_YEAR.search(before) or UNIT_AFTER.match(sentence, end):
        return None
    if year < 1500 and not YEAR_CONTEXT.search(before):
        return None
    return mention(f"{year:04d}", "gYear")


# ------------------------------------------------------------------------------------ statistics

POPULATION_KIND = re.compile(
    r"\b(urban|rural|registered|floating|migrant|hukou)\s+population\b", re.IGNORECASE
)


def _slug(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")


def singular(noun: str) -> str:
    """permanent residents -> permanent resident; companies -> company; people -> person."""
    *rest, last = noun.split()
    if last == "people":
        last = "person"
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif re.search(r"(?:ss|sh|ch|x)es$", last):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return " ".join([*rest, last])


def observations(
    v: SentenceView,
    quantities: list[Quantity],
    dates: list[DateMention],
    area_default: Ref | None,
    period_default: Value | None,
    subject_default: Ref | None = None,
) -> Iterator[Observation | tuple[str, str, str]]:
    """The statistics a sentence states, and (code, zh, en) for each indicator it had to mint.

    The indicator: the thing counted right after the number (3,000 volunteers; an indicator the
    lists lack is minted from the noun, `<noun>-count`), the field a figure fills ("Employees:
    2,784"), or the indicator named last before the number in its clause. The subject: the entity
    counted, else the named subject of the clause, else the sentence's first entity, else
    `subject_default` (the document's topic). The area: the subject if a place, else the clause's
    or the sentence's place; the period: the clause's date, else the sentence's."""
    text = v.text
    last: str | None = None  # the indicator of the previous figure: "GDP … RMB 191 billion, up 10%"
    for q in quantities:
        clause_start = max([0, *(m.end() for m in re.finditer(r"[,;:]\s|[()]", text[: q.start]))])
        subject, confidence, minted = None, 0.8, None
        noun = _noun_of(q)
        field = FIELD.match(text[: q.start]) if q.start else None
        code = None
        if noun:
            code = _indicator_named(noun)
            if code is None:
                code = f"{_slug(singular(noun))}-count"
                minted = (code, noun, noun)
        elif field and q.unit not in ("", "percent"):  # "- Budget: S$588 million"
            label = field.group("label").strip().lower()
            code = _indicator_named(label)
            if code is None:
                code = _slug(label)
                minted = (code, label, label)
        if code is None:
            code = _indicator_before(text[clause_start : q.start])
            kind_of = POPULATION_KIND.search(text[clause_start : q.start])
            if code == "resident-population" and kind_of:  # an urban population of over 4 million
                code = f"{kind_of.group(1).lower()}-population"
                minted = (
                    code,
                    f"{kind_of.group(1).lower()} population",
                    f"{kind_of.group(1).lower()} population",
                )
        after = next(
            (m for m in v.mentions if 0 <= m.start - q.end <= 1 and m.ref.type in COUNT_INDICATOR),
            None,
        )
        if q.unit == "" and after is not None:  # 1,200 neighbourhood centres
            code, subject, minted = COUNT_INDICATOR[after.ref.type], after.ref, None
        if code is None and q.kind in ("growth", "decline"):
            code = last
        if code is None:
            continue
        if q.kind in ("growth", "decline"):
            code = code if code.endswith("growth") else f"{code}-growth"
        else:
            last = code
        if subject is None:
            subject = _clause_subject(v, clause_start, q.start) or subject_default
        places = [m.ref for m in v.mentions if m.ref.type == "place"]
        in_clause = [
            m.ref for m in v.mentions if m.ref.type == "place" and clause_start <= m.start < q.start
        ]
        if isinstance(subject, Ref) and subject.type == "place":
            place = subject
        else:
            place = (in_clause or places or [area_default])[-1 if in_clause else 0]
        year = next((d for d in dates if d.end <= q.start and d.end_value is None), None) or next(
            (d for d in dates if d.end_value is None), None
        )
        period = Value(year.value, year.datatype) if year else period_default
        if place is None or period is None:
            continue
        if subject == place:
            subject = None  # the area says it, as for the Chinese statistics
        if year is None:
            confidence = 0.6
        if minted:
            yield minted
        evidence = Evidence(
            v.doc.key,
            v.sentence.start + clause_start,
            v.sentence.start + q.end,
            "rule:statistic-en",
            confidence,
        )
        value = -q.value if q.kind == "decline" else q.value
        unit = q.unit or ("person" if code.endswith("population") else "item")
        yield Observation(
            place,
            period,
            Concept("indicator", code),
            value,
            unit,
            q.text,
            evidence,
            q.approximation,
            subject,
        )


def _noun_of(q: Quantity) -> str | None:
    """The counted noun of a count (its stated unit without the multiplier)."""
    if q.unit not in ("person", "household", "item"):
        return None
    words = [w for w in q.stated_unit.split() if w.lower() not in MULTIPLIERS]
    return " ".join(words) or None


def _indicator_named(noun: str) -> str | None:
    lowered = noun.lower()
    for code, names in INDICATORS.items():
        if lowered in names:
            return code
    return None


def _clause_subject(v: SentenceView, clause_start: int, before: int) -> Ref | None:
    """The entity the clause is about: its first entity not governed by a preposition, else the
    sentence's first such entity."""

    def subject_in(a: int, b: int) -> Ref | None:
        for m in v.mentions:
            if a <= m.start < b and not PREPOSITION_BEFORE.search(
                v.text[max(a, m.start - 20) : m.start]
            ):
                return m.ref
        return None

    return subject_in(clause_start, before) or subject_in(0, len(v.text))


def _indicator_before(fragment: str) -> str | None:
    lowered = fragment.lower()
    best: tuple[int, int, str] | None = None
    for code, names in INDICATORS.items():
        for name in names:
            for m in re.finditer(rf"\b{re.escape(name)}\b", lowered):
                candidate = (m.end(), len(name), code)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
    return best[2] if best else None


# ------------------------------------------------------------------------------------ events

ACT_PATTERN = re.compile(rf"\b(?P<act>(?i:{'|'.join(f'(?:{p})' for p, _ in ACTS)}))\b")
ACT_CLASS = [(re.compile(rf"(?:{p})$", re.IGNORECASE), cls) for p, cls in ACTS]
_NOT_SUBJECT = re.compile(
    r"\b(?:in|at|on|with|by|through|from|to|for|under|during|of|into|as|than|via)\s+"
    r"(?:the\s+|a\s+|an\s+)?[“\"]?$"
)


def find_events(v: SentenceView, dates: list[DateMention], topic: Ref | None = None) -> list[Event]:
    """Dated acts: a clause with an act verb (established, signed, approved, launched, renamed,
    merged, held, listed, completed …) and a date in the clause (else in the sentence, after the
    verb first). Roles: agent (the named subject before an active verb, or "by X" after a passive
    one), object (the named thing after an active verb, or the subject of a passive one: "X was
    founded in 1960"; the main clause's subject after a participle: "Founded in 1960, X …"),
    place ("in Singapore"), participant ("A and B signed": B; "with B"), original and result
    (renamed, merged). A pronoun subject (it, they) is `topic`, the document's principal entity."""
    events = []
    masked = v.masked
    for m in ACT_PATTERN.finditer(masked):
        act = m.group("act")
        cls = next(c for p, c in ACT_CLASS if p.search(act))
        a, b = _clause(masked, m.start())
        if cls == "Listing" and not (
            LISTING_CONTEXT.search(masked, m.start(), b + 10) or IPO.search(masked)
        ):
            continue
        if act == "held" and not (
            MEETING_WORDS.search(masked[a:b]) or PASSIVE.search(masked[a : m.start()])
        ):
            continue
        date = _event_date(v, dates, a, b, m.start())
        if date is None:
            continue
        roles = _roles(v, cls, act, a, b, m.start(), m.end(), topic)
        evidence = v.evidence(a, b, "rule:event-en", 0.8)
        events.append(
            Event(
                cls,
                Value(date.value, date.datatype),
                v.original(m.start(), m.end()),
                tuple(roles),
                evidence,
                Value(date.end_value, date.datatype) if date.end_value else None,
            )
        )
    return events


def _clause(masked: str, index: int) -> tuple[int, int]:
    """The clause around a masked offset: between , ; : and the sentence's ends (a comma before
    "and" or inside a list of names does not end it)."""
    a = max([0, *(x.end() for x in re.finditer(rf"[,;:]\s|^[^\w{EC}]+", masked[:index]))])
    ends = [x.start() for x in re.finditer(r"[,;:](?:\s|$)|\.\s*$", masked[index:])]
    b = index + ends[0] if ends else len(masked)
    return a, b


def _event_date(
    v: SentenceView, dates: list[DateMention], a: int, b: int, verb: int
) -> DateMention | None:
    if not dates:
        return None
    sa, sb = v.span(a, b) if b > a else (0, len(v.text))
    at = v.span(verb, verb + 1)[0]
    in_clause = [d for d in dates if sa <= d.start < sb]
    if in_clause:
        return min(in_clause, key=lambda d: abs(d.start - at))
    after = [d for d in dates if d.start > at]
    if after:
        return after[0]
    return dates[-1]


def _refs(v: SentenceView, a: int, b: int) -> list[tuple[int, Ref]]:
    return [
        (i, v.mention(c).ref)
        for i, c in enumerate(v.masked[a:b], start=a)
        if 0xE000 <= ord(c) < 0xE000 + len(v.mentions)
    ]


def _roles(
    v: SentenceView, cls: str, act: str, a: int, b: int, verb: int, verb_end: int, topic: Ref | None
) -> list[tuple[str, Ref]]:
    masked = v.masked
    before, after = _refs(v, a, verb), _refs(v, verb_end, b)
    roles: list[tuple[str, Ref]] = []
    passive = (
        bool(PASSIVE.search(masked[a:verb]))
        or act in ("set up",)
        and bool(PASSIVE.search(masked[a:verb]))
    )
    participle = not before and not re.search(
        r"[A-Za-z]", re.sub(r"\b[A-Za-z]+ly\b", "", masked[a:verb])
    )
    pronoun = not before and bool(PRONOUN.search(masked[a:verb]))

    def governed(i: int) -> str | None:
        m = re.search(
            r"\b(in|at|on|with|by|through|from|to|for|under|during|of|into|as|than|via)\s+"
            r"(?:the\s+|a\s+|an\s+)?[“\"]?$",
            masked[max(verb_end, i - 30) : i],
        )
        return m.group(1) if m else None

    subjects = [r for i, r in before if not _NOT_SUBJECT.search(masked[max(a, i - 30) : i])]
    by = [r for i, r in after if governed(i) == "by"]
    places = [r for i, r in after if governed(i) in ("in", "at") and r.type == "place"]
    withs = [r for i, r in after if governed(i) in ("with",)]
    objects = [r for i, r in after if governed(i) is None]
    if passive or participle:
        thing: Ref | None = subjects[-1] if subjects else None
        if thing is None and participle:
            thing = _main_subject(v, b) or topic
        elif thing is None and re.search(r"\b(?:which|that|who)\s+", masked[a:verb]):
            prior = _refs(v, 0, a)
            thing = prior[-1][1] if prior else None
        elif thing is None and pronoun:
            thing = topic
        agents = by
        result = objects[:1]  # X was renamed Y
    else:
        agents = subjects[-1:] if subjects else ([topic] if pronoun and topic else [])
        if len(subjects) >= 2 and re.search(rf"{E}\s+and\s+(?:the\s+)?{E}", masked[a:verb]):
            agents = subjects[-2:-1]
            roles += [("participant", subjects[-1])]
        thing = objects[0] if objects else None
        result = objects[1:2]
        intransitive = re.match(
            r"\s*(?:(?:in|on|at|to|with|for|from|during|by|since|after)\b|[,.;]|$)",
            masked[verb_end:],
        )
        if (
            thing is None and agents and cls in INTRANSITIVE and intransitive
        ):  # X opened in 1999: X is what opened
            thing, agents = agents[0], []
    for r in agents:
        roles.append(("agent", r))
    if cls == "Renaming" and thing is not None:
        roles.append(("original", thing))
        roles += [("result", r) for r in result]
    elif cls == "Merger":
        if thing is not None:
            roles.append(("original", thing))
        if act == "annexed" and agents:
            roles.append(("result", agents[0]))
        roles += [("original", r) for r in withs]
    elif thing is not None:
        roles.append(("object", thing))
    if cls != "Merger":
        roles += [("participant", r) for r in withs if r not in (thing, *agents)]
    roles += [("place", r) for r in places if r != thing]
    seen, out = set(), []
    for role in roles:
        if role not in seen:
            seen.add(role)
            out.append(role)
    return out


def _main_subject(v: SentenceView, clause_end: int) -> Ref | None:
    """The subject of the clause after a participial opening: "Founded in 1960, X is …"."""
    rest = v.masked[clause_end:]
    m = re.match(rf"[,;:]?\s*(?:the\s+|The\s+)?[“\"]?({E})", rest)
    return v.mention(m.group(1)).ref if m else None


# ------------------------------------------------------------------------------------ relations

PLACE_NOUNS = (
    "city", "cities", "town", "towns", "district", "districts", "province", "provinces", "county",
    "region", "village", "villages", "port", "capital", "municipality", "prefecture",
    "prefecture-level city", "county-level city",
)  # fmt: skip
_ABBR = r"(?:\s*\([^()]*\))*"  # (PA), () after a name
RELATIONS: list[tuple[str, re.Pattern[str], str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "under-leadership-en",
        expand(
            rf"(?P<a>{{E}}){_ABBR}[^.;{{EC}}]*?\bunder\s+the\s+(?:\w+\s+)?"
            rf"(?:leadership|direction|guidance)\s+of\s+(?:the\s+)?(?P<b>{{E}})"
        ),
        "underLeadershipOf",
        ("org",),
        ("org",),
    ),
    (
        "subsidiary-en",
        expand(
            rf"(?P<a>{{E}}){_ABBR},?\s+(?:is\s+|was\s+|became\s+)?(?:now\s+)?(?:a|an|the)\s+"
            rf"(?:wholly[- ]owned\s+|\w+\s+)?(?:subsidiary|unit|arm|division|branch|department|"
            rf"affiliate|agency|board)\s+(?:of|under)\s+(?:the\s+)?(?P<b>{{E}})"
        ),
        "subOrganisationOf",
        ("org",),
        ("org",),
    ),
    (
        "under-en",
        expand(
            rf"(?P<a>{{E}}){_ABBR}\s+(?:is|was|are|were|operates)\s+(?:a|an|the)\s+[^,.;{{EC}}]*?"
            rf"\bunder\s+(?:the\s+)?(?P<b>{{E}})"
        ),
        "subOrganisationOf",
        ("org",),
        ("org",),
    ),
    (
        "of-government-en",
        expand(rf"(?P<a>{{E}}){_ABBR}\s+of\s+the\s+(?P<b>{{E}})"),
        "subOrganisationOf",
        ("org",),
        ("org",),
    ),
    (
        "part-of-en",
        expand(
            rf"(?P<a>{{E}}){_ABBR}\s+(?:is|was|are|were|became)\s+(?:now\s+)?(?:a\s+|an\s+)?"
            rf"(?:integral\s+)?part\s+of\s+(?:the\s+)?(?P<b>{{E}})"
        ),
        "partOf",
        ("org", "site", "place", "programme", "plan"),
        ("org", "site", "place", "programme", "plan"),
    ),
    # "X, a city in Y", "X is one of the oldest towns in Y", "X is a port city of Y"
    (
        "a-place-in-en",
        expand(
            rf"(?P<a>{{E}}){_ABBR},?\s+(?:is\s+|was\s+)?(?:a|an|one\s+of\s+the)\s+"
            rf"(?:[\w-]+\s+){{0,3}}?(?:{_alternation(PLACE_NOUNS)})\s+(?:located\s+)?(?:in|of)\s+"
            rf"(?:the\s+)?(?:(?i:{_alternation(COMPASS)}|central)\s+(?:part\s+of\s+)?)?(?P<b>{{E}})"
        ),
        "locatedIn",
        ("place", "site"),
        ("place",),
    ),
    # "Minister of State for the Ministry of Culture, Andrew Fong": a titled member of a body
    (
        "titled-member-en",
        expand(
            rf"(?:{_alternation(TITLES)})\b[^,.;{{EC}}]*?\b(?:of|for|at)\s+(?:the\s+)?(?P<b>{{E}})"
            rf"{_ABBR},\s+(?P<a>{{E}})"
        ),
        "memberOf",
        ("person",),
        ("org",),
    ),
    (
        "located-in-en",
        expand(
            r"(?P<a>{E})[^.;{EC}]*?\blocated\s+in\s+(?:the\s+(?:[a-z]+\s+){1,2}of\s+)?"
            r"(?:the\s+)?(?P<b>{E})"
        ),
        "locatedIn",
        ("org", "site", "place"),
        ("place",),
    ),
]
# "X introduced Y in collaboration with Z": the subject of the clause works with Z ("It": the topic)
COOPERATION = expand(
    r"^(?:[^{EC}]*?\b(?P<it>It|They)\b|[^{EC}]*?(?P<a>{E}))[^.;]*?\b(?:in\s+(?:collaboration|"
    r"partnership|cooperation|conjunction)\s+with|together\s+with|jointly\s+with)\s+(?:the\s+)?(?P<b>{E})"
)
# infobox fields about the page's subject (the topic): "Parent Agency: X", "Headquarters: X"
TOPIC_FIELDS: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (
        expand(
            r"^\W*(?i:parent)(?i:\s+(?:agency|organi[sz]ation|company|department|body))?\s*:\s*(?:the\s+)?(?P<b>{E})"
        ),
        "subOrganisationOf",
        ("org",),
    ),
    # a public body's infobox: "Jurisdiction: Government of Singapore", the government it is a body of
    (
        expand(r"^\W*(?i:jurisdiction)\s*:\s*(?:the\s+)?(?P<b>{E})\s*$"),
        "subOrganisationOf",
        ("org",),
    ),
    (
        expand(r"^\W*(?i:headquarters|head office|seat)\s*:\s*[^{EC}]*?(?P<b>{E})"),
        "basedIn",
        ("place", "site"),
    ),
]
LEADER_OF_TOPIC = expand(
    r"^\W*(?i:chief|leader|head|director|chair\w*|president)\d*\s+(?i:name)\s*:\s*(?P<a>{E})\s*$"
)
ADDRESS = expand(
    r"^\W*(?i:headquarters|head office|address|location)\s*:\s*[^{EC}]*?(?P<a>{E}),\s*(?P<b>{E})"
)


def _cls(v: SentenceView, ref: Ref) -> str | None:
    info = v.entities.get(ref)
    return info.cls if info else None


def relation_facts(v: SentenceView, topic: Ref | None = None) -> Iterator[Fact]:
    """Relations English states plainly: "X, a subsidiary of Y", "X is a board under Y", "X of the
    Government of Y" (subOrganisationOf), "under the leadership of Y" (underLeadershipOf), "X is
    part of Y" (partOf; locatedIn between places), "X … located in Y"; and infobox fields about the
    page's subject: "Parent Agency: Y", "Headquarters: Y", "Chief Name: P" (P leads the subject)."""
    masked = v.masked
    seen: set[tuple[Ref, str, Ref]] = set()
    for rule, pattern, predicate, a_types, b_types in RELATIONS:
        for m in pattern.finditer(masked):
            a, b = v.mention(m.group("a")).ref, v.mention(m.group("b")).ref
            if a == b or a.type not in a_types or b.type not in b_types:
                continue
            if rule == "of-government-en" and _cls(v, b) != "Government":
                continue
            p = "locatedIn" if predicate == "partOf" and a.type == b.type == "place" else predicate
            if (a, p, b) in seen:
                continue
            seen.add((a, p, b))
            yield Fact(a, p, b, v.evidence(m.start(), m.end(), f"rule:{rule}", 0.85))
    m = COOPERATION.search(masked)
    if m:
        a = topic if m.group("it") else v.mention(m.group("a")).ref
        b = v.mention(m.group("b")).ref
        if a is not None and a != b and a.type in ("org", "place") and b.type == "org":
            yield Fact(a, "cooperatesWith", b, v.evidence(m.start(), m.end(), "rule:with-en", 0.8))
    if topic is None:
        return
    for pattern, predicate, b_types in TOPIC_FIELDS:
        m = pattern.search(masked) if pattern.pattern.startswith("^") else None
        if m:
            b = v.mention(m.group("b")).ref
            if predicate == "subOrganisationOf" and (
                topic.type != "org"
                or ("jurisdiction" in m.group().lower() and _cls(v, b) != "Government")
            ):
                continue  # a place's jurisdiction is no parent; a body's is a government
            if b != topic and b.type in b_types:
                yield Fact(
                    topic, predicate, b, v.evidence(m.start("b"), m.end("b"), "rule:field-en", 0.8)
                )
    m = LEADER_OF_TOPIC.match(masked)
    if m and v.mention(m.group("a")).ref.type == "person":
        yield Fact(
            v.mention(m.group("a")).ref,
            "leads",
            topic,
            v.evidence(m.start("a"), m.end("a"), "rule:field-en", 0.8),
        )
    m = ADDRESS.match(masked)
    if m:
        a, b = v.mention(m.group("a")).ref, v.mention(m.group("b")).ref
        if a.type in ("place", "site") and b.type == "place" and a != b:
            yield Fact(
                a, "locatedIn", b, v.evidence(m.start("a"), m.end("b"), "rule:address-en", 0.8)
            )


__all__ = [
    "EnglishGazetteer",
    "EnglishRecogniser",
    "find_dates",
    "find_events",
    "find_quantities",
    "iso_year",
    "observations",
    "relation_facts",
    "singular",
]


def head_class(name: str) -> str | None:
    """The class an English name's last head word gives it (… Ministry of X is a Ministry), or None."""
    words = name.replace(",", " ").split()
    for word in reversed(words):
        if word in HEADS:
            return HEADS[word][1]
    return None
