"""Form bodies decoded in C: a SPARQL query sent as a form is a few kilobytes of percent-escapes.

`urllib.parse.parse_qsl` decodes them one escape at a time in Python, the largest single cost of
a small query's request. Here `%XX` becomes `\\xXX` for the codec that reads Python's byte
escapes; a body it cannot take exactly so (a backslash of its own, a `%` without two hex digits,
bytes that are not UTF-8) is read by Werkzeug's parser as before.
"""

from __future__ import annotations

import codecs
import io

from flask import Request as FlaskRequest
from werkzeug.formparser import FormDataParser


def decode_form(body: bytes) -> list[tuple[str, str]] | None:
    """The (name, value) pairs of an application/x-www-form-urlencoded body, as parse_qsl reads
    them (blank values kept); None when this fast path cannot be sure to read it the same."""
    if b"\\" in body:
        return None
    pairs = []
    try:
        for pair in body.split(b"&"):
            if pair:
                name, _, value = pair.partition(b"=")
                pairs.append((_unquote(name), _unquote(value)))
    except (ValueError, UnicodeDecodeError):
        return None
    return pairs


def _unquote(raw: bytes) -> str:
    raw = raw.replace(b"+", b" ")
    if b"%" in raw:
        raw = codecs.escape_decode(raw.replace(b"%", b"\\x"))[0]
    return raw.decode("utf-8")


class FormParser(FormDataParser):
    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        body = stream.read()
        pairs = decode_form(body)
        if pairs is None:
            return super()._parse_urlencoded(io.BytesIO(body), mimetype, content_length, options)
        return stream, self.cls(pairs), self.cls()


class Request(FlaskRequest):
    """Flask's request, with urlencoded forms decoded by `decode_form`."""

    form_data_parser_class = FormParser
