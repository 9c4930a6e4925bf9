"""One question per row, the layout Chinese exam platforms import (and Excel opens):
题型, 题干, 选项A…选项F, 答案, 解析, 分值.

UTF-8 with a BOM (Excel on Windows reads UTF-8 without one as the ANSI code page) and CRLF
rows. A cell that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or
a carriage return, full-width forms included) gets a leading apostrophe, the OWASP advice;
a plain number such as ``-1``, ``+3``, ``-0.5`` or ``-40%`` is left alone (a spreadsheet reads
it as that number, and the apostrophe would turn it into text).

Answers: 单选 ``B``; 多选 ``ACD``; 判断 ``正确``/``错误``; 填空 the answer, accepted
alternatives after ``|`` (several blanks: ``；`` between them); 排序 the letters in order;
匹配 ``1-B；2-C`` with the terms numbered in the stem; 简答 the reference answer, with the key
points and their points in 解析. An item with more than six options gets columns 选项G….
"""

from __future__ import annotations

import csv as _csv
import io
import re
from collections.abc import Sequence

from quizgen.export.common import (
    SECTION_NAMES,
    clean,
    fill_alternatives,
    fmt_points,
    key_points,
    tf_is_true,
)
from quizgen.items import LETTERS, Item, ItemType

MIN_OPTIONS = 6
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# A signed number and nothing else: -1, +3, -0.5, -.5, -2e3, -40%, -1,000.
_PLAIN_NUMBER = re.compile(r"[+-](?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def neutralise(cell: str) -> str:
    """Make a cell inert in Excel/LibreOffice/Sheets: prefix formula starters with ``'``."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def header(n_options: int) -> list[str]:
    return ["题型", "题干", *(f"选项{LETTERS[i]}" for i in range(n_options)), "答案", "解析", "分值"]


def _answer(it: Item) -> str:
    t = it.type
    if t in (ItemType.CHOICE, ItemType.MULTI, ItemType.ORDER):
        return "".join(it.answer)
    if t is ItemType.TF:
        return "正确" if tf_is_true(it) else "错误"
    if t is ItemType.MATCH:
        return "；".join(f"{i}-{a}" for i, a in enumerate(it.answer, 1))
    if t is ItemType.FILL:
        if len(it.answer) == 1:
            return "|".join([it.answer[0], *fill_alternatives(it)])
        return "；".join(it.answer)
    return it.answer[0] if it.answer else ""


def _stem(it: Item) -> str:
    if it.type is ItemType.MATCH:
        return it.stem + "\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(it.left, 1))
    return it.stem


def _explanation(it: Item) -> str:
    if it.type is not ItemType.SHORT:
        return it.explanation
    kps = key_points(it)
    parts = []
    if kps:
        parts.append("评分要点：" + "；".join(f"{k.text}（{fmt_points(k.points)}分）" for k in kps))
    if it.explanation.strip():
        parts.append(it.explanation)
    return "\n".join(parts)


def rows(items: Sequence[Item]) -> list[list[str]]:
    n_opts = max([MIN_OPTIONS, *(len(it.options) for it in items)])
    out = [header(n_opts)]
    for it in items:
        opts = [*it.options, *[""] * (n_opts - len(it.options))]
        row = [SECTION_NAMES[it.type], _stem(it), *opts, _answer(it), _explanation(it)]
        out.append([neutralise(clean(c)) for c in row] + [fmt_points(it.points)])
    return out


def render(items: Sequence[Item], *, title: str = "") -> bytes:
    buf = io.StringIO()
    w = _csv.writer(buf, lineterminator="\r\n", quoting=_csv.QUOTE_MINIMAL)
    w.writerows(rows(items))
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
