"""Adds a document to data/sources/ and takes one out, keeping sources.yaml and curation in step.

- The file is stored as UTF-8 NFC text (an HTML page as the text it shows, one block per
  line; `format: html` in its entry). Its key is the first 16 hex digits of the SHA-256 of
  that text and its file `NNN_<key>.txt` (NNN: the next number): the same text, the same key.
- The same text again with the same source URL changes nothing; under another source it
  is refused as a duplicate.
- A changed text from a source URL already ingested is a new version: the new entry says
  `version: N` and `replaces: <old key>`, the old one gets `replaced_by: <new key>` and stays
  on disk and in sources.yaml for the record, but the build reads only the current version.
  Curation entries citing the old version move to the new one when their quote is still
  in its text; otherwise the ingest is refused, naming them.
- Removing a document takes out its file, its metadata and the curation entries that cite
  it (the facts it supported go with the next build); removing the newest version of a
  source makes the previous one current again.

Every change is staged and applied as one transaction (temporary files + os.replace, the
old contents put back on failure), so an error leaves data/ byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sipkg import yamlfile
from sipkg.build.documents import (
    SourceError,
    decode,
    doc_key,
    load_metadata,
    parse_published,
    parse_text,
)
from sipkg.build.htmltext import html_to_text, looks_like_html
from sipkg.paths import Paths

LANGUAGES = ("zh", "en")
BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\xd0\xcf\x11\xe0",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
)
URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


class IngestError(SourceError):
    """A document cannot be ingested or removed: file, line and reason; data/ is unchanged."""


@dataclass
class IngestResult:
    key: str
    file: str
    status: str  # "added", "new-version" or "unchanged"
    version: int = 1
    replaces: str | None = None
    moved_curation: list[str] = field(
        default_factory=list
    )  # curation entry ids now citing the new version
    paragraphs: int = 0
    sentences: int = 0
    furniture: int = 0

    def to_text(self) -> str:
        if self.status == "unchanged":
            return f"{self.file}: already ingested (key {self.key}); nothing changed"
        lines = [
            (
                f"{'new version ' + str(self.version) if self.replaces else 'added'}: {self.file} (key {self.key}), "
                f"{self.paragraphs} paragraphs, {self.sentences} sentences ({self.furniture} page furniture)"
            )
        ]
        if self.replaces:
            lines.append(f"  replaces {self.replaces} (kept on record, no longer built)")
        if self.moved_curation:
            lines.append(
                f"  curation entries now citing the new version: {', '.join(self.moved_curation)}"
            )
        lines.append(f"  next: `sipkg build`, then `sipkg review {self.key}`")
        return "\n".join(lines)


@dataclass
class RemoveResult:
    key: str
    file: str
    curation: list[str] = field(default_factory=list)  # "file: id" of each curation entry taken out
    restored: str | None = None  # the previous version made current again

    def to_text(self) -> str:
        lines = [f"removed {self.file} (key {self.key}) and its entry in sources.yaml"]
        lines.append(
            f"  curation entries removed: {', '.join(self.curation) if self.curation else 'none'}"
        )
        if self.restored:
            lines.append(f"  previous version {self.restored} is current again")
        lines.append("  the facts it supported leave the graph with the next `sipkg build`")
        return "\n".join(lines)


# ---------------------------------------------------------------- reading the input


def read_input(file: Path) -> tuple[str, str]:
    """The document's NFC text and its format ("text" or "html"), or an IngestError saying why not."""
    if not file.is_file():
        raise IngestError(file, None, "no such file")
    raw = file.read_bytes()
    if raw.startswith(BINARY_MAGIC) or b"\x00" in raw[:8192]:
        raise IngestError(file, None, "a binary file, not plain text or HTML")
    try:
        text = decode(raw, file)
    except SourceError as e:
        raise IngestError(e.file, e.line, e.reason) from None
    if file.suffix.lower() in (".html", ".htm", ".xhtml") or looks_like_html(text):
        converted = unicodedata.normalize("NFC", html_to_text(text))
        if not converted.strip():
            raise IngestError(
                file, None, "the HTML yields no text (only markup, scripts or navigation)"
            )
        return converted, "html"
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t\f" for c in text):
        raise IngestError(file, None, "contains control characters: not a text file")
    return text, "text"


