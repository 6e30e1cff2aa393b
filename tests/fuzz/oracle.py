"""What every answer must satisfy, whatever was asked: the property both fuzzers check.

- The status is below 500, except 503 with Retry-After: the server saying, as designed, that a
  query ran past its time-out (a runaway random query) or that every query process was busy.
  That is the only 5xx a client's request may cause; a 500 is a bug of ours, and a 502 cannot
  happen here (the fuzz app allows no SERVICE endpoint, so nothing upstream can fail).
- An error (4xx/5xx) has a body that says what went wrong (HEAD and 304 have none by definition).
- No answer shows a Python traceback or the server's own file paths (unless the client sent that text).
- An HTML page never contains the probe tag unescaped: what a page shows of the request is escaped.
- The answer comes within TIME_BOUND seconds: a query is stopped at the fuzz app's 2 s time-out,
  and a page runs a few queries at most.
"""

from __future__ import annotations

from pathlib import Path

from .targets import Probe

QUERY_TIMEOUT = 2.0  # the fuzz app's time-out per query
TIME_BOUND = 10.0  # seconds for any answer: a few time-outs' worth, far from a hang
PROBE_TAG = "<fz-probe>"  # payloads carry it; an HTML page must show it as &lt;fz-probe&gt;
PROJECT = str(Path(__file__).resolve().parents[2])
LEAKS = [
    "Traceback (most recent call last)",
    'File "/',
    PROJECT,
    "site-packages",
    "werkzeug/",
    "sipkg/web/",
]


def app_config(store: Path) -> dict:
    """The app under fuzzing: a short time-out so a runaway random query ends quickly, two query processes,
    and exceptions raised to the fuzzer (TESTING) rather than turned into a 500 page."""
    return {"STORE": store, "TESTING": True, "QUERY_TIMEOUT": QUERY_TIMEOUT, "QUERY_WORKERS": 2}


def problems(probe: Probe, status: int, headers, body: bytes, seconds: float) -> list[str]:
    """What is wrong with this answer to this probe (empty when nothing is)."""
    found = []
    if status >= 500 and not (status == 503 and headers.get("Retry-After")):
        found.append(f"status {status} (only 503 with Retry-After is allowed)")
    if status >= 400 and probe.method != "HEAD" and not body.strip():
        found.append(f"status {status} with an empty body: the client is not told what went wrong")
    sent = probe.raw().decode("utf-8", "replace")
    text = body.decode("utf-8", "replace")
    for leak in LEAKS:
        if leak in text and leak not in sent:
            found.append(f"the answer shows {leak!r}")
    mimetype = (headers.get("Content-Type") or "").split(";")[0]
    if mimetype == "text/html" and PROBE_TAG in text:
        found.append(f"the HTML page shows {PROBE_TAG} unescaped")
    if seconds > TIME_BOUND:
        found.append(f"answered in {seconds:.1f} s (bound {TIME_BOUND} s)")
    return found


def report(probe: Probe, status: int, body: bytes, found: list[str]) -> str:
    """A finding, with the request to reproduce it and the start of the answer."""
    return "\n".join(
        [
            *found,
            f"status {status}; body starts {body[:400]!r}",
            "reproduce with:",
            probe.reproducer(),
        ]
    )
