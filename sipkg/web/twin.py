"""One view, two answers: every page's HTML and its JSON twin (Datasette's model).

A page computes its data once and calls `answer`: JSON is that data, HTML is the template given
the same data (and its context), advertising the twin at `json_url`. Which one a request gets is
either negotiated strictly (`negotiate`: the suffix's, else the best of Accept, 406 when none fits,
for pages that also speak RDF) or read leniently (`wants_json`: a `.json` URL, or Accept preferring
JSON to HTML). Both answers say `Vary: Accept`.
"""

from __future__ import annotations

from flask import Response, abort, jsonify, render_template, request

HTML, JSON = "text/html", "application/json"
PAGE_MEDIA = [HTML, JSON]


def negotiate(offered: list[str], suffix: str | None) -> str:
    """The media type to answer in: the suffix's, else the best of Accept (HTML for browsers and */*)."""
    if suffix:
        if suffix not in offered:
            abort(404)
        return suffix
    accept = request.accept_mimetypes
    if not accept or accept.best in (None, "*/*"):
        return offered[0]
    best = accept.best_match(offered)
    if best is None:
        abort(
            Response(
                f"406 Not Acceptable: this page is available as {', '.join(offered)}\n",
                406,
                mimetype="text/plain",
            )
        )
    return best


def json_suffix() -> str | None:
    """JSON when the URL ends in `.json` (for `negotiate` on pages routed with and without it)."""
    return JSON if request.path.endswith(".json") else None


def wants_json() -> bool:
    """Whether this request asks for the JSON twin: a `.json` URL, or Accept preferring JSON to HTML."""
    return json_suffix() is not None or request.accept_mimetypes.best_match(PAGE_MEDIA) == JSON


def twin_url() -> str:
    """This page's JSON twin: its path with `.json`, its query string kept."""
    path = request.path if request.path.endswith(".json") else request.path + ".json"
    query = request.query_string.decode()
    return path + ("?" + query if query else "")


def answer(
    template: str,
    data: dict,
    *,
    media: str | None = None,
    json_url: str | None = None,
    status: int = 200,
    **context,
) -> Response:
    """`data` as JSON, or `template` rendered with `data` and `context`, advertising its JSON twin.

    `media` is what `negotiate` chose (None: ask `wants_json`); `json_url` defaults to `twin_url()`,
    "" advertises none.
    """
    if (media == JSON) if media is not None else wants_json():
        response = jsonify(data)
    else:
        json_url = twin_url() if json_url is None else json_url
        response = Response(render_template(template, data=data, json_url=json_url, **context))
    response.status_code = status
    response.vary.add("Accept")
    return response


def fail(status: int, message: str, template: str, **context) -> Response:
    """A client's mistake, explained on the page (HTML) or as {"error": …} (JSON)."""
    return answer(template, {"error": message}, status=status, error=message, **context)
