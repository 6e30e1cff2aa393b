"""YAML files whose mappings remember their line, so an error can say file:line."""

from __future__ import annotations

from pathlib import Path

import yaml

LINE = "__line__"


class InputError(ValueError):
    """A data file is wrong: file, line and reason."""

    def __init__(self, file: Path | str, line: int | None, reason: str):
        self.file, self.line, self.reason = str(file), line, reason
        super().__init__(f"{file}:{line}: {reason}" if line else f"{file}: {reason}")


class _LineLoader(yaml.SafeLoader):
    """A safe loader that adds each mapping's line number under LINE."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load(path: Path, error: type[InputError] = InputError):
    """Parse a YAML file; a syntax error becomes `error` with the file and line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise error(path, line, f"invalid YAML: {e.problem}") from e
