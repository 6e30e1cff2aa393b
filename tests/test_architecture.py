"""The tree is the architecture: three wings whose imports flow one way, and no import circle.

- `store` never imports `build` or `web`; `store/query.py` imports nothing else of sipkg;
- `build` uses of the store only its builds and dumps; `build/extract` touches no store and no RDF;
- `web` never imports `build`, and does not load the pipeline's libraries;
- the top-level helpers (namespaces, settings, paths, search, reconcile, network, review, ontodocs)
  import neither `build` nor `web`; nothing imports `cli`.
"""

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sipkg"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports (at the top or inside a function), as absolute dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(
                    parts[: len(parts) - node.level + 1] + ([node.module] if node.module else [])
                )
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = {module_name(p) for p in FILES}


def ours(path: Path) -> set[str]:
    return {
        i
        for i in imports_of(path)
        if i.split(".")[0] == "sipkg" and i in MODULES and i != module_name(path)
    }


def wing(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ("build", "store", "web") else "top"


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_imports_flow_one_way(path):
    name, deps = module_name(path), ours(path)
    if wing(name) == "store":
        assert not {d for d in deps if wing(d) in ("build", "web")}, (
            "the store knows neither build nor web"
        )
    if name == "sipkg.store.query":
        assert not deps, "query.py imports nothing else of sipkg"
    if wing(name) == "build":
        assert {d for d in deps if wing(d) == "store"} <= {
            "sipkg.store",
            "sipkg.store.builds",
            "sipkg.store.dumps",
        }
        assert not {d for d in deps if wing(d) == "web"}
    if wing(name) == "web":
        assert not {d for d in deps if wing(d) == "build"}, (
            "the web tier serves what build produced"
        )
    if wing(name) == "top" and name not in ("sipkg.cli", "sipkg.__main__"):
        assert not {d for d in deps if wing(d) in ("build", "web")}
    assert "sipkg.cli" not in deps or name == "sipkg.__main__"


@pytest.mark.parametrize(
    "path", sorted((PACKAGE / "build" / "extract").glob("*.py")), ids=lambda p: p.name
)
def test_extract_is_pure(path):
    forbidden = {"pyoxigraph", "rdflib", "flask", "sipkg.build.rdf"}
    found = imports_of(path)
    assert not found & forbidden
    assert not {i for i in found if i.startswith("sipkg.store")}


def test_documents_know_no_rdf():
    found = imports_of(PACKAGE / "build" / "documents.py")
    assert not any(i.startswith("rdflib") or i.endswith("rdf") for i in found)


def test_no_import_circle():
    graph = nx.DiGraph()
    for path in FILES:
        graph.add_node(module_name(path))
        for dep in ours(path):
            if not module_name(path).startswith(
                dep + "."
            ):  # a module's own package is not a dependency
                graph.add_edge(module_name(path), dep)
    assert list(nx.simple_cycles(graph)) == []


def test_the_web_tier_does_not_load_the_pipeline():
    code = (
        "import sys, sipkg.web, sipkg.web.server; print(sorted(m for m in sys.modules "
        "if m.startswith('sipkg.build') or m in ('jieba', 'owlready2', 'pyshacl')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
