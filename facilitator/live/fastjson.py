"""JSON for Socket.IO frames: orjson where it can, the standard module where it cannot.

orjson is several times faster on the large `state` snapshots, but it refuses
what Python's `json` accepts (lone surrogate escapes, NaN, non-string keys) and
reads integers beyond 64 bits as floats: such a frame goes to `json`, so every
frame the standard module decodes gets the same answer (CONTRACT §12).
"""

from __future__ import annotations

import json
import re

import orjson


def dumps(obj, **kwargs) -> str:
    try:
        return orjson.dumps(obj).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        kwargs.setdefault("separators", (",", ":"))
        return json.dumps(obj, **kwargs)


#: An integer literal of 20 digits or more: orjson would turn it into a float.
_HUGE_INTEGER = re.compile(r"(?<![\d.eE+-])-?\d{20,}(?![\d.eE])")


def loads(text, **kwargs):
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8")
    if _HUGE_INTEGER.search(text):
        return json.loads(text, **kwargs)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text, **kwargs)
