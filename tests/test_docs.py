"""The documentation says what the code does: its links resolve, the README stays one page and leads to
every page of docs/, queries/README.md is what sipkg.gallery generates, and the commands it gives parse."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sipkg import gallery
from sipkg.cli import main
from sipkg.paths import PROJECT

README = PROJECT / "README.md"
DOCS = sorted((PROJECT / "docs").glob("*.md"))
PAGES = [
    README,
    PROJECT / "CHANGES.md",
    *DOCS,
    PROJECT / "tests" / "README.md",
    PROJECT / "queries" / "README.md",
]
README_LINES = 170

FENCE = re.compile(r"^[ \t]*```.*?^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
SPAN = re.compile(r"`[^`\n]+`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def name(page: Path) -> str:
    return str(page.relative_to(PROJECT))


def prose(text: str) -> str:
    """The text outside code blocks and comments, each code span replaced by a word (links survive)."""
    return SPAN.sub("code", COMMENT.sub("", FENCE.sub("", text)))


def code(text: str) -> list[str]:
    """Every line of a code block and every code span: where commands are written."""
    blocks = [line for block in FENCE.findall(text) for line in block.splitlines()[1:-1]]
    return blocks + [span.strip("`") for span in SPAN.findall(FENCE.sub("", text))]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings (those outside code blocks)."""
    text = COMMENT.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    return {slug(h) for h in HEADING.findall(text)}


def links(page: Path) -> list[str]:
    """The relative links of a page (web addresses left out), as written."""
    return [t for t in LINK.findall(prose(page.read_text(encoding="utf-8"))) if not SCHEME.match(t)]


def broken_links(page: Path, root: Path = PROJECT) -> list[str]:
    """Links to a file that is not there (or outside the project), or to a heading the page lacks."""
    broken = []
    for target in links(page):
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        missing = not path.is_relative_to(root.resolve()) or not path.exists()
        if missing or (anchor and (path.suffix != ".md" or anchor not in anchors(path))):
            broken.append(target)
    return broken


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_every_relative_link_points_to_a_file_and_heading_that_exist(page):
    assert broken_links(page) == []


def test_a_link_to_a_missing_file_or_heading_is_reported(tmp_path):
    (tmp_path / "b.md").write_text("# B\n\n## Real heading\n", encoding="utf-8")
    page = tmp_path / "a.md"
    page.write_text(
        "[x](missing.md) [y](b.md#nope) [z](b.md#real-heading) [w](https://example.org/x)\n"
        "![img](b.md) `[in code](gone.md)` [up](../outside.md) [self](#the-a-page) [c](#c)\n\n"
        "# The `a` page\n\n```md\n[in a block](gone.md)\n# C\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page, root=tmp_path) == ["missing.md", "b.md#nope", "../outside.md", "#c"]


@pytest.mark.parametrize(
    "heading, anchor",
    [
        ("Reconciliation (OpenRefine)", "reconciliation-openrefine"),
        ("The `sipkg` command", "the-sipkg-command"),
        (
            "What the hardening tests try, and what held",
            "what-the-hardening-tests-try-and-what-held",
        ),
        ("示例查询 · Example queries", "示例查询--example-queries"),
        ("Found, not fixed", "found-not-fixed"),
    ],
)
def test_heading_anchors_are_made_as_github_makes_them(heading, anchor):
    assert slug(heading) == anchor


def test_readme_fits_on_a_page():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_LINES, f"README.md has {lines} lines; move detail into docs/"


def test_readme_links_every_docs_page():
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in links(README)}
    assert [name(p) for p in DOCS if p.resolve() not in linked] == []


def test_query_list_is_generated_from_the_query_files():
    written = (PROJECT / "queries" / "README.md").read_text(encoding="utf-8")
    assert written == gallery.readme(), "regenerate it: python -m sipkg.gallery > queries/README.md"


def test_query_list_has_a_row_per_query_with_both_questions():
    rows = [line for line in gallery.readme().splitlines() if line.startswith("| [`")]
    assert len(rows) == len(list((PROJECT / "queries").glob("*.rq")))
    for row in rows:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        assert len(cells) == 3 and all(cells), row


