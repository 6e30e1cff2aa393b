"""The park's structure as of a date, and one entity's history, read from the graph by SPARQL.

A date is given at a precision (`2013`, `2013-06`, `2013-06-30`) and stands for the days it
covers. A body existed then when a beginning of its lifespan falls on or before the last of those
days and no end falls before the first; a relation held then likewise, where a relation whose
beginning the sources do not date counts from the publication of a document that states it
(`sip:attestedAt`). Dates the sources dispute are all kept: the answer marks such rows.

Pure of any web or build code: each function takes `select`, a callable running a SELECT (our
prefixes preloaded) and returning rows of pyoxigraph terms, as `Service.select` does.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass

from sipkg.namespaces import HISTORY_GRAPH, SIP_NS

Select = Callable[[str], list[dict]]
DATE = re.compile(r"(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
GROUPS = {  # how the as-of view sorts the relations it shows
    "structure": ("partOf", "subOrganisationOf", "unitOf", "dispatchedAgencyOf", "locatedIn"),
    "leadership": ("underLeadershipOf", "leads"),
    "jurisdiction": ("jurisdiction",),
}
RESULT, ORIGINAL = ("establishes", "resultingOrganization"), ("originalOrganization",)
AREA = ("concerns", "affected", "agent", "participant")
CHANGE_KINDS = {  # (event class, the entity's role in it) -> what the entity went through
    **{("Founding", r): "founded" for r in RESULT},
    **{("Abolition", r): "abolished" for r in ("concerns", *ORIGINAL)},
    **{(c, r): "resulted" for c in ("Renaming", "Restructuring", "Merger") for r in RESULT},
    ("Renaming", "originalOrganization"): "renamed",
    ("Restructuring", "originalOrganization"): "restructured",
    ("Merger", "originalOrganization"): "merged",
    **{("Reform", r): "reformed" for r in ("affected", *ORIGINAL)},
    **{(c, r): "boundaries" for c in ("Transfer", "Expansion") for r in AREA},
}


@dataclass(frozen=True)
class Period:
    """The days a date at its precision covers: `2013` is 2013-01-01 … 2013-12-31."""

    lexical: str
    first: str
    last: str

    @classmethod
    def parse(cls, text: str) -> Period:
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a ValueError says what is wrong."""
        m = DATE.fullmatch(text.strip())
        if not m:
            raise ValueError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, not {text!r}")
        year, month, day = m[1], m[2], m[3]
        y = int(year)
        if month is None:
            return cls(year, f"{year}-01-01", f"{year}-12-31")
        if not 1 <= int(month) <= 12:
            raise ValueError(f"no month {month} in {text!r}")
        last = calendar.monthrange(abs(y) or 2000, int(month))[1]
        if day is None:
            return cls(f"{year}-{month}", f"{year}-{month}-01", f"{year}-{month}-{last:02d}")
        if not 1 <= int(day) <= last:
            raise ValueError(f"no day {day} in {year}-{month}")
        return cls(f"{year}-{month}-{day}", f"{year}-{month}-{day}", f"{year}-{month}-{day}")


LEXICAL = "(time:inXSDgYear|time:inXSDgYearMonth|time:inXSDDate)"

BODIES = f"""
SELECT ?thing (GROUP_CONCAT(DISTINCT STR(?bl); separator=" ") AS ?begins)
       (GROUP_CONCAT(DISTINCT STR(?el); separator=" ") AS ?ends)
       (SAMPLE(?disputed) AS ?isDisputed) WHERE {{
  GRAPH <{HISTORY_GRAPH}> {{
    ?thing sip:lifespan ?i .
    ?i time:hasBeginning ?start . ?start sip:notBefore ?b .
    FILTER(?b <= "%(last)s"^^xsd:date)
    FILTER NOT EXISTS {{ ?i time:hasEnd/sip:notAfter ?e FILTER(?e < "%(first)s"^^xsd:date) }}
    ?i time:hasBeginning/{LEXICAL} ?bl .
    OPTIONAL {{ ?i time:hasEnd/{LEXICAL} ?el }}
    BIND(EXISTS {{ ?i a sip:DisputedInterval }} AS ?disputed)
  }}
}} GROUP BY ?thing ORDER BY ?thing"""

RELATIONS = f"""
SELECT ?rel ?s ?p ?o (GROUP_CONCAT(DISTINCT STR(?bl); separator=" ") AS ?begins)
       (GROUP_CONCAT(DISTINCT STR(?el); separator=" ") AS ?ends)
       (GROUP_CONCAT(DISTINCT STR(?al); separator=" ") AS ?attested)
       (SAMPLE(?disputed) AS ?isDisputed) WHERE {{
  GRAPH <{HISTORY_GRAPH}> {{
    ?rel a sip:DatedRelation ; sip:relationSubject ?s ; sip:relationProperty ?p ;
         sip:relationObject ?o ; sip:during ?i .
    {{ ?i time:hasBeginning/sip:notBefore ?b }}
    UNION {{ ?i a sip:OpenBeginningInterval . ?rel sip:attestedAt/sip:notBefore ?b }}
    FILTER(?b <= "%(last)s"^^xsd:date)
    FILTER NOT EXISTS {{ ?i time:hasEnd/sip:notAfter ?e FILTER(?e < "%(first)s"^^xsd:date) }}
    OPTIONAL {{ ?i time:hasBeginning/{LEXICAL} ?bl }}
    OPTIONAL {{ ?i time:hasEnd/{LEXICAL} ?el }}
    OPTIONAL {{ ?rel sip:attestedAt/{LEXICAL} ?al }}
    BIND(EXISTS {{ ?i a sip:DisputedInterval }} AS ?disputed)
  }}
}} GROUP BY ?rel ?s ?p ?o ORDER BY ?p ?o ?s"""

