"""A loopback HTTP client that times one request at a time over a kept-alive connection."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from dataclasses import dataclass

from sipkg.store.sparqltext import query_form

REQUEST_TIMEOUT = (
    60.0  # seconds: well past every server's query time-out (10 s), so theirs answers first
)
SOLUTIONS = "application/sparql-results+json"
TRIPLES = "text/turtle"


@dataclass(frozen=True)
class Timed:
    seconds: float
    status: int  # 0: no answer (connection failed, client time-out)
    size: int  # bytes of the answer

    @property
    def ok(self) -> bool:
        return self.status == 200


class Client:
    """One user: requests one after another on one connection, reconnecting after a failure."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError(f"the benchmark talks to loopback only, not {url}")
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path or "/"
        self.conn: http.client.HTTPConnection | None = None

    def sparql(self, query: str) -> Timed:
        """POST the query as a form (every system takes that), asking for JSON results or Turtle."""
        accept = TRIPLES if query_form(query) in ("CONSTRUCT", "DESCRIBE") else SOLUTIONS
        body = urllib.parse.urlencode({"query": query}).encode()
        return self._request(
            "POST",
            self.path,
            body,
            {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )

    def get(self, path: str, accept: str = "text/html") -> Timed:
        return self._request("GET", path, None, {"Accept": accept})

    def _request(self, method: str, path: str, body: bytes | None, headers: dict) -> Timed:
        """One timed exchange; a kept-alive connection the server closed while idle is reopened once, untimed."""
        reused = self.conn is not None
        began = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    self.host, self.port, timeout=REQUEST_TIMEOUT
                )
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if reused:
                return self._request(method, path, body, headers)
            return Timed(time.perf_counter() - began, 0, 0)
        except (OSError, http.client.HTTPException):
            self.close()
            return Timed(time.perf_counter() - began, 0, 0)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return Timed(time.perf_counter() - began, response.status, len(data))

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def hammer(url: str, make_queries, clients: int, seconds: float) -> dict:
    """`clients` users asking queries from their own seeded streams for `seconds`; answers per second, errors."""
    stop = time.perf_counter() + seconds
    counts = [[0, 0, []] for _ in range(clients)]  # ok, errors, statuses of errors

    def user(i: int) -> None:
        client, stream = Client(url), make_queries(i)
        try:
            while time.perf_counter() < stop:
                timed = client.sparql(stream.next().text)
                if timed.ok:
                    counts[i][0] += 1
                else:
                    counts[i][1] += 1
                    counts[i][2].append(timed.status)
        finally:
            client.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + REQUEST_TIMEOUT + 5)
    elapsed = time.perf_counter() - began
    ok, errors = sum(c[0] for c in counts), sum(c[1] for c in counts)
    statuses = sorted({s for c in counts for s in c[2]})
    return {
        "qps": ok / elapsed,
        "ok": ok,
        "errors": errors,
        "error_statuses": statuses,
        "seconds": elapsed,
    }
