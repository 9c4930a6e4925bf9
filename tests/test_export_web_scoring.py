"""The web quiz scores exactly as quizgen.scoring does: the same Hypothesis-generated responses are
scored in Python and by the page's own script in Chromium (practice: plain key; exam: salted
hashes only), and the page's text normalisation and SHA-256 equal Python's."""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen import scoring
from quizgen.export.web import WebMode, WebOptions, _policy_data, _public, render
from quizgen.items import LETTERS, Item, ItemType
from quizgen.text import normalize_loose
from tests.browser import launch, open_page

SALT = "0123456789abcdef"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch()


POLICIES = [scoring.PRACTICE, scoring.EXAM, scoring.PRACTICE.with_multi(scoring.MultiRule.HALF)]
EXAMPLES = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def page(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    item = Item(id="i1", type=ItemType.TF, question_id="q", stem="?", answer=("对",))
    path = tmp_path_factory.mktemp("web") / "quiz.html"
    path.write_text(render([item], title="t"), encoding="utf-8")
    ctx, pg, watch = open_page(chromium, path.as_uri())
    yield pg
    assert not watch.errors
    ctx.close()


# ---------------------------------------------------------------------------- strategies

CJK = "卷积神经网络池化层全连接激活函数梯度消失中文编码器"
LATIN = "abcdefgimnorstxyzSIGMOID"
ODD = "０１２ＡＢｃ①٣Ⅻß ΣςİﬁK"  # full width, circled and Arabic-Indic digits, casefold specials
PUNCT = " \u3000,.，。、-_()（）!?\t"
FILL_CHARS = CJK + LATIN + "0123456789" + ODD + PUNCT


def _to_full_width(c: str) -> str:
    return chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    """`base` with a few typos, case and width changes and stray punctuation."""
    chars = list(base)
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["ins", "del", "sub", "swap", "case", "wide", "punct"]))
        i = draw(st.integers(0, max(len(chars) - 1, 0)))
        c = draw(st.sampled_from(CJK + LATIN) | st.sampled_from(FILL_CHARS))
        if op == "ins" or not chars:
            chars.insert(i, c)
        elif op == "del":
            del chars[i]
        elif op == "sub":
            chars[i] = c
        elif op == "swap" and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op == "case":
            chars[i] = chars[i].swapcase()
        elif op == "wide":
            chars[i] = _to_full_width(chars[i])
        else:
            chars.insert(i, draw(st.sampled_from(PUNCT)))
    return "".join(chars)


def _item(typ: ItemType, answer: list[str], **kw: Any) -> Item:
    return Item(id="it-" + typ.value, type=typ, question_id="q", stem="题目", answer=tuple(answer), **kw)


@st.composite
def letter_items(draw: st.DrawFn) -> Item:
    typ = draw(st.sampled_from([ItemType.CHOICE, ItemType.MULTI, ItemType.ORDER, ItemType.MATCH]))
    n = draw(st.integers(2, 6))
    options = tuple(f"选项{i}" for i in range(n))
    letters = list(LETTERS[:n])
    if typ is ItemType.CHOICE:
        return _item(typ, [draw(st.sampled_from(letters))], options=options)
    if typ is ItemType.MULTI:
        right = draw(st.lists(st.sampled_from(letters), min_size=1, max_size=n, unique=True))
        return _item(typ, sorted(right), options=options)
    if typ is ItemType.ORDER:
        return _item(typ, draw(st.permutations(letters)), options=options)
    terms = draw(st.integers(2, n))
    answer = draw(st.permutations(letters))[:terms]
    return _item(typ, answer, options=options, left=tuple(f"术语{i}" for i in range(terms)))


def letter_responses(n: int) -> st.SearchStrategy[Any]:
    one = st.sampled_from([*LETTERS[: n + 2], "", "a", "c"])
    return st.one_of(
        st.none(),
        st.lists(one, max_size=n + 2),
        st.lists(one, max_size=n + 2).map(lambda ls: ",".join(ls)),
        st.lists(st.sampled_from(LETTERS[:n]), min_size=n, max_size=n, unique=True),
    )


@st.composite
def fill_items(draw: st.DrawFn) -> tuple[Item, Any]:
    words = st.text(alphabet=CJK + LATIN + "0123456789", min_size=2, max_size=12) | st.text(
        alphabet=FILL_CHARS, min_size=1, max_size=12
    )
    answer = draw(words)
    accept = draw(st.lists(words, max_size=3))
    item = _item(ItemType.FILL, [answer], accept=tuple(accept))
    base = draw(st.sampled_from([answer, *accept]))
    kind = draw(st.sampled_from(["typo", "typo", "typo", "other", "none", "list"]))
    if kind == "typo":
        return item, draw(mutated(base))
    if kind == "other":
        return item, draw(words)
    if kind == "list":
        return item, tuple(
            draw(st.lists(st.sampled_from([base, *draw(st.lists(words, max_size=1))]), max_size=2))
        )
    return item, None


TF_WORDS = sorted(scoring._TRUE_WORDS | scoring._FALSE_WORDS)