def test_query_list_keeps_a_bar_in_a_question_inside_its_cell(tmp_path):
    (tmp_path / "01-a.rq").write_text(
        "# 问题:甲|乙?\n# Question: A | B?\nASK {}\n", encoding="utf-8"
    )
    assert "| [`01-a.rq`](01-a.rq) | 甲\\|乙? | A \\| B? |" in gallery.readme(tmp_path)
    assert "sipkg query --file queries/01-a.rq" in gallery.readme(tmp_path)


INVOCATION = re.compile(r"(?:^|[\s(])(?:\.venv/bin/)?sipkg ([a-z][a-z-]*)(.*)")
END = re.compile(r"\s(?:#|\||&&|;|&)(?:\s|$).*")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def invocations(pages: list[Path]) -> list[str]:
    """Every `sipkg COMMAND …` the pages write in code, cut at a shell comment, pipe or `&&`."""
    found = []
    for page in pages:
        for line in code(page.read_text(encoding="utf-8")):
            for match in INVOCATION.finditer(line):
                found.append(f"sipkg {match.group(1)}{END.sub('', match.group(2))}".rstrip())
    return sorted(set(found))


def problems(invocation: str) -> list[str]:
    """What in `sipkg COMMAND --option …` the command does not have."""
    command_name = invocation.split()[1]
    command = main.commands.get(command_name)
    if command is None:
        return [f"no command {command_name!r}"]
    known = {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}
    return [f"{command_name} has no {o}" for o in OPTION.findall(invocation) if o not in known]


COMMANDS = invocations(PAGES)


@pytest.mark.parametrize("invocation", COMMANDS)
def test_commands_the_pages_give_parse(invocation):
    assert problems(invocation) == []
    result = CliRunner().invoke(main, [invocation.split()[1], "--help"])
    assert result.exit_code == 0, result.output


def test_readme_gives_commands_that_are_checked():
    assert {c.split()[1] for c in invocations([README])} >= {"query", "serve"}


@pytest.mark.parametrize(
    "invocation, expected",
    [
        ("sipkg serve --get /sparql", []),
        ("sipkg serve --no-throttle --client-queries 5", []),
        ("sipkg serve --no-such-option", ["serve has no --no-such-option"]),
        ("sipkg frobnicate --json", ["no command 'frobnicate'"]),
    ],
)
def test_an_unknown_command_or_option_is_caught(invocation, expected):
    assert problems(invocation) == expected


def test_a_command_is_cut_at_a_comment_or_pipe(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(
        "```sh\nsipkg review KEY   # or --frob in a browser\nsipkg stats | head --lines 3\n```\n"
        "and `.venv/bin/sipkg query --file q.rq` or `python -m sipkg.gallery`\n",
        encoding="utf-8",
    )
    assert invocations([page]) == ["sipkg query --file q.rq", "sipkg review KEY", "sipkg stats"]


def test_make_targets_the_pages_name_exist():
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    named = {
        m
        for page in PAGES
        for line in code(page.read_text(encoding="utf-8"))
        for m in re.findall(r"(?:^|\s)make ([a-z][a-z-]*)", line)
    }
    assert named and named - targets == set()


def test_commands_page_lists_every_command():
    page = (PROJECT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert [c for c in main.commands if f"`sipkg {c}" not in page] == []


def test_operations_page_names_every_serve_option():
    page = (PROJECT / "docs" / "operations.md").read_text(encoding="utf-8")
    options = [
        o
        for p in main.commands["serve"].params
        for o in (*p.opts, *p.secondary_opts)
        if o.startswith("--")
    ]
    assert [o for o in options if f"`{o}" not in page] == []


def test_tests_readme_describes_every_test_file():
    page = (PROJECT / "tests" / "README.md").read_text(encoding="utf-8")
    assert [
        p.name for p in sorted((PROJECT / "tests").glob("test_*.py")) if f"({p.name})" not in page
    ] == []


def test_make_run_installs_what_serving_needs_and_make_test_what_testing_adds():
    def planned(target: str) -> str:  # what make would run from scratch, run nothing
        return subprocess.run(
            ["make", "-n", "-B", target], cwd=PROJECT, capture_output=True, text=True, check=True
        ).stdout

    run, test = planned("run"), planned("test")
    assert "default-jre-headless" in run and "pip install --quiet -e ." in run
    assert not re.search(r"chromium|virtuoso|\[test\]", run)
    assert all(p in test for p in ("chromium", "virtuoso-opensource", "-e '.[test]'", "pytest"))
