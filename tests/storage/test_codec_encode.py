"""`codec.encode`: orjson's fast path and Python json's slow path write the same data."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bubble_lang.storage.codec import encode

PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | st.integers(), inner,
                                                                max_size=4),
    max_leaves=20)


@given(PLAIN)
def test_whatever_plain_data_is_written_it_reads_back_as_json_would_keep_it(data):
    text = encode(data)
    text.encode("utf-8")  # always writable
    back = json.loads(text)
    assert json.dumps(back, sort_keys=True) == json.dumps(_clean(data), sort_keys=True)


def _clean(data):
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, list):
        return [_clean(item) for item in data]
    if isinstance(data, dict):
        cleaned = {}
        for key, item in data.items():
            cleaned[_text(str(key))] = _clean(item)
        return cleaned
    if isinstance(data, str):
        return _text(data)
    return data


def _text(text: str) -> str:
    return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)


def test_slow_path_cases_match_the_fast_path_rules():
    assert encode({"n": math.nan, "big": 2**70, 1: "x"}) == '{"n":null,"big":1180591620717411303424,"1":"x"}'
    assert encode({"s": "\ud800x"}) == '{"s":"\ufffdx"}'
    assert encode({"t": (1, 2), "u": "é", "f": 1.5}) == '{"t":[1,2],"u":"é","f":1.5}'


@pytest.mark.parametrize("bad", [{1, 2}, object(), b"bytes"])
def test_what_is_not_json_data_is_refused(bad):
    import datetime

    with pytest.raises(ValueError, match="not plain JSON"):
        encode({"x": bad})
    with pytest.raises(ValueError, match="not plain JSON"):
        encode({"when": datetime.datetime(2026, 1, 1)})
