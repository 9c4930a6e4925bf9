"""The fast YAML writer and reader: byte for byte what PyYAML with libyaml writes, and read
back as PyYAML reads it, or refused (`Unsupported`) so that PyYAML reads it."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen import bank as bank_mod
from quizgen import fastyaml
from quizgen.bank import Bank, dumps, loads
from quizgen.fastyaml import Flow, Unsupported

# Every character class the writer treats differently: indicators, quotes, spaces and breaks,
# what YAML resolves (null, bools, numbers, dates), unprintable and unsafe characters, CJK,
# beyond the BMP.
_CHARS = [
    *" \n\t\r-?:#,[]{}&*!|>'\"%@`.~=<+_\\0123456789abeEnNyYtTfFoOxX",
    *"中文😀é\xa0",
    *"\x00\x1b\x7f\x85\u2028\u2029\ufeff\ufffe",
]
_SPECIAL_TEXTS = ["", "\n", "\n\n", " ", "yes", "null", "~", "1.5", "2023-01-01", "---", "...", "a: b"]
_SPECIAL_TEXTS += ["- x", "x\n", "x\n\n", " x\ny", "a \nb", "a\n b", "\na", "0o17", "<<", "="]
_text = st.text(st.sampled_from(_CHARS), max_size=12) | st.sampled_from(_SPECIAL_TEXTS)
_scalars = _text | st.integers(-(10**6), 10**6) | st.none() | st.booleans() | st.floats()
_flows = st.lists(_scalars, max_size=4).map(Flow)
_keys = st.sampled_from(["id", "text", "b_c", "x1"])
_trees = st.recursive(
    _scalars | _flows,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=25,
)
_documents = st.dictionaries(_keys, _trees, min_size=1, max_size=5)

_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")


def _pyyaml_dump(data: Any) -> str:
    dumper = bank_mod._Dumper
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10**6, indent=2)


def _same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to NaN and types compared (1 is not True)."""
    if type(a) is not type(b) and not (isinstance(a, list) and isinstance(b, list)):
        return False
    if isinstance(a, float) and a != a:
        return b != b
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@_libyaml
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(_documents)
def test_dump_writes_what_libyaml_writes(data: dict[str, Any]) -> None:
    assert fastyaml.dump(data) == _pyyaml_dump(data)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(_documents)
def test_load_reads_what_dump_writes_as_pyyaml_does(data: dict[str, Any]) -> None:
    text = fastyaml.dump(data)
    assert _same(yaml.safe_load(text), data)
    assert _same(fastyaml.load(text), data)


_EDITS = ["#", " # c", "\n", " ", "  ", "- ", ": ", "'", '"', "&a ", "*a", "!!str ", "---\n", "...\n"]
_EDITS += ["[", "]", ",", "|", ">", "\t", "?", "~", "1", "a", "\\", "{", "}", "\r", "\n  x"]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(_documents, st.randoms(use_true_random=False))
def test_edited_text_is_read_as_pyyaml_reads_it_or_refused(data: dict[str, Any], rnd: random.Random) -> None:
    """The fast reader never reads a text differently from PyYAML: what it accepts, PyYAML
    reads the same; anything else it refuses (and `quizgen.bank` then uses PyYAML)."""
    text = fastyaml.dump(data)
    for _ in range(10):
        edited = text
        for _ in range(rnd.randint(1, 3)):
            at = rnd.randrange(len(edited) + 1)
            op = rnd.random()
            if op < 0.5:
                edited = edited[:at] + rnd.choice(_EDITS) + edited[at:]
            elif op < 0.8:
                edited = edited[:at] + edited[at + rnd.randint(1, 3) :]
            else:
                lines = edited.split("\n")
                i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                edited = "\n".join(lines)
        try:
            got = fastyaml.load(edited)
        except Unsupported:
            continue
        assert _same(got, yaml.safe_load(edited)), edited


@pytest.mark.parametrize(
    "text",
    [
        "a: x # comment\n",
        "# comment\na: x\n",
        "a: &x v\nb: *x\n",
        "a: !!str 5\n",
        "a: {b: c}\n",
        "a: plain\n  continued\n",
        "a: 'quoted\n  on two lines'\n",
        "a: [x,\n  y]\n",
        "a:\n\tb: c\n",
        "---\na: x\n",
        "a: x\n\nb: y\n",
        "a:\n  - x\n",
        "a: x\na: y\n",
        "a: ~\n",
        "a: 0x1f\n",
        "a: 1_000\n",
        "a: yes\n",
        "a: 2023-01-01\n",
        "a: >\n  folded\n",
        "a: |-\n  x\n",  # one line: dump writes it plain
        "a: |\n  x \n",  # a trailing space: dump writes it double-quoted
        "'a': x\n",
        "on: x\n",
        "- a\n",
        "a: x",
        "a:\n",
        "a: x\r\n",
        "a: [|]\n",
        'a: "\\UFFFFFFFF"\n',
    ],
)
def test_other_yaml_is_left_to_pyyaml(text: str) -> None:
    with pytest.raises(Unsupported):
        fastyaml.load(text)


@pytest.mark.parametrize(
    "data",
    [
        {"a": "\ud800"},  # PyYAML cannot encode it: it says so itself
        {"a": "x" * 1_000_000},  # libyaml would wrap it
        {"a": 1j},
        {"a": (1, 2)},
        {1: "x"},
        {"on": "x"},
        {"a b": "x"},
        {},
        [1],
    ],
)
def test_what_dump_leaves_to_pyyaml(data: Any) -> None:
    with pytest.raises(Unsupported):
        fastyaml.dump(data)


def test_kept_trailing_lines_end_the_document_as_libyaml_does() -> None:
    assert fastyaml.dump({"a": "x\n\n", "b": 2}) == "a: |+\n  x\n\nb: 2\n...\n"
    assert fastyaml.dump({"a": "x\n\n", "b": "y\nz"}) == "a: |+\n  x\n\nb: |-\n  y\n  z\n"
    assert fastyaml.load("a: |+\n  x\n\nb: 2\n...\n") == {"a": "x\n\n", "b": 2}


def test_a_bank_is_written_and_read_by_the_fast_path(
    seed_bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = dumps(seed_bank)
    if yaml.__with_libyaml__:
        assert text == _pyyaml_dump(bank_mod.bank_to_dict(seed_bank))

    def refused(text: str) -> Any:
        raise AssertionError("the fast reader should read a bank quizgen wrote")

    assert fastyaml.load(text) == yaml.safe_load(text)
    with monkeypatch.context() as m:
        m.setattr(bank_mod.yaml, "safe_load", refused)
        m.setattr(bank_mod, "_SafeLoader", refused)
        assert loads(text) == seed_bank


def test_a_hand_edited_bank_is_read_by_pyyaml(seed_bank: Bank) -> None:
    text = "# my bank\n" + dumps(seed_bank).replace("\nquestions:\n", "\nquestions:  # 30\n", 1)
    with pytest.raises(Unsupported):
        fastyaml.load(text)
    assert loads(text) == seed_bank
