"""Imports flow one way: web and cli use the rest; extract never touches a store; nothing imports web or cli."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sipkg"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(("." * node.level) + node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def modules():
    return [p for p in PACKAGE.rglob("*.py")]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_nothing_imports_web_or_cli(path):
    if path.parent.name == "web" or path.name in ("cli.py", "__main__.py"):
        return
    assert not any("web" in i.split(".") or i.endswith("cli") for i in imports_of(path))


@pytest.mark.parametrize("path", list((PACKAGE / "extract").glob("*.py")), ids=lambda p: p.name)
def test_extract_is_pure(path):
    forbidden = {"store", "pyoxigraph", "rdflib", "flask", "build", "..store", "..build", "..rdf"}
    assert not imports_of(path) & forbidden


def test_documents_know_no_rdf():
    assert not any(i.startswith("rdflib") or i.endswith("rdf") for i in imports_of(PACKAGE / "documents.py"))


def test_web_never_builds():
    for path in (PACKAGE / "web").glob("*.py"):
        names = {a.name for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(n, ast.ImportFrom) for a in n.names}
        assert not names & {"build", "assemble", "check"}


def test_the_web_tier_does_not_load_the_pipeline():
    import subprocess
    import sys

    code = "import sys, sipkg.web; print(sorted(m for m in ('sipkg.build', 'jieba', 'owlready2', 'pyshacl') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
