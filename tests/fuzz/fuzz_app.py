"""atheris harness: libFuzzer mutates inputs, each becomes one request to the app, every answer is checked.

    .venv/bin/python tests/fuzz/fuzz_app.py var/fuzz/corpus tests/fuzz/corpus -max_total_time=600

Takes libFuzzer's options (-runs=N, -max_total_time=S, -dict=…, -artifact_prefix=…). New
interesting inputs go to the first corpus folder; an answer that breaks the property in
oracle.py (or an exception out of the app) stops the run with the request to reproduce it,
and libFuzzer saves the input as crash-…. The store is SIPKG_FUZZ_STORE, else the project's build.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the `fuzz` package next to this file

with atheris.instrument_imports(include=["sipkg"]):
    import sipkg.web
    from sipkg.paths import Paths
    from sipkg.web import create_app

    for module in pkgutil.iter_modules(
        sipkg.web.__path__
    ):  # the blueprints, which create_app imports late
        importlib.import_module(f"sipkg.web.{module.name}")

# the helpers come after: sipkg had to be imported first, inside the block, to be instrumented
from fuzz import oracle
from fuzz.codec import request
from fuzz.targets import available, send

WARM_UP = [
    "/",
    "/explore",
    "/timeline",
    "/statistics",
    "/practices",
    "/review",
    "/search?q=x",
    "/sparql?query=ASK{}",
]


class Finding(AssertionError):
    """An answer that breaks the property (raised so libFuzzer records the input)."""


def main() -> None:
    store = Path(os.environ.get("SIPKG_FUZZ_STORE") or Paths().store)
    app = create_app(oracle.app_config(store))
    client = app.test_client()
    for path in WARM_UP:  # caches filled before the clock starts
        client.get(path)
    present = available(app)
    print(f"fuzzing targets: {', '.join(sorted(present))}", file=sys.stderr)

    def one_input(data: bytes) -> None:
        name, probe = request(data)
        if name not in present:
            return  # a surface not built yet
        response, body, seconds = send(client, probe)
        found = oracle.problems(probe, response.status_code, response.headers, body, seconds)
        if found:
            raise Finding(oracle.report(probe, response.status_code, body, found))

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()  # never returns; the query processes end when their pipe to us closes


if __name__ == "__main__":
    main()
