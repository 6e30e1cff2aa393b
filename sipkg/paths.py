"""Where the project's data, store and dumps live; constants only, so every tier can import it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    data: Path = PROJECT / "data"
    home: Path = Path(os.environ.get("SIPKG_HOME", PROJECT / "var"))

    @property
    def sources(self) -> Path:
        return self.data / "sources"

    @property
    def registry(self) -> Path:
        return self.data / "registry.yaml"

    @property
    def minted(self) -> Path:
        return self.data / "minted.yaml"

    @property
    def curation(self) -> Path:
        return self.data / "curation"

    @property
    def links(self) -> Path:
        return self.data / "links"

    @property
    def store(self) -> Path:
        return self.home / "store"
