"""Answers kept in memory, keyed by dataset version, so a repeated query costs a dictionary look-up;
and values derived from the data (a page's catalogue, an index), made once per dataset version.

The key holds everything an answer depends on: the dataset version (a new build changes it, so an
old answer can never be served for new data), the query text, the media type, the row cap, the
dataset parameters and the base IRI. The cache is bounded by bytes and drops the least recently
used answers first; answers of an older version are dropped as soon as a newer one is seen.
Only what the store alone decides is kept: not errors, not queries that call out (SERVICE), not
queries whose answer changes between runs (NOW(), RAND(), UUID(), STRUUID(), BNODE()).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sipkg.store.results import Answer
from sipkg.store.sparqltext import remote_targets

VOLATILE = re.compile(r"\b(NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
ENTRY_OVERHEAD = (
    256  # bytes an entry costs beyond its body and query text (key tuple, Answer, dict slot)
)
LARGEST_SHARE = (
    4  # one answer may use at most 1/LARGEST_SHARE of the cache, so one cannot flush the rest
)
T = TypeVar("T")


@dataclass(frozen=True)
class Key:
    version: str
    query: str
    media: str
    limit: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None


def cacheable(query: str) -> bool:
    """A query whose answer depends only on the dataset: no SERVICE call, no NOW()/RAND()/UUID()…"""
    return not VOLATILE.search(query) and not remote_targets(query)


class ResultCache:
    """A thread-safe LRU of answers holding at most `max_bytes` of bodies and query text."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, Answer] = OrderedDict()
        self._lock = threading.Lock()
        self._version: str | None = None
        self.size = 0  # bytes held now
        self.hits = self.misses = self.evictions = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> Answer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: Key, answer: Answer) -> None:
        """Keep an answer (a truncated one with its flag); one too big for its share is not kept."""
        cost = _cost(key, answer)
        if cost > self.max_bytes // LARGEST_SHARE:
            return
        with self._lock:
            if key.version != self._version:
                self._drop_other_versions(key.version)
            if key in self._entries:
                self.size -= _cost(key, self._entries.pop(key))
            self._entries[key] = answer
            self.size += cost
            while self.size > self.max_bytes:
                old_key, old = self._entries.popitem(last=False)
                self.size -= _cost(old_key, old)
                self.evictions += 1

    def _drop_other_versions(self, version: str) -> None:
        for key in [k for k in self._entries if k.version != version]:
            self.size -= _cost(key, self._entries.pop(key))
        self._version = version

    def stats(self) -> dict:
        with self._lock:
            return {
                "entries": len(self._entries),
                "bytes": self.size,
                "max_bytes": self.max_bytes,
                "hits": self.hits,
                "misses": self.misses,
                "evictions": self.evictions,
            }


def _cost(key: Key, answer: Answer) -> int:
    return len(answer.body) + len(key.query) + ENTRY_OVERHEAD


class PerVersion:
    """Values derived from the data, each made once per dataset version and remade when it changes.

    Thread-safe and double-checked: a value of the current version is read without a lock; making
    one holds that value's own lock, so threads wait for the one making it (not for one another's).
    """

    def __init__(self):
        self.values: dict[str, tuple[str, object]] = {}  # name -> (version, value)
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, name: str, version: str, make: Callable[[], T]) -> T:
        held = self.values.get(name)
        if held is None or held[0] != version:
            with self._lock:
                lock = self._locks.setdefault(name, threading.Lock())
            with lock:
                held = self.values.get(name)
                if held is None or held[0] != version:
                    held = self.values[name] = (version, make())
        return held[1]