@st.composite
def tf_cases(draw: st.DrawFn) -> tuple[Item, Any]:
    item = _item(ItemType.TF, [draw(st.sampled_from(["对", "错"]))])
    kind = draw(st.sampled_from(["word", "padded", "text", "none", "list"]))
    word = draw(st.sampled_from(TF_WORDS))
    if kind == "word":
        return item, word
    if kind == "padded":
        pad = draw(st.sampled_from(["", " ", "\u3000", "\t"]))
        return item, pad + word.upper() + draw(st.sampled_from(["", "。", "!", "！ ", "."]))
    if kind == "text":
        return item, draw(st.text(alphabet="对错是否TtFfYyNn01√× 。.", max_size=4))
    if kind == "list":
        return item, (word,)
    return item, None


# ---------------------------------------------------------------------------- comparison


def _parts(parts: Any, *, with_expected: bool = True) -> list[tuple[Any, ...]]:
    out = []
    for p in parts:
        if isinstance(p, dict):
            out.append((p["label"], p["given"], p["expected"] if with_expected else None, p["ok"]))
        else:
            out.append((p.label, p.given, p.expected if with_expected else None, p.ok))
    return out


def check(page: Any, item: Item, response: Any) -> None:
    plain = _public(item, WebOptions(mode=WebMode.PRACTICE), SALT)
    exam = _public(item, WebOptions(mode=WebMode.EXAM), SALT)
    wire = list(response) if isinstance(response, tuple) else response
    got = page.evaluate(
        """([item, exam, resp, salt, pols, examPol]) => ({
            plain: pols.map(p => QZ.score(item, resp, p)),
            exam: QZ.scoreExam(exam, resp, examPol, salt)})""",
        [plain, exam, wire, SALT, [_policy_data(p) for p in POLICIES], _policy_data(scoring.EXAM)],
    )
    for policy, js in zip(POLICIES, got["plain"], strict=True):
        py = scoring.score_response(item, response, policy)
        where = f"{item.type.value} {policy.name}/{policy.multi.value} {response!r}"
        assert js["fraction"] == pytest.approx(py.fraction, abs=1e-9), where
        assert js["correct"] == py.correct, where
        assert _parts(js["parts"]) == _parts(py.parts), where
    py = scoring.score_response(item, response, scoring.EXAM)
    js = got["exam"]
    where = f"{item.type.value} exam page {response!r}"
    assert js["fraction"] == pytest.approx(py.fraction, abs=1e-9), where
    assert js["correct"] == py.correct, where
    # A hashed fill key cannot say which accepted form a typo was close to.
    full = item.type is not ItemType.FILL
    assert _parts(js["parts"], with_expected=full) == _parts(py.parts, with_expected=full), where


@EXAMPLES
@given(data=st.data())
def test_letter_items_score_the_same(page: Any, data: st.DataObject) -> None:
    item = data.draw(letter_items())
    check(page, item, data.draw(letter_responses(len(item.options))))


@EXAMPLES
@given(case=fill_items())
def test_fill_items_score_the_same(page: Any, case: tuple[Item, Any]) -> None:
    check(page, *case)


@EXAMPLES
@given(case=tf_cases())
def test_tf_items_score_the_same(page: Any, case: tuple[Item, Any]) -> None:
    check(page, *case)


@pytest.mark.parametrize(
    ("typed", "accept"),
    [
        ("卷积神精网络", ["卷积神经网络"]),  # 错别字: half in practice, none in an exam
        ("Sigmiod 函数", ["Sigmoid 函数"]),  # Latin typo: right in both
        ("ab中cdefgh", ["a中bcdefgh"]),  # moving b or moving 中: a Latin typo
        ("L2 正则化", ["L1 正则化"]),  # never a typo in digits
        ("ＣＮＮ", ["卷积神经网络", "CNN"]),
        ("sigmoid", ["sigmoid 函数", "sigmoid"]),
        ("abcdefghij", ["abcdefgh", "abcdefghijk"]),
    ],
)
def test_fill_typo_examples(page: Any, typed: str, accept: list[str]) -> None:
    check(page, _item(ItemType.FILL, accept[:1], accept=tuple(accept[1:])), typed)


# ---------------------------------------------------------------------------- building blocks

ASSIGNED = st.characters(codec="utf-8", exclude_categories=("Cs", "Co", "Cn")).filter(
    lambda c: unicodedata.category(c) != "Cn"
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.one_of(st.sampled_from(FILL_CHARS), ASSIGNED), max_size=20))
def test_normalisation_is_pythons(page: Any, text: str) -> None:
    got = page.evaluate("t => [QZ.normalizeLoose(t), QZ.tfValue(t), QZ.pyStrip(t)]", text)
    assert got == [normalize_loose(text), scoring.tf_value(text), text.strip()]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_sha256_is_hashlibs(page: Any, text: str) -> None:
    assert page.evaluate("t => sha256(t)", text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_sha256_long_input(page: Any) -> None:
    text = "".join(random.Random(3).choice("深度学习abc\n") for _ in range(70_000))
    assert page.evaluate("t => sha256(t)", text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_page_holds_pythons_tables(page: Any) -> None:
    tables = json.loads(page.evaluate("document.getElementById('quiz-tables').textContent"))
    assert tables["unicode"] == unicodedata.unidata_version
    assert set(tables["true"]) == scoring._TRUE_WORDS and set(tables["false"]) == scoring._FALSE_WORDS
