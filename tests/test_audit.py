"""The dependency audit checks what we ship: every dependency is pinned to one version, and the audit runs."""

from __future__ import annotations

import re
import tomllib

from sipkg.paths import PROJECT

PINNED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(\[[a-z,]+\])?==[0-9][0-9A-Za-z.+!-]*")


def test_every_dependency_is_pinned_to_one_version():
    """pip-audit reports on versions; a range would let an unaudited version in at the next install."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [
        *project["dependencies"],
        *(d for extra in project["optional-dependencies"].values() for d in extra),
    ]
    assert [d for d in declared if not PINNED.fullmatch(d)] == []


def test_make_test_runs_the_audit_first():
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test:.*\baudit\b", makefile, re.MULTILINE)
    assert re.search(r"^audit:.*\n\t\$\(BIN\)/pip-audit ", makefile, re.MULTILINE)
    assert "pip-audit==" in (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