def content_key(text: str) -> str:
    """The document key derived from its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- ingest


def ingest(
    paths: Paths,
    file: Path,
    *,
    title: str,
    published: str | dt.date,
    source: str,
    language: str,
    title_en: str | None = None,
    publisher: str | None = None,
    rights: str | None = None,
    approximate: bool = False,
) -> IngestResult:
    """Add a document (or a new version of one) to paths.sources; see the module docstring.

    `published` is YYYY, YYYY-MM or YYYY-MM-DD; a year or a month only is an approximate date, and
    `approximate` marks a full date as one (a page that shows no date of its own)."""
    published, precision = _published(published)
    lexical = published.isoformat()[: {"gYear": 4, "gYearMonth": 7}.get(precision, 10)]
    title = unicodedata.normalize("NFC", title.strip())
    if not title:
        raise IngestError(file, None, "--title must not be empty")
    if language not in LANGUAGES:
        raise IngestError(
            file, None, f"language {language!r} must be one of {', '.join(LANGUAGES)}"
        )
    if not URL.fullmatch(source.strip()):
        raise IngestError(file, None, f"source {source!r} is not an http(s) URL")
    source = source.strip()
    text, fmt = read_input(file)
    key = content_key(text)
    paragraphs, sentences = parse_text(key, text, title, language)
    if not any(s.furniture is None for s in sentences):
        raise IngestError(file, None, "no content found: every line reads as page furniture")

    meta_file = paths.sources / "sources.yaml"
    entries = _entries(meta_file)
    by_key = {doc_key(e["file"]): e for e in entries}
    counts = {
        "paragraphs": len(paragraphs),
        "sentences": len(sentences),
        "furniture": sum(1 for s in sentences if s.furniture),
    }
    if key in by_key:
        existing = by_key[key]
        if existing.get("source") == source:
            return IngestResult(
                key, existing["file"], "unchanged", int(existing.get("version", 1)), **counts
            )
        raise IngestError(
            file,
            None,
            f"duplicate: the same text is already ingested as {existing['file']}"
            f" (source {existing.get('source', 'not recorded')})",
        )
    previous = next(
        (e for e in entries if e.get("source") == source and not e.get("replaced_by")), None
    )
    version = int(previous.get("version", 1)) + 1 if previous else 1
    name = f"{_next_number(entries, paths.sources):03d}_{key}.txt"

    meta_text = meta_file.read_text(encoding="utf-8")
    if previous is not None:
        meta_text = _insert_field(meta_text, previous, entries, "replaced_by", key)
    entry = {
        "file": name,
        "title": title,
        "title_en": title_en,
        "publisher": publisher,
        "published": lexical,
        "published_approximate": True if approximate or precision != "date" else None,
        "language": language,
        "source": source,
        "rights": rights,
        "format": fmt,
        "ingested": dt.date.today().isoformat(),
        "version": version,
        "replaces": doc_key(previous["file"]) if previous else None,
    }
    changes: dict[Path, bytes | None] = {
        paths.sources / name: text.encode("utf-8"),
        meta_file: (_with_newline(meta_text) + _entry_yaml(entry)).encode("utf-8"),
    }
    moved: list[str] = []
    if previous is not None:
        moved = _move_curation(paths.curation, doc_key(previous["file"]), key, text, changes)
    commit(changes)
    return IngestResult(
        key,
        name,
        "new-version" if previous else "added",
        version,
        doc_key(previous["file"]) if previous else None,
        moved,
        **counts,
    )


def _published(value: str | dt.date) -> tuple[dt.date, str]:
    try:
        return parse_published(value)
    except ValueError:
        raise IngestError(
            "--published", None, f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
        ) from None


def _entries(meta_file: Path) -> list[dict]:
    if not meta_file.exists():
        raise IngestError(meta_file, None, "missing: the sources folder needs a sources.yaml")
    return load_metadata(meta_file)


def _next_number(entries: list[dict], folder: Path) -> int:
    numbers = [
        int(m.group(1))
        for p in [*(e["file"] for e in entries), *(f.name for f in folder.glob("*.txt"))]
        if (m := re.match(r"(\d+)_", p))
    ]
    return max(numbers, default=-1) + 1


def _entry_yaml(entry: dict) -> str:
    """A sources.yaml entry in block style; the YAML emitter quotes a value only where it must."""
    lines = []
    for k, v in entry.items():
        if v is None:
            continue
        value = yaml.safe_dump(v, allow_unicode=True, default_flow_style=True, width=1 << 20)
        lines.append(
            f"{'- ' if not lines else '  '}{k}: {value.removesuffix(chr(10)).removesuffix(chr(10) + '...')}"
        )
    return "\n".join(lines) + "\n"


def _with_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


# ---------------------------------------------------------------- remove


def remove(paths: Paths, key: str) -> RemoveResult:
    """Take a document out: its file, its metadata entry and the curation entries citing it."""
    meta_file = paths.sources / "sources.yaml"
    entries = _entries(meta_file)
    entry = next((e for e in entries if doc_key(e["file"]) == key), None)
    if entry is None:
        known = ", ".join(doc_key(e["file"]) for e in entries)
        raise IngestError(meta_file, None, f"no document with key {key!r} (known: {known})")
    text = meta_file.read_text(encoding="utf-8")
    previous = next((e for e in entries if e.get("replaced_by") == key), None)
    if previous is not None and previous[yamlfile.LINE] > entry[yamlfile.LINE]:
        text = _drop_field(
            text, previous, entries, "replaced_by"
        )  # edit the later block first: lines stay valid
    text = _drop_block(text, entry, entries)
    if previous is not None and previous[yamlfile.LINE] < entry[yamlfile.LINE]:
        text = _drop_field(text, previous, entries, "replaced_by")
    restored = doc_key(previous["file"]) if previous else None
    changes: dict[Path, bytes | None] = {meta_file: text.encode("utf-8")}
    if (paths.sources / entry["file"]).exists():
        changes[paths.sources / entry["file"]] = None
    removed = _drop_curation(paths.curation, key, changes)
    commit(changes)
    return RemoveResult(key, entry["file"], removed, restored)


# ---------------------------------------------------------------- YAML edited as text, so comments stay


def _block(lines: list[str], entry: dict, entries: list[dict]) -> tuple[int, int]:
    """0-based [start, end) lines of a list entry; comments and blank lines before the next one excluded."""
    start = entry[yamlfile.LINE] - 1
    later = [e[yamlfile.LINE] - 1 for e in entries if e[yamlfile.LINE] - 1 > start]
    end = min(later, default=len(lines))
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return start, end


def _drop_block(text: str, entry: dict, entries: list[dict]) -> str:
    lines = text.splitlines(keepends=True)
    start, end = _block(lines, entry, entries)
    while end < len(lines) and not lines[end].strip():  # and the blank lines that separated it
        end += 1
    return "".join(lines[:start] + lines[end:])


def _insert_field(text: str, entry: dict, entries: list[dict], name: str, value: str) -> str:
    lines = text.splitlines(keepends=True)
    start, end = _block(lines, entry, entries)
    if not lines[start].lstrip().startswith("- "):
        raise IngestError(
            "sources.yaml", start + 1, "entries must be written in block style (- file: …)"
        )
    lines.insert(end, f"  {name}: {value}\n")
    if end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join(lines)


def _drop_field(text: str, entry: dict, entries: list[dict], name: str) -> str:
    lines = text.splitlines(keepends=True)
    start, end = _block(lines, entry, entries)
    kept = [line for line in lines[start:end] if not re.match(rf"\s+{name}\s*:", line)]
    return "".join(lines[:start] + kept + lines[end:])


def _curation_files(folder: Path) -> list[tuple[Path, str, list[dict]]]:
    out = []
    for path in sorted(folder.glob("*.yaml")) if folder.exists() else []:
        items = yamlfile.load(path, IngestError) or []
        if isinstance(items, list):
            out.append(
                (path, path.read_text(encoding="utf-8"), [i for i in items if isinstance(i, dict)])
            )
    return out


def _drop_curation(folder: Path, key: str, changes: dict[Path, bytes | None]) -> list[str]:
    removed = []
    for path, text, items in _curation_files(folder):
        citing = [i for i in items if str(i.get("doc")) == key]
        for item in sorted(
            citing, key=lambda i: -i[yamlfile.LINE]
        ):  # bottom up: earlier lines stay valid
            text = _drop_block(text, item, items)
        if citing:
            changes[path] = text.encode("utf-8")
            removed += [
                f"{path.name}: {i.get('id')}"
                for i in sorted(citing, key=lambda i: i[yamlfile.LINE])
            ]
    return removed


def _move_curation(
    folder: Path, old: str, new: str, new_text: str, changes: dict[Path, bytes | None]
) -> list[str]:
    """Point curation entries of the old version at the new one; refuse if a quote is gone."""
    moved, lost = [], []
    for path, text, items in _curation_files(folder):
        lines = text.splitlines(keepends=True)
        touched = False
        for item in (i for i in items if str(i.get("doc")) == old):
            if str(item.get("quote", "")) not in new_text:
                lost.append(f"{path.name}:{item[yamlfile.LINE]} ({item.get('id')})")
                continue
            start, end = _block(lines, item, items)
            for n in range(start, end):
                lines[n] = re.sub(rf"^(\s*-?\s*doc:\s*){old}\b", rf"\g<1>{new}", lines[n])
            moved.append(str(item.get("id")))
            touched = True
        if touched:
            changes[path] = "".join(lines).encode("utf-8")
    if lost:
        raise IngestError(
            folder,
            None,
            f"curation entries quote text the new version no longer has: {', '.join(lost)};"
            " correct or remove them first",
        )
    return moved


# ---------------------------------------------------------------- all or nothing


def commit(changes: dict[Path, bytes | None]) -> None:
    """Write every change or none: contents are staged in temporary files beside their targets,
    then swapped in with os.replace; if any step fails, the old contents are put back."""
    staged: dict[Path, Path] = {}
    try:
        for path, data in changes.items():
            if data is not None:
                staged[path] = _stage(path, data)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    originals = {p: (p.read_bytes(), p.stat().st_mode) if p.exists() else None for p in changes}
    done: list[Path] = []
    try:
        for path, data in changes.items():
            if data is None:
                path.unlink()
            else:
                os.replace(staged[path], path)
                del staged[path]
            done.append(path)
    except BaseException:
        for path in done:
            if originals[path] is None:
                path.unlink(missing_ok=True)
            else:
                content, mode = originals[path]
                os.replace(_stage(path, content, mode), path)
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise


def _stage(path: Path, data: bytes, mode: int | None = None) -> Path:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if mode is None:
        mode = path.stat().st_mode if path.exists() else 0o444 if path.suffix == ".txt" else 0o644
    os.chmod(name, stat.S_IMODE(mode))
    return Path(name)
