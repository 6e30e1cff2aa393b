"""Response headers that make a page hard to abuse: what it may load, who may frame it, what it leaks;
and request bodies read whole before a view runs (413 past the limit, 408 when one stops arriving).

Every response says `nosniff` (a SPARQL answer is never run as a script or page) and keeps the
referrer to our origin. HTML pages also get a Content-Security-Policy: scripts only from our own
static files (the project has no inline script, and the policy keeps it so), no plugins, no
framing, forms only to us, requests only to us. The endpoint's CORS headers are left alone:
cross-origin reads of /sparql are intended.
"""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, Response, abort, current_app, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

# The <style> elements the vendored libraries write from script, each allowed by its hash so no
# other inline style can ride along: cytoscape's (for its container) and YASGUI's table-column
# resizer's (when a result table is drawn). tests/test_security_headers.py checks both texts are
# still in the vendored files and that the browser reports no violation.
VENDOR_STYLES = (
    ".__________cytoscape_container { position: relative; }",
    (
        " .grip-resizable{table-layout:fixed;} .grip-resizable > tbody > tr > td, .grip-resizable >"
        " tbody > tr > th{overflow:hidden} .grip-padding > tbody > tr > td, .grip-padding > tbody >"
        " tr > th{padding-left:0!important; padding-right:0!important;} .grip-container{ height:0px"
        "; position:relative;} .grip-handle{margin-left:-5px; position:absolute; z-index:5; } .grip"
        "-handle .grip-resizable{position:absolute;background-color:red;filter:alpha(opacity=1);opa"
        "city:0;width:10px;height:100%;cursor: col-resize;top:0px} .grip-lastgrip{position:absolute"
        "; width:1px; } .grip-drag{ border-left:1px dotted black;\t} .grip-flex{width:auto!important"
        ";} .grip-handle.grip-disabledgrip .grip-resizable{cursor:default; display:none;}"
    ),
)


def style_hash(text: str) -> str:
    """A CSP source that allows exactly this inline style text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' " + " ".join(style_hash(text) for text in VENDOR_STYLES),
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
HTML_PAGES = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def secure(response: Response) -> Response:
    """Add the headers above (a view that set one itself keeps its own)."""
    extra = HTML_PAGES if response.mimetype == "text/html" else {}
    headers = response.headers
    for name, value in {**EVERY_RESPONSE, **extra}.items():
        if (
            name not in headers
        ):  # (Headers.setdefault raises and catches a KeyError for each one it adds)
            headers[name] = value
    # The old header for browsers without frame-ancestors; not on a page whose own policy lets others
    # frame it (the reconciliation preview card, which OpenRefine shows in a frame).
    if (
        "frame-ancestors 'none'" in headers.get("Content-Security-Policy", "frame-ancestors 'none'")
        and "X-Frame-Options" not in headers
    ):
        headers["X-Frame-Options"] = "DENY"
    return response


def whole_body() -> None:
    """Read a request's body before any view: 413 past MAX_CONTENT_LENGTH, 408 if it stops arriving.

    Werkzeug stops reading a chunked body (no Content-Length) at the limit without a word, so a
    view would run on the first megabyte of a query or form: reading one byte more raises the 413.
    A client that stops sending trips the server's socket time-out (sipkg serve): a 408, and the
    thread is free again.
    """
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if not (request.content_length or chunked):
        return
    try:
        request.get_data(cache=True)  # kept: forms and views read it from here
        if chunked:
            request.stream.read(1)
    except (OSError, ClientDisconnected):  # Werkzeug's word for a read that failed or ended short
        abort(
            Response(
                "408 Request Timeout: the request body stopped arriving\n",
                408,
                mimetype="text/plain",
                headers={"Connection": "close"},
            )
        )


def too_large(e: RequestEntityTooLarge) -> Response:
    """413 said plainly (the endpoint's clients are programs), with the limit to stay under."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    return Response(
        f"413 Request Entity Too Large: a request body here is at most {limit} bytes\n",
        413,
        mimetype="text/plain",
        headers={"Connection": "close"},
    )


def init_app(app: Flask) -> None:
    app.before_request(whole_body)
    app.after_request(secure)
    app.register_error_handler(RequestEntityTooLarge, too_large)
