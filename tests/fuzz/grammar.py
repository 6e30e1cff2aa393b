"""Hypothesis strategies: SPARQL queries from a small grammar, mutated example queries, odd text, request shapes.

The grammar covers what the engine and our own text readers (sparqltext) must survive:
every query form, prologues with PREFIX/BASE, nested groups (OPTIONAL, UNION, MINUS, GRAPH,
sub-selects, SERVICE), property paths, FILTER/BIND expressions with the built-in functions,
VALUES, aggregates and solution modifiers, literals with odd Unicode and escapes. Terms come
from our vocabulary so that many queries match real data.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from sipkg.namespaces import sparql_prologue

from .mutate import HUGE, ODD, mutate, to_bytes
from .oracle import PROBE_TAG
from .targets import ACCEPTS, CHARSETS, ETAGS, LENGTHS, ORIGINS, TARGETS, Headers

QUERIES = sorted((Path(__file__).resolve().parents[2] / "queries").glob("*.rq"))
EXAMPLES = [q.read_text(encoding="utf-8") for q in QUERIES]

VARS = st.sampled_from(["?s", "?p", "?o", "?x", "?label", "$y", "?g", "?n"])
IRIS = st.sampled_from(
    [
        "sip:Organisation",
        "sip:modelledOn",
        "skos:prefLabel",
        "rdfs:label",
        "rdf:type",
        "org:subOrganizationOf",
        "prov:wasDerivedFrom",
        "oa:hasTarget",
        "qb:Observation",
        "sip:value",
        "dct:title",
        "<>",
        "<relative>",
        "<https://data.sipac.gov.cn/id/org/sip-administrative-committee>",
        "<urn:x>",
        "<http://[::1]/>",
        "<https://data.sipac.gov.cn/id/place/suzhou-industrial-park>",
        "undeclared:term",
        ":local",
    ]
)
ODD_TEXT = st.lists(st.one_of(st.characters(codec="utf-8"), st.sampled_from(ODD)), max_size=12).map(
    "".join
)
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(HUGE),
    st.floats(allow_nan=False).map(repr),
)
LITERALS = st.one_of(
    NUMBERS,
    st.sampled_from(["true", "false"]),
    st.builds(
        lambda t, tag: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"' + tag,
        ODD_TEXT,
        st.sampled_from(
            [
                "",
                "@zh-Hans",
                "@en",
                "@x-" + "a" * 70,
                "^^xsd:integer",
                "^^xsd:dateTime",
                "^^xsd:gYear",
                "^^<urn:dt>",
                "^^xsd:double",
            ]
        ),
    ),
    st.sampled_from(
        [
            '"\\u0041"',
            '"\\UFFFFFFFF"',
            '"\\ud800"',
            "'''multi\nline'''",
            '""',
            '"' + PROBE_TAG + '"',
        ]
    ),
)
TERMS = st.one_of(VARS, IRIS, LITERALS, st.just("[]"), st.just("_:b0"))
PATHS = st.one_of(
    IRIS,
    st.just("a"),
    VARS,
    st.builds(lambda a, op, b: f"{a}{op}{b}", IRIS, st.sampled_from(["/", "|"]), IRIS),
    st.builds(lambda a, m: f"({a}){m}", IRIS, st.sampled_from(["*", "+", "?", ""])),
    st.builds(lambda a: f"^{a}", IRIS),
    st.builds(lambda a: f"!({a}|^{a})", IRIS),
)
TRIPLES = st.builds(lambda s, p, o: f"{s} {p} {o} .", st.one_of(VARS, IRIS), PATHS, TERMS)

UNARY = [
    "STR",
    "LANG",
    "DATATYPE",
    "BOUND",
    "IRI",
    "ABS",
    "CEIL",
    "FLOOR",
    "ROUND",
    "STRLEN",
    "UCASE",
    "LCASE",
    "ENCODE_FOR_URI",
    "YEAR",
    "MONTH",
    "HOURS",
    "TZ",
    "MD5",
    "SHA1",
    "SHA256",
    "SHA512",
    "isIRI",
    "isBLANK",
    "isLITERAL",
    "isNUMERIC",
    "xsd:integer",
    "xsd:dateTime",
    "xsd:decimal",
    "xsd:boolean",
    "STRUUID",
    "BNODE",
]
BINARY = [
    "LANGMATCHES",
    "CONTAINS",
    "STRSTARTS",
    "STRENDS",
    "STRBEFORE",
    "STRAFTER",
    "REGEX",
    "SUBSTR",
    "CONCAT",
    "COALESCE",
    "STRLANG",
    "STRDT",
    "sameTerm",
    "IF",
]
OPERATORS = ["=", "!=", "<", ">", "<=", ">=", "&&", "||", "+", "-", "*", "/"]


def _expressions():
    base = st.one_of(VARS, LITERALS, st.just("NOW()"), st.just("RAND()"))
    return st.recursive(
        base,
        lambda e: st.one_of(
            st.builds(lambda a, op, b: f"({a} {op} {b})", e, st.sampled_from(OPERATORS), e),
            st.builds(lambda f, a: f"{f}({a})", st.sampled_from(UNARY), e),
            st.builds(lambda f, a, b: f"{f}({a}, {b})", st.sampled_from(BINARY), e, e),
            st.builds(lambda a: f"!{a}", e),
            st.builds(lambda a, items: f"{a} IN ({', '.join(items)})", e, st.lists(e, max_size=3)),
            st.builds(lambda a, b, c: f"REPLACE({a}, {b}, {c})", e, e, e),
        ),
        max_leaves=6,
    )


EXPRESSIONS = _expressions()


def _groups():
    base = st.lists(TRIPLES, min_size=1, max_size=3).map(" ".join)
    return st.recursive(
        base,
        lambda g: st.one_of(
            st.builds(lambda a, b: f"{a} {b}", g, g),
            st.builds(lambda a: f"{{ {a} }}", g),
            st.builds(lambda a, b: f"{a} OPTIONAL {{ {b} }}", g, g),
            st.builds(lambda a, b: f"{{ {a} }} UNION {{ {b} }}", g, g),
            st.builds(lambda a, b: f"{a} MINUS {{ {b} }}", g, g),
            st.builds(lambda a, e: f"{a} FILTER({e})", g, EXPRESSIONS),
            st.builds(lambda a, e, v: f"{a} BIND({e} AS {v})", g, EXPRESSIONS, VARS),
            st.builds(
                lambda a, v, items: f"VALUES {v} {{ {' '.join(items)} }} {a}",
                g,
                VARS,
                st.lists(st.one_of(IRIS, LITERALS, st.just("UNDEF")), max_size=3),
            ),
            st.builds(lambda a, v: f"GRAPH {v} {{ {a} }}", g, st.one_of(VARS, IRIS)),
            st.builds(lambda a, n: f"{{ SELECT * WHERE {{ {a} }} LIMIT {n} }}", g, NUMBERS),
            st.builds(lambda a, b: f"{a} FILTER NOT EXISTS {{ {b} }}", g, g),
            st.builds(lambda a, iri: f"SERVICE {iri} {{ {a} }}", g, st.one_of(IRIS, VARS)),
        ),
        max_leaves=5,
    )


GROUPS = _groups()
PROLOGUES = st.lists(
    st.sampled_from(
        [
            "PREFIX ex: <http://example.org/>",
            "PREFIX : <urn:local:>",
            "BASE <https://data.sipac.gov.cn/>",
            "BASE <relative/>",
            "PREFIX sip: <urn:shadowed#>",
            "PREFIX bad: <not an iri>",
            "PREFIX x:<",
            "# a comment",
        ]
    ),
    max_size=1,
).map("\n".join)
MODIFIERS = st.lists(
    st.one_of(
        st.builds(lambda v: f"GROUP BY {v}", VARS),
        st.builds(lambda e: f"HAVING({e})", EXPRESSIONS),
        st.builds(lambda v, d: f"ORDER BY {d}({v})", VARS, st.sampled_from(["ASC", "DESC", ""])),
        st.builds(lambda n: f"LIMIT {n}", NUMBERS),
        st.builds(lambda n: f"OFFSET {n}", NUMBERS),
    ),
    max_size=3,
).map(" ".join)
PROJECTIONS = st.one_of(
    st.just("*"),
    st.lists(VARS, min_size=1, max_size=3).map(" ".join),
    st.builds(
        lambda f, v, n: f"({f}({v}) AS ?{n})",
        st.sampled_from(["COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"]),
        st.one_of(VARS, st.just("DISTINCT ?s"), st.just("*")),
        st.sampled_from("abc"),
    ),
)


@st.composite
def queries(draw) -> str:
    """A SPARQL query from the grammar; most are valid, some are not, a few are runaways."""
    prologue, group, modifiers = draw(PROLOGUES), draw(GROUPS), draw(MODIFIERS)
    if draw(
        st.integers(0, 9)
    ):  # mostly with our prefixes declared, so the query can reach real data
        prologue = sparql_prologue() + prologue
    form = draw(
        st.sampled_from(
            ["SELECT", "SELECT DISTINCT", "ASK", "CONSTRUCT", "DESCRIBE", "CONSTRUCT WHERE"]
        )
    )
    if form.startswith("SELECT"):
        head = f"{form} {draw(PROJECTIONS)} WHERE"
    elif form == "CONSTRUCT":
        head = f"CONSTRUCT {{ {draw(st.lists(TRIPLES, max_size=2).map(' '.join))} }} WHERE"
    elif form == "DESCRIBE":
        head = f"DESCRIBE {draw(st.one_of(VARS, IRIS, st.just('*')))} WHERE"
    else:
        head = form
    limit = "" if form == "ASK" or "LIMIT" in modifiers else " LIMIT 50"
    return f"{prologue}\n{head} {{ {group} }} {modifiers}{limit}"


MUTATIONS = st.tuples(st.integers(0, 255), st.integers(0, 10**6), st.integers(0, 2**32))


@st.composite
def mutated_examples(draw) -> str:
    """One of queries/*.rq with a few mutations applied."""
    text = draw(st.sampled_from(EXAMPLES))
    for op, at, amount in draw(st.lists(MUTATIONS, min_size=1, max_size=4)):
        text = mutate(text, op, at, amount)
    return text


PAYLOADS = st.one_of(
    ODD_TEXT.map(to_bytes),
    st.binary(max_size=40),
    queries().map(to_bytes),
    mutated_examples().map(to_bytes),
    st.sampled_from(
        [
            "org/sip-administrative-committee",
            "../../etc/passwd",
            "%2e%2e%2f",
            "%ff%fe",
            "%00",
            "a%",
            "%%41",
            "lang=en&page=2&rel=x",
            "page=0",
            "page=99999999999999999999",
            "lang=xx",
            "q=" + "园" * 300,
            "depth=3&entity=管委会",
            PROBE_TAG,
            "%3Cfz-probe%3E",
            '[{"query": "管委会"}]',
            '{"q0": {"query": "园区", "type": "org", "limit": -1}}',
            '{"ids": ["x"], "properties": [{"id": "rdfs:label"}]}',
        ]
    ).map(to_bytes),
)
HEADERS = st.builds(
    Headers, *(st.integers(0, len(t) - 1) for t in (ACCEPTS, CHARSETS, ETAGS, ORIGINS, LENGTHS))
)
TARGET_NAMES = st.sampled_from([t.name for t in TARGETS])
VARIANTS = st.integers(0, 2**16 - 1)
