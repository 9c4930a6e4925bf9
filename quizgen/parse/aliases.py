"""Alias groups from parentheses: ``卷积神经网络（CNN）`` -> (卷积神经网络, CNN);
``残差网络（Residual Network，简称 ResNet）`` -> (残差网络, Residual Network, ResNet)."""

from __future__ import annotations

import functools
import re

from quizgen.text import normalize

_PAREN_RE = re.compile(r"[（(]([^（）()\n]{1,60})[）)]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_WORD_RE = re.compile(r"\w")
_ALIAS_SPLIT_RE = re.compile(r"[，,、;；/]|\s或\s")
_WORD_RUN_RE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
_ALIAS_PREFIXES = (
    "什么是",
    "请简要解释",
    "请简要介绍",
    "简要解释",
    "请解释",
    "请介绍",
    "解释",
    "简述",
    "何为",
    "请",
    "在",
    "是",
    "和",
    "与",
    "及",
    "由",
    "即",
    "它由",
    "它",
    "其",
    "这",
    "该",
    "将",
    "把",
    "例如",
    "比如",
    "包括",
    "通过",
    "使用",
    "利用",
    "采用",
)
_PREFIX_FIRST = frozenset(p[0] for p in _ALIAS_PREFIXES)
_ALIAS_STRIP = re.compile(r"^(?:简称|又称|又叫|也称|或称|即|英文|英文名)\s*[:：]?\s*")
# Only separators that cannot sit inside a term: 对/为/用 would cut 生成对抗网络.
_SUBJECT_SEPS = ("的", "中", "是", "通过", "使用", "利用", "采用", "包括", "例如", "比如")


@functools.lru_cache(maxsize=16384)
def _norm_name(name: str) -> str:
    return normalize(name)


@functools.lru_cache(maxsize=16384)
def _subject(run: str) -> str:
    """The term a parenthesis explains: the tail of the run of words before it, without
    lead-ins such as 什么是 / 例如 (notes repeat their terms, hence the cache)."""
    for sep in _SUBJECT_SEPS:
        if sep in run[1:]:
            _head, tail = run.rsplit(sep, 1)
            if len(tail) >= 2:
                run = tail
    changed = run[:1] in _PREFIX_FIRST
    while changed:
        changed = False
        for p in _ALIAS_PREFIXES:
            if run.startswith(p) and len(run) > len(p) + 1:
                run = run[len(p) :]
                changed = True
    return run


def extract_aliases(*texts: str) -> tuple[tuple[str, ...], ...]:
    """``卷积神经网络（CNN）`` -> (卷积神经网络, CNN); ``残差网络（Residual Network，简称 ResNet）``
    -> (残差网络, Residual Network, ResNet). Only parentheses holding Latin letters count, so
    ``（如图像）`` is not an alias."""
    groups: list[list[str]] = []
    known: dict[str, set[str]] = {}  # normalised subject -> normalised names of its group
    by_subject: dict[str, list[str]] = {}
    for text in texts:
        if "（" not in text and "(" not in text:
            continue
        for m in _PAREN_RE.finditer(text):
            inner = m.group(1).strip()
            if not _LATIN_RE.search(inner) or inner.startswith(
                ("如", "例如", "比如", "通常", "包括", "即", "约")
            ):
                continue
            # the run of word characters right before the parenthesis, read backwards
            before = _WORD_RUN_RE.match(text[max(0, m.start() - 40) : m.start()].rstrip()[::-1])
            if not before:
                continue
            subject = _subject(before.group()[::-1])
            if len(subject) < 2 or not _CJK_RE.search(subject):
                continue
            names = [subject]
            for part in _ALIAS_SPLIT_RE.split(inner):
                part = _ALIAS_STRIP.sub("", part.strip()).strip()
                if part and len(part) <= 40 and _LATIN_RE.search(part):
                    names.append(part)
            if len(names) < 2:
                continue
            key = _norm_name(subject)
            g = by_subject.get(key)
            if g is None:
                by_subject[key] = names
                known[key] = {_norm_name(n) for n in names}
                groups.append(names)
                continue
            for n in names[1:]:
                nn = _norm_name(n)
                if nn not in known[key]:
                    known[key].add(nn)
                    g.append(n)
    return tuple(tuple(g) for g in groups)
