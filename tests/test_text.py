"""Normalisation, hashing and the lazy, quiet jieba segmenter."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.text import char_ngrams, content_hash, is_cjk, nfkc, normalize, normalize_loose

# CJK text mixed with what NFKC changes: full-width forms, compatibility ideographs,
# half-width katakana and voiced marks, combining accents, ligatures, Hangul jamo.
_tricky = st.text(
    alphabet=st.sampled_from(
        list(
            "深度学习，。：（）ＡＢｃ１２　 ａ\u0301\u0323eﬁ①ｶﾞ\u3099か\u2f00\uf900\u1100\u1161\u11a8가\u00a0"
        )
    )
    | st.characters(),
    max_size=30,
)


@settings(max_examples=500, deadline=None)
@given(_tricky)
def test_nfkc_is_unicodedata_nfkc(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("卷积神经网络（ＣＮＮ）", "卷积神经网络(cnn)"),
        ("  Leaky   ReLU\t函数 ", "leaky relu 函数"),
        ("１２３，ＡＢＣ", "123,abc"),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_normalize_loose_drops_punctuation_and_spaces() -> None:
    assert normalize_loose("卷积 神经网络（CNN）。") == "卷积神经网络cnn"
    assert normalize_loose("“反向传播”——算法！") == "反向传播算法"


def test_content_hash_is_stable() -> None:
    assert content_hash("深度学习") == content_hash("深度学习")
    assert len(content_hash("a", length=10)) == 10
    assert content_hash("a", "b") != content_hash("ab")


def test_char_ngrams_and_is_cjk() -> None:
    assert char_ngrams("卷积，网络", 2) == ["卷积", "积网", "网络"]
    assert char_ngrams("卷", 2) == ["卷"] and char_ngrams("", 2) == []
    assert is_cjk("卷") and not is_cjk("A") and not is_cjk("，")


@pytest.mark.slow
def test_jieba_is_lazy_and_quiet() -> None:
    """Importing quizgen.text does not import jieba; first use prints nothing (no
    "Building prefix dict ..." on stderr)."""
    code = (
        "import sys\n"
        "import quizgen.text as t\n"
        "assert 'jieba' not in sys.modules\n"
        "t.add_words(['卷积神经网络'])\n"
        "print('|'.join(t.cut('卷积神经网络是一种深度学习模型')))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout.strip().startswith("卷积神经网络|是|一种")
