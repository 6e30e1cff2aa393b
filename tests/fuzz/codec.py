"""How atheris's bytes become a request: choices read from the end (FuzzedDataProvider), the payload from the front.

An input is `payload + choices`, the choices written little-endian in reverse order of reading:
target, variant, the five header picks, and a structured mutation (op, at, amount) applied to the
payload (op % 32 picks one of mutate.OPS; 0 and values past the table leave it as it is).
`encode` writes that layout, so the seed corpus is readable and `decode` gives it back.
"""

from __future__ import annotations

from pathlib import Path

import atheris

from .mutate import OPS, mutate, to_bytes
from .targets import (
    ACCEPTS,
    BY_NAME,
    CHARSETS,
    ETAGS,
    LENGTHS,
    ORIGINS,
    TARGETS,
    Headers,
    Probe,
    probe,
)

CORPUS = Path(__file__).parent / "corpus"
# (largest value) of each choice, in the order the harness reads them
RANGES = (
    len(TARGETS) - 1,
    2**16 - 1,
    len(ACCEPTS) - 1,
    len(CHARSETS) - 1,
    len(ETAGS) - 1,
    len(ORIGINS) - 1,
    len(LENGTHS) - 1,
    255,
    2**16 - 1,
    2**32 - 1,
)


def decode(data: bytes) -> tuple[str, int, Headers, tuple[int, int, int], bytes]:
    """(target name, variant, headers, mutation, payload) from a fuzzer input."""
    fdp = atheris.FuzzedDataProvider(data)
    target, variant, *picks = (fdp.ConsumeIntInRange(0, top) for top in RANGES[:7])
    mutation = tuple(fdp.ConsumeIntInRange(0, top) for top in RANGES[7:])
    return (
        TARGETS[target].name,
        variant,
        Headers(*picks),
        mutation,
        fdp.ConsumeBytes(fdp.remaining_bytes()),
    )


def encode(
    name: str, variant: int, headers: Headers, mutation: tuple[int, int, int], payload: bytes
) -> bytes:
    """The input that decode() reads back as these choices (mutation (0, 0, 0) leaves the payload as it is)."""
    values = (
        [t.name for t in TARGETS].index(name),
        variant,
        headers.accept,
        headers.charset,
        headers.etag,
        headers.origin,
        headers.length,
        *mutation,
    )
    tail = b"".join(
        v.to_bytes(_width(top), "little") for v, top in zip(reversed(values), reversed(RANGES))
    )
    return payload + tail


def _width(top: int) -> int:
    return (top.bit_length() + 7) // 8


def request(data: bytes) -> tuple[str, Probe]:
    """(target name, probe) an input stands for, its mutation applied."""
    name, variant, headers, (op, at, amount), payload = decode(data)
    if 0 < op % 32 < len(OPS):  # about a third of the inputs get one structured mutation
        payload = to_bytes(mutate(payload.decode("utf-8", "surrogateescape"), op % 32, at, amount))
    return name, probe(BY_NAME[name], variant, headers, payload)
