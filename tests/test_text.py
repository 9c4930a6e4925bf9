"""Normalisation, hashing and the lazy, quiet jieba segmenter."""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path
from typing import Any

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


# ---------------------------------------------------------------------------- jieba's prefix dictionary


@pytest.fixture(scope="module")
def jieba_reference() -> tuple[dict[str, int], int]:
    """jieba's own prefix dictionary, built the way jieba builds it."""
    import jieba

    return jieba.Tokenizer.gen_pfdict(jieba.dt.get_dict_file())


@pytest.mark.slow
def test_prefix_dict_has_exactly_jiebas_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jieba_reference: tuple[dict[str, int], int]
) -> None:
    import jieba

    from quizgen.text import _prefix_dict

    freq, total = jieba_reference
    monkeypatch.setenv("QUIZGEN_HOME", str(tmp_path))
    source = Path(jieba.__file__).with_name("dict.txt")
    built, built_total = _prefix_dict(source)  # made from dict.txt
    for t in threading.enumerate():
        if t.name == "quizgen-jieba-cache":
            t.join()
    assert (tmp_path / "cache" / "jieba" / "prefix-dict.marshal").is_file()
    cached, cached_total = _prefix_dict(source)  # read back from the cache
    assert built_total == cached_total == total
    for pd in (built, cached):
        assert all(pd[k] == v for k, v in freq.items())
    # strings that are neither words nor prefixes: absent, as in jieba
    for absent in ("卷积神经网络吧", "zzzz", "深度学习了吗", "B超声", " ", "的 ", ""):
        assert (absent in built) is (absent in freq)
        assert built.get(absent, -1) == freq.get(absent, -1)


_SAMPLE = st.text(
    alphabet=st.sampled_from(list("卷积神经网络深度学习的是一种模型池化层特征提取，。AIcnn 12"))
)


@functools.cache
def _lazy() -> tuple[Any, dict[str, int]]:
    """A jieba Tokenizer on a fresh `PrefixDict`, and jieba's own dictionary to compare with."""
    import jieba

    from quizgen.text import _prefix_dict

    tok = jieba.Tokenizer()
    tok.FREQ, tok.total = _prefix_dict(Path(jieba.__file__).with_name("dict.txt"))
    tok.initialized = True
    return tok, jieba.Tokenizer.gen_pfdict(jieba.dt.get_dict_file())[0]


@settings(max_examples=200, deadline=None)
@given(_SAMPLE)
def test_prefix_dict_lookups_agree_with_jieba(text: str) -> None:
    tok, freq = _lazy()
    for i in range(len(text)):
        for j in range(i + 1, min(len(text), i + 6) + 1):
            frag = text[i:j]
            assert (frag in tok.FREQ) is (frag in freq), frag
            assert tok.FREQ.get(frag) == freq.get(frag), frag


@pytest.mark.slow
def test_segmentation_is_jiebas_on_real_notes(eval_dir: Path) -> None:
    """Whole files cut with the lazy dictionary and with jieba's own, user words included."""
    import jieba

    tok, _ = _lazy()
    ref = jieba.Tokenizer()
    ref.initialize()
    for t in (tok, ref):
        for w in ("卷积神经网络", "池化操作", "Residual Network"):
            t.add_word(w, freq=20000)
    texts = [p.read_text(encoding="utf-8") for p in sorted((eval_dir / "notes").glob("*.md"))]
    texts.append((Path(__file__).resolve().parent.parent / "bank" / "deep_learning.md").read_text("utf-8"))
    for text in texts:
        assert tok.lcut(text) == ref.lcut(text)
        assert tok.lcut_for_search(text) == ref.lcut_for_search(text)


def test_segmenter_uses_the_lazy_dictionary() -> None:
    from quizgen.text import PrefixDict, segmenter

    assert isinstance(segmenter().dt.FREQ, PrefixDict)
