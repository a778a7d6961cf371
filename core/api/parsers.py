"""A JSON parser that answers 400 for deep nesting, bad charsets and invalid UTF-8 (T12, T15)."""

from __future__ import annotations

import codecs
import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.text import contains_nul


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _charset(media_type: str | None) -> str | None:
    for param in (media_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"')
    return None


class StrictJSONParser(JSONParser):
    """Parse UTF-8 JSON only; NaN/Infinity and recursion bombs are client errors, not 500s."""

    def parse(self, stream, media_type=None, parser_context=None):
        charset = _charset(media_type) or "utf-8"
        try:
            if codecs.lookup(charset).name != "utf-8":
                raise ParseError("Only UTF-8 JSON is accepted.")
        except LookupError as exc:
            raise ParseError("Unknown charset.") from exc
        try:
            raw = stream.read()
            data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError("JSON parse error.") from exc
        except RecursionError as exc:
            raise ParseError("JSON nested too deeply.") from exc
        if contains_nul(data):
            raise ParseError("NUL characters are not allowed in JSON strings.")
        return data