SPAN = f"""
SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {{
  GRAPH <{HISTORY_GRAPH}> {{ ?i a time:Instant ; sip:notBefore ?d }}
}}"""

HISTORY = f"""
SELECT ?event ?cls ?role ?date ?new ?old ?quote ?sentence ?doc WHERE {{
  {{
    VALUES ?role {{ sip:establishes org:resultingOrganization org:originalOrganization
                   sip:concerns sip:affected sip:participant sip:agent }}
    ?event ?role <%(iri)s> ; a ?cls ; dct:date ?date .
    FILTER(STRSTARTS(STR(?cls), "{SIP_NS}"))
    ?cls rdfs:subClassOf* sip:ChangeEvent .
    OPTIONAL {{
      ?st rdf:subject ?event ; rdf:predicate dct:date ; rdf:object ?date ;
          prov:wasDerivedFrom/oa:hasTarget ?target .
      ?target oa:hasSelector/oa:exact ?quote ; oa:hasSource ?doc .
      OPTIONAL {{ ?target oa:hasScope ?sentence }}
    }}
  }} UNION {{
    {{ ?new sip:replaces <%(iri)s> BIND(<%(iri)s> AS ?old) }}
    UNION {{ <%(iri)s> sip:replaces ?old BIND(<%(iri)s> AS ?new) }}
    ?st rdf:subject ?new ; rdf:predicate sip:replaces ; rdf:object ?old ;
        prov:wasDerivedFrom/oa:hasTarget ?target .
    ?target oa:hasSelector/oa:exact ?quote ; oa:hasSource ?doc .
    OPTIONAL {{ ?target oa:hasScope ?sentence }}
    OPTIONAL {{ GRAPH <{HISTORY_GRAPH}> {{ ?new sip:lifespan/time:hasBeginning/{LEXICAL} ?date }} }}
  }}
}}"""


def _text(row: dict, key: str) -> str:
    return row[key].value if key in row else ""


def _dates(row: dict, key: str) -> list[str]:
    return sorted(_text(row, key).split(), key=sort_key)


def sort_key(lexical: str) -> tuple[int, int, int]:
    """(year, month, day) for ordering dates of mixed precision: 2012 before 2012-09."""
    m = DATE.match(lexical)
    if not m:
        return (0, 0, 0)
    return (int(m[1]), int(m[2] or 0), int(m[3] or 0))


def group_of(predicate: str) -> str:
    local = predicate.removeprefix(SIP_NS)
    return next((g for g, names in GROUPS.items() if local in names), "structure")


def structure(select: Select, period: Period) -> dict:
    """Bodies that existed and relations that held during `period`, IRIs as strings."""
    bounds = {"first": period.first, "last": period.last}
    bodies = [
        {
            "iri": r["thing"].value,
            "begins": _dates(r, "begins"),
            "ends": _dates(r, "ends"),
            "disputed": _text(r, "isDisputed") == "true",
        }
        for r in select(BODIES % bounds)
    ]
    relations: dict[str, list[dict]] = {g: [] for g in GROUPS}
    for r in select(RELATIONS % bounds):
        relations[group_of(r["p"].value)].append(
            {
                "relation": r["rel"].value,
                "subject": r["s"].value,
                "property": r["p"].value,
                "object": r["o"].value,
                "begins": _dates(r, "begins"),
                "ends": _dates(r, "ends"),
                "attested": _dates(r, "attested"),
                "disputed": _text(r, "isDisputed") == "true",
            }
        )
    return {
        "date": period.lexical,
        "first_day": period.first,
        "last_day": period.last,
        "bodies": bodies,
        "relations": relations,
    }


def span(select: Select) -> tuple[int, int] | None:
    """The first and last year any derived instant falls in (for the date slider)."""
    rows = select(SPAN)
    if not rows or "first" not in rows[0]:
        return None
    return int(rows[0]["first"].value[:-6]), int(rows[0]["last"].value[:-6])


def history(select: Select, iri: str) -> list[dict]:
    """The changes an entity went through, in date order: founded, renamed, replaced, abolished,
    boundaries changed, each with the sentence that states it (one query)."""
    entries: dict[tuple, dict] = {}
    for r in select(HISTORY % {"iri": iri}):
        if "new" in r:  # a replacement: dated by the beginning of what replaced, when known
            replaced = r["old"].value == iri
            other = r["new" if replaced else "old"].value
            key = ("replaces", other, _text(r, "date"))
            fresh = {
                "event": None,
                "class": None,
                "kind": "replaced" if replaced else "replaces",
                "role": "replaces",
                "other": other,
                "date": _text(r, "date"),
            }
        else:
            cls = r["cls"].value.removeprefix(SIP_NS)
            role = r["role"].value.rsplit("#", 1)[-1]
            kind = CHANGE_KINDS.get((cls, role))
            if kind is None:
                continue
            key = (r["event"].value, r["date"].value)
            fresh = {
                "event": r["event"].value,
                "class": cls,
                "kind": kind,
                "role": role,
                "date": r["date"].value,
            }
        entry = entries.setdefault(key, {**fresh, "evidence": []})
        if "quote" in r:
            evidence = {
                "quote": r["quote"].value,
                "sentence": _text(r, "sentence") or None,
                "document": _text(r, "doc"),
            }
            if evidence not in entry["evidence"]:
                entry["evidence"].append(evidence)
    # undated changes (a replacement the sources give no date for) come last
    return sorted(
        entries.values(),
        key=lambda e: (not e["date"], sort_key(e["date"]), e["event"] or "", e.get("other", "")),
    )
